"""A trainer sees the level of the class they teach, on its page and in the API."""

import re

import pytest
from django.urls import reverse

from clubsite.testing.api import ApiClient
from clubsite.testing.scenes import class_at
from operations.models import GroupClass
from operations.tests.factories import local_time

pytestmark = pytest.mark.django_db


def test_the_class_page_shows_the_level(trainer_client, trainer):
    group_class = class_at(trainer=trainer, start=local_time(days=1, hour=9), level=GroupClass.Level.BEGINNER)

    html = trainer_client.get(reverse("trainers:class-detail", args=[group_class.pk])).content.decode()

    assert re.search(r"<dt[^>]*>Level</dt>\s*<dd[^>]*>Beginner</dd>", html)


def test_the_api_gives_the_level(trainer):
    group_class = class_at(trainer=trainer, start=local_time(days=1, hour=9), level=GroupClass.Level.ADVANCED)

    response = ApiClient(trainer.user).get(f"/trainer/classes/{group_class.pk}")

    assert response.json()["level"] == "advanced"
