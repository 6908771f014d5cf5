"""`make run` is how a newcomer tries the product: it serves the designed pages, not Django's debug pages, and
its static files without a collectstatic; `make dev` keeps the debug pages for a developer."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

MAKEFILE = (Path(settings.BASE_DIR) / "Makefile").read_text()
RUN = importlib.import_module("clubsite.settings.run")
LOCAL = importlib.import_module("clubsite.settings.local")
# What decides the error pages and the static files; the rest of run.py is local.py's.
AS_MAKE_RUN = {name: getattr(RUN, name) for name in ("DEBUG", "STORAGES", "WHITENOISE_USE_FINDERS", "MIDDLEWARE")}


def recipe(target: str) -> str:
    found = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", MAKEFILE, re.MULTILINE)
    assert found, f"no {target} target"
    return found.group(1)


def test_make_run_serves_with_its_own_settings_and_make_dev_with_the_developers():
    assert "DJANGO_SETTINGS_MODULE=clubsite.settings.run" in recipe("run")
    assert "runsite" in recipe("dev") and "settings.run" not in recipe("dev")
    assert RUN.DEBUG is False
    assert LOCAL.DEBUG is True  # manage.py's default: `make dev`


@pytest.mark.django_db
def test_a_missing_page_under_make_run_is_the_designed_not_found_page():
    with override_settings(**AS_MAKE_RUN):
        response = Client(raise_request_exception=False).get("/no-such-page/")

    text = response.content.decode()
    assert response.status_code == 404
    assert 'id="error-page"' in text and "Page not found" in text
    assert "URLconf" not in text  # Django's technical 404 lists the URL patterns


def test_static_files_under_make_run_are_served_without_collectstatic():
    with override_settings(**AS_MAKE_RUN):
        response = Client().get("/static/clubsite/site.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).strip()
