"""What a refusal says: its code, and how spans and days read in its message."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils import timezone

from clubsite.core.errors import ClubError


@contextmanager
def refused(code: str, error: type[ClubError] = ClubError, **params: Any) -> Iterator[pytest.ExceptionInfo[ClubError]]:
    """Expect the block to raise ``error`` (any club error by default) with ``code`` (and these ``params``)."""
    with pytest.raises(error) as caught:
        yield caught
    raised = caught.value
    assert raised.code == code, f"refused with {raised.code!r} ({raised.message!r}), not {code!r}"
    for name, value in params.items():
        assert raised.params.get(name) == value, f"{name}={raised.params.get(name)!r}, not {value!r}"


def span_text(start: datetime.datetime, end: datetime.datetime) -> str:
    """How a span reads in messages ('Tue 24 Nov 09:00–12:00'), spelled out independently of the code."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%a} {start.day} {start:%b %H:%M}–{end:%H:%M}"


def day_text(value: datetime.datetime) -> str:
    value = timezone.localtime(value)
    return f"{value:%a} {value.day} {value:%b}"
