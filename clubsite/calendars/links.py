"""A feed's addresses as a person copies them: the https address and the webcal:// one calendar apps open."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from .models import CalendarFeed


@dataclass(frozen=True)
class FeedLinks:
    url: str
    webcal_url: str
    rotated_at: datetime.datetime


def feed_links(request: HttpRequest, feed: CalendarFeed) -> FeedLinks:
    """The feed's absolute address on the host the person is using, and its webcal:// twin (the scheme that
    makes a phone or desktop offer to subscribe, over the same secure connection)."""
    url = request.build_absolute_uri(reverse("calendars:feed", kwargs={"token": feed.token}))
    webcal = "webcal://" + url.split("://", 1)[1]
    return FeedLinks(url=url, webcal_url=webcal, rotated_at=feed.rotated_at)
