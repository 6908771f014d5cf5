"""What the API says of a calendar feed: its addresses, for the member's and the trainer's routers alike."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Schema

from .links import feed_links
from .models import CalendarFeed


class CalendarFeedOut(Schema):
    """The person's private feed: subscribe to ``webcal_url`` (or add ``url`` by address) in a calendar app."""

    url: str = Field(description="The feed's https address; no sign-in needed, so keep it private.")
    webcal_url: str = Field(description="The same address as webcal://, which calendar apps offer to subscribe to.")
    rotated_at: datetime.datetime = Field(description="When this address was made; older ones no longer work.")


def calendar_feed_out(request: HttpRequest, feed: CalendarFeed) -> CalendarFeedOut:
    links = feed_links(request, feed)
    return CalendarFeedOut(url=links.url, webcal_url=links.webcal_url, rotated_at=links.rotated_at)
