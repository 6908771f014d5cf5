"""Helpers shared by the member portal tests."""

from __future__ import annotations

import datetime

from django.contrib.messages import get_messages
from django.utils import timezone

from operations.tests.factories import local_time  # noqa: F401  (re-exported for the tests)


def messages_of(response) -> list[str]:
    """The Django messages a response carries (after a redirect was followed, or on the page itself)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_errors(response) -> list[str]:
    """Every error of the page's form, field errors and non-field errors together."""
    form = response.context["form"]
    return [error for errors in form.errors.values() for error in errors]


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def in_hours(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)
