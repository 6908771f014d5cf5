"""Database helpers shared by every app: the time-range expression and constraint-error mapping."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import IntegrityError, InternalError, models


class TsTzRange(models.Func):
    """``tstzrange(start, end, '[)')``: half-open, so back-to-back slots do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, start: str, end: str, **extra) -> None:
        super().__init__(start, end, RangeBoundary(), **extra)


def violated_constraint(error: Exception) -> str | None:
    """The name of the constraint a database error reports, if any."""
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    return getattr(diag, "constraint_name", None)


@contextmanager
def constraint_errors(messages: Mapping[str, str], error_class: type[Exception]) -> Iterator[None]:
    """Turn a database constraint violation into the app's domain error with a readable message.

    ``messages`` maps constraint names to what a person should read. A violation of a constraint
    not in the map still becomes the domain error (never a raw database error), with a generic text.
    Triggers raise with a constraint name too, so they are mapped the same way.
    """
    try:
        yield
    except (IntegrityError, InternalError) as error:
        name = violated_constraint(error)
        message = messages.get(name or "", "The change conflicts with existing data; nothing was saved.")
        raise error_class(message) from error
