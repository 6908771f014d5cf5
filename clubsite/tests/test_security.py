"""Production hardening: deploy checks, sign-in throttling and the Content-Security-Policy."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from clubsite.accounts.tests.factories import DEMO_PASSWORD, UserFactory


def test_production_settings_pass_the_deploy_checks_without_a_warning():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clubsite.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "club.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="clubsite.settings.production", DJANGO_ALLOWED_HOSTS="club.example.com")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("home"))

    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in policy  # nothing is allowed from another host, so no CDN can load


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_out_from_that_address(client):
    user = UserFactory(email="ann@clubsite.test")
    login = reverse("accounts:login")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": user.email, "password": "wrong password"})
        assert "Please enter a correct email" in response.content.decode()
    # Typing the address in another case is the same account, so it counts too.
    client.post(login, {"username": user.email.upper(), "password": "wrong password"})

    # Now even the right password is refused, from this address, until the cool-off ends.
    response = client.post(login, {"username": user.email, "password": DEMO_PASSWORD})

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_sign_in_resets_the_failure_count(client):
    user = UserFactory(email="ben@clubsite.test")
    login = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(login, {"username": user.email, "password": "wrong password"})
    client.post(login, {"username": user.email, "password": DEMO_PASSWORD})
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(login, {"username": user.email, "password": "wrong password"})
    response = client.post(login, {"username": user.email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
