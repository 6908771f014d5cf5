"""The trainer's calendar feed: its address, and a new one (the old address stops working)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from clubsite.api.access import trainer_of
from clubsite.api.schemas import PROBLEMS
from clubsite.calendars.schemas import CalendarFeedOut, calendar_feed_out
from clubsite.calendars.services import calendar_feed_for, calendar_feed_rotate

router = Router(tags=["trainer"])


@router.get(
    "/calendar",
    response={200: CalendarFeedOut, **PROBLEMS},
    operation_id="trainer_calendar_feed_read",
    url_name="trainer_calendar_feed_read",
    summary="Your calendar feed's address",
)
def feed_read(request: HttpRequest) -> CalendarFeedOut:
    """The private .ics address of the classes you teach and your sessions (made on first use)."""
    return calendar_feed_out(request, calendar_feed_for(user=trainer_of(request).user))


@router.post(
    "/calendar/rotate",
    response={200: CalendarFeedOut, **PROBLEMS},
    operation_id="trainer_calendar_feed_rotate",
    url_name="trainer_calendar_feed_rotate",
    summary="Make a new calendar feed address",
)
def feed_rotate(request: HttpRequest) -> CalendarFeedOut:
    """A new address for your feed; the old one answers 404 from now on (subscribe again with the new one)."""
    return calendar_feed_out(request, calendar_feed_rotate(user=trainer_of(request).user))
