"""Swagger UI at /api/docs, drawn from the files of the installed django-ninja: no CDN."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

from .main import api
from .problems import problem

SWAGGER = Swagger(settings={"persistAuthorization": True, "tryItOutEnabled": True})


@require_GET
@ensure_csrf_cookie
def docs(request: HttpRequest) -> HttpResponse:
    """The interactive documentation; a signed-in person's session (and its CSRF token) goes with each call."""
    return SWAGGER.render_page(request, api)


def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/: a problem document, not the site's HTML page."""
    return problem(status=404, code="not_found", detail="There is no such endpoint; see /api/docs.")
