"""The 403 page: under /admin/ it is the back office's own, in the admin's layout with its menu."""

from __future__ import annotations

from django.contrib.admin import site
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: staff refused a back-office page stay in the back office (its header, their apps, a way
    home); anywhere else it is the site's 403 page in the site's layout."""
    if not request.path.startswith(reverse("admin:index")):
        return defaults.permission_denied(request, exception)  # type: ignore[arg-type]
    context = {
        **site.each_context(request),
        "title": "This page is not for your role",
        "exception": str(exception or ""),
    }
    return render(request, "admin/403.html", context, status=403)
