"""What the member endpoints share: a refusal of one field, the bill after a cancellation, a span, a page."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from billing.services import Settlement
from clubsite.api.errors import RequestError
from operations.events import Cancelled

from .schemas import MemberPageQuery, MemberSpanIn, Settled


def settled(outcome: Cancelled[Any]) -> Settled:
    """What a cancellation did to the member's bill, from billing's Settlement (as the portal's note says it)."""
    settlement = outcome.effect(Settlement)
    return "nothing" if settlement is None else settlement.outcome


def place_given_up(outcome: Cancelled[Any]) -> dict[str, Any]:
    """What giving up a class place did, from billing's Settlement: the fields ``MemberRegistrationCancelledOut``
    adds to the registration. A late cancellation is one that cost something: the credit kept, or the fee."""
    settlement = outcome.effect(Settlement)
    if settlement is None:  # (a Settlement that billed nothing is falsy: test for None)
        settlement = Settlement()
    return {
        "billing": settlement.outcome,
        "late": bool(settlement.credits_kept or settlement.fees_charged),
        "credits_returned": settlement.credits_returned,
        "credits_kept": settlement.credits_kept,
        "fee_charged": settings.CLUB_CLASS_LATE_CANCEL_FEE * settlement.fees_charged
        if settlement.fees_charged
        else None,
    }


def span_of(payload: MemberSpanIn) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end a request gives, with a length (minutes) or an end; the service checks the rest."""
    if (payload.duration is None) == (payload.end_time is None):
        raise RequestError("span_required")
    if payload.end_time is not None:
        return payload.start_time, payload.end_time
    assert payload.duration is not None
    try:
        return payload.start_time, payload.start_time + datetime.timedelta(minutes=payload.duration)
    except OverflowError:  # the calendar's last day
        raise RequestError("span_overflow") from None


def page_of(rows: QuerySet[Any] | Sequence[Any], page: MemberPageQuery) -> dict[str, Any]:
    """One page of ``rows`` in the shape of ``MemberPage``: ``count`` (one query for a queryset) and its items."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return {"count": count, "items": list(rows[page.offset : page.offset + page.limit])}
