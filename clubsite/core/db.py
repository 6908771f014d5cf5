"""Database helpers shared by every app: the time-range expression and turning a violated rule into a coded error."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField, RangeBoundary
from django.db import IntegrityError, InternalError, OperationalError, models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from .errors import ClubError

DEADLOCK_DETECTED = "40P01"


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


#: Every text column's limit in the database, by the name of its CHECK: (the column, its most characters).
TEXT_LIMITS: dict[str, tuple[str, int]] = {}


def text_limit(table: str, column: str, max_length: int) -> models.CheckConstraint:
    """``CHECK (char_length(column) <= max_length)``, named ``<table>_<column>_length``: a free-text column's
    limit held by the database, whichever door (or script) writes it. Give the field the same ``max_length``,
    so forms, the admin and the API refuse a longer text where it was typed; a service that still meets this
    check gets the coded ``text_too_long`` from ``constraint_errors``, under the column's field."""
    name = f"{table}_{column}_length"
    TEXT_LIMITS[name] = (column, max_length)
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(column), max_length),
        name=name,
        violation_error_message=f"Write at most {max_length} characters.",
    )


def violated_constraint(error: Exception) -> str | None:
    """The name of the constraint a database error reports, if any."""
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    return getattr(diag, "constraint_name", None)


@contextmanager
def constraint_errors(codes: Mapping[str, str], error_class: type[ClubError]) -> Iterator[None]:
    """Turn a database constraint violation into the app's coded error.

    ``codes`` maps constraint names to error codes of ``error_class``. Triggers raise with a constraint
    name too, so they are mapped the same way. A text longer than its column's limit (``text_limit``) is
    ``text_too_long`` under that column. A violation of a constraint not in the map still becomes the app's
    error (code ``conflict``), never a raw database error.
    """
    try:
        yield
    except (IntegrityError, InternalError) as error:
        name = violated_constraint(error) or ""
        if name not in codes and name in TEXT_LIMITS:
            column, limit = TEXT_LIMITS[name]
            raise error_class("text_too_long", field=column, limit=limit) from error
        raise error_class(codes.get(name, "conflict")) from error
    except OperationalError as error:
        # Two inserts that clash with each other at the same moment can each wait for the other while checking an
        # exclusion constraint (unlike a unique index, PostgreSQL does not order them): one is chosen as the
        # deadlock's victim. For that writer it is the same clash, with a row in the way that is not committed yet.
        if getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED:
            raise error_class("conflict") from error
        raise
