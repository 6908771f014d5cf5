"""Assertions shared by the operations tests."""

import re

import pytest
from django.utils import timezone

from operations.services import SchedulingError


def refused(message: str):
    """Expect a SchedulingError with exactly ``message``."""
    return pytest.raises(SchedulingError, match=f"^{re.escape(message)}$")


def span_text(start, end) -> str:
    """How a span reads in messages ('Tue 24 Nov 09:00–12:00'), spelled out independently of the code."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%a} {start.day} {start:%b %H:%M}–{end:%H:%M}"


def day_text(value) -> str:
    value = timezone.localtime(value)
    return f"{value:%a} {value.day} {value:%b}"
