"""Database helpers shared by every app: the time-range expression and turning a violated rule into a coded error."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField, RangeBoundary
from django.db import IntegrityError, InternalError, models

from .errors import ClubError


class TsTzRange(models.Func):
    """``tstzrange(start, end, '[)')``: half-open, so back-to-back slots do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, start: str, end: str, **extra: Any) -> None:
        super().__init__(start, end, RangeBoundary(), **extra)


class DateRange(models.Func):
    """``daterange(start, end, '[]')``: whole days, both ends included; an empty end runs on for ever."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start: str, end: str, **extra: Any) -> None:
        super().__init__(start, end, RangeBoundary(inclusive_lower=True, inclusive_upper=True), **extra)


def violated_constraint(error: Exception) -> str | None:
    """The name of the constraint a database error reports, if any."""
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    return getattr(diag, "constraint_name", None)


@contextmanager
def constraint_errors(codes: Mapping[str, str], error_class: type[ClubError]) -> Iterator[None]:
    """Turn a database constraint violation into the app's coded error.

    ``codes`` maps constraint names to error codes of ``error_class``. Triggers raise with a constraint
    name too, so they are mapped the same way. A violation of a constraint not in the map still becomes
    the app's error (code ``conflict``), never a raw database error.
    """
    try:
        yield
    except (IntegrityError, InternalError) as error:
        raise error_class(codes.get(violated_constraint(error) or "", "conflict")) from error
