"""Refusals of a request's shape that a schema cannot state (give a length or an end, not both; a date range
the API will not read in one go). They are about how the API is asked, not club rules, so they live with the
API; the club's rules refuse through their own apps' errors."""

from __future__ import annotations

from clubsite.core.errors import CONFLICT, ClubError, Message


class RequestError(ClubError):
    messages = {
        "span_required": Message("Give either duration (minutes) or end_time.", field="end_time"),
        "span_overflow": Message("The session would end past the end of the calendar.", field="duration"),
        "duration_invalid": Message("Choose a length of {choices} minutes.", field="duration"),
        "date_too_far": Message("Choose a date within {days} days of today."),
        "range_reversed": Message("The end of the range is before its start.", field="to"),
        "range_too_long": Message("Ask for at most {days} days at a time.", field="to"),
        "range_incomplete": Message("Give both the start and the end of the range."),
        "week_or_range": Message("Ask for a week or for a start and an end, not both.", field="week"),
        "job_not_failed": Message("This job is not failed any more: it is queued, running or done.", kind=CONFLICT),
    }
