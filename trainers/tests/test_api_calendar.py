"""The trainer's calendar feed over the API: its address, and a new one that makes the old one 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clubsite.calendars.models import CalendarFeed
from clubsite.testing.api import ApiClient

pytestmark = pytest.mark.django_db


def feed_path(user) -> str:
    return reverse("calendars:feed", kwargs={"token": CalendarFeed.objects.get(user=user).token})


def test_a_trainer_reads_and_renews_their_feed_over_the_api(trainer):
    api = ApiClient(trainer.user)

    read = api.get("/trainer/calendar")
    renewed = api.post("/trainer/calendar/rotate")

    assert read.status_code == 200 and renewed.status_code == 200
    assert renewed.json()["url"] == f"http://testserver{feed_path(trainer.user)}"
    assert Client().get(read.json()["url"]).status_code == 404
    assert Client().get(renewed.json()["url"]).status_code == 200
