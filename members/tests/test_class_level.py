"""A member sees who a class is for before booking it: its level on the class page, on each class of the timetable
and the week view, in the API, and on the public home page."""

import re

import pytest
from django.urls import reverse

from clubsite.testing.api import ApiClient
from operations.models import GroupClass
from operations.tests.factories import GroupClassFactory, local_time

Level = GroupClass.Level


def _class(name="Spin", *, days=2, level=Level.ALL):
    return GroupClassFactory(name=name, level=level, booking__start_time=local_time(days=days, hour=10))


def _text(html: str) -> str:
    """The page as read: tags dropped, white space run together."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.django_db
def test_the_class_page_says_who_the_class_is_for(member_client):
    group_class = _class("Barbell Club", level=Level.INTERMEDIATE)

    page = _text(member_client.get(reverse("members:class-detail", args=[group_class.pk])).content.decode())

    assert "Level Intermediate" in page


@pytest.mark.django_db
def test_a_class_given_no_level_reads_all_levels(member_client):
    group_class = _class("Spin")

    page = _text(member_client.get(reverse("members:class-detail", args=[group_class.pk])).content.decode())

    assert "Level All levels" in page


@pytest.mark.django_db
def test_each_class_on_the_timetable_and_the_week_view_shows_its_level(member_client):
    _class("Sunrise Yoga", days=1, level=Level.BEGINNER)
    _class("HIIT Blast", days=2, level=Level.ADVANCED)

    for name in ("members:timetable", "members:timetable-week"):
        html = member_client.get(reverse(name)).content.decode()
        assert re.findall(r'class="badge[^"]*class-level">([^<]*)<', html) == ["Beginner", "Advanced"], name


@pytest.mark.django_db
def test_the_api_gives_each_class_its_level(member):
    group_class = _class("HIIT Blast", level=Level.ADVANCED)
    api = ApiClient(member.user)

    one = api.get(f"/member/classes/{group_class.pk}").json()
    listed = api.get("/member/classes").json()["items"]

    assert one["level"] == "advanced"
    assert [item["level"] for item in listed] == ["advanced"]


@pytest.mark.django_db
def test_the_home_page_timetable_shows_each_classs_level(client):
    _class("Sunrise Yoga", days=1, level=Level.BEGINNER)

    page = _text(client.get(reverse("home")).content.decode())

    assert "Sunrise Yoga" in page and "Beginner" in page
