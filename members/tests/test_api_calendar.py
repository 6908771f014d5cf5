"""The member's calendar feed over the API: its address, and a new one that makes the old one 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clubsite.calendars.models import CalendarFeed
from clubsite.testing.api import ApiClient

pytestmark = pytest.mark.django_db


def feed_path(user) -> str:
    return reverse("calendars:feed", kwargs={"token": CalendarFeed.objects.get(user=user).token})


@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
def test_a_member_reads_and_renews_their_feed_over_the_api(member, session):
    api = ApiClient(member.user, session=session)

    read = api.get("/member/calendar")
    renewed = api.post("/member/calendar/rotate")

    assert read.status_code == 200 and renewed.status_code == 200, (read.content, renewed.content)
    old_url, new_url = read.json()["url"], renewed.json()["url"]
    assert old_url != new_url
    assert renewed.json()["webcal_url"] == new_url.replace("http://", "webcal://")
    assert new_url == f"http://testserver{feed_path(member.user)}"
    assert Client().get(old_url).status_code == 404
    assert Client().get(new_url).status_code == 200
