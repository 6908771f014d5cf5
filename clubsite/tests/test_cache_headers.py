"""Personal pages are never kept by a cache: Cache-Control: no-store, private (clubsite.middleware).

The access matrix (test_access_matrix.py) checks the header on every page of every signed-in persona; these pin
the pages the issue names, a personal address opened without a session, and that public pages stay cacheable.
"""

import pytest
from django.urls import reverse

from clubsite.calendars.services import calendar_feed_for
from members.tests.factories import HealthMetricFactory


def _directives(response) -> set[str]:
    return {directive.strip() for directive in response.get("Cache-Control", "").split(",") if directive.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["members:dashboard", "members:metrics", "members:profile"])
def test_the_members_pages_are_not_cached(member_client, member, name):
    HealthMetricFactory(member=member)

    response = member_client.get(reverse(name))

    assert response.status_code == 200
    assert {"no-store", "private"} <= _directives(response)


@pytest.mark.django_db
def test_the_trainers_schedule_is_not_cached(trainer_client):
    response = trainer_client.get(reverse("trainers:schedule"))

    assert response.status_code == 200
    assert {"no-store", "private"} <= _directives(response)


@pytest.mark.django_db
def test_a_calendar_feed_opened_by_its_token_alone_is_not_cached(client, member):
    feed = calendar_feed_for(user=member.user)

    response = client.get(reverse("calendars:feed", args=[feed.token]))

    assert response.status_code == 200
    assert {"no-store", "private"} <= _directives(response)


@pytest.mark.django_db
def test_the_public_home_page_seen_signed_out_may_be_cached(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "no-store" not in _directives(response)
