"""Helpers for the portal tests: a page's form errors, and times counted from now."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils import timezone


def form_errors(response: HttpResponse) -> list[str]:
    """Every error of the page's form, field errors and non-field errors together."""
    form = response.context["form"]  # type: ignore[attr-defined]
    return [error for errors in form.errors.values() for error in errors]


def field_errors(response: HttpResponse, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))  # type: ignore[attr-defined]


def in_hours(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)
