"""Helpers shared by the member portal tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from clubsite.testing import messages_of  # noqa: F401  (re-exported for the tests)
from operations.tests.factories import local_time  # noqa: F401  (re-exported for the tests)


def form_errors(response) -> list[str]:
    """Every error of the page's form, field errors and non-field errors together."""
    form = response.context["form"]
    return [error for errors in form.errors.values() for error in errors]


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def in_hours(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)
