"""The public home page: this week's classes fit a phone, and the link under them leads each person somewhere they
may go (members and visitors to the timetable, a trainer to their schedule, staff to the back office)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from billing.tests.factories import MembershipPlanFactory
from clubsite.accounts.tests.factories import UserFactory
from clubsite.testing.roles import ROLES, staff_user
from clubsite.testing.twofactor import sign_in
from members.tests.factories import MemberFactory
from operations.tests.factories import GroupClassFactory, local_time
from trainers.tests.factories import TrainerFactory


@pytest.fixture
def spin():
    return GroupClassFactory(name="Spin", booking__start_time=local_time(days=1, hour=10))


def _link(client: Client) -> str:
    response = client.get(reverse("home"))
    return response.context["classes_link"].url


def _followed(client: Client, url: str) -> int:
    return client.get(url).status_code


@pytest.mark.django_db
def test_a_member_and_a_visitor_are_led_to_the_timetable(client, spin):
    assert _link(client) == reverse("members:timetable")
    client.force_login(MemberFactory().user)
    assert _link(client) == reverse("members:timetable")
    assert _followed(client, reverse("members:timetable")) == 200


@pytest.mark.django_db
def test_a_trainer_is_led_to_their_schedule_not_a_403(client, spin):
    client.force_login(TrainerFactory().user)

    url = _link(client)

    assert url == reverse("trainers:schedule")
    assert _followed(client, url) == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_are_led_to_a_back_office_page_they_may_open(client, spin, role):
    sign_in(client, staff_user(role))

    url = _link(client)

    assert url != reverse("members:timetable")
    assert _followed(client, url) == 200


@pytest.mark.django_db
def test_someone_signed_in_without_a_role_is_led_to_the_plans(client, spin):
    client.force_login(UserFactory())

    url = _link(client)

    assert url == reverse("plans")
    assert _followed(client, url) == 200


@pytest.mark.django_db
def test_the_home_timetable_lists_classes_as_cards_not_a_wide_table(client, spin):
    page = client.get(reverse("home")).content.decode()

    assert "<table" not in page
    assert "home-class" in page and "Spin" in page


def _join_links(client: Client) -> list[str]:
    page = client.get(reverse("plans")).content.decode()
    return [href for href in re.findall(r'href="([^"]+)"', page) if "join" in href or "signup" in href]


@pytest.mark.parametrize("role", ["trainer", *ROLES])
def test_the_plans_page_offers_no_join_link_a_trainer_or_staff_member_cannot_open(db, client, role):
    MembershipPlanFactory(name="Gold")
    sign_in(client, TrainerFactory().user if role == "trainer" else staff_user(role))

    links = _join_links(client)

    assert links == []


def test_the_plans_page_leads_a_member_to_join_and_a_visitor_to_sign_up(db, client):
    plan = MembershipPlanFactory(name="Gold")

    assert _join_links(client) == [f"{reverse('accounts:signup')}?plan={plan.pk}"]
    client.force_login(MemberFactory().user)
    assert _join_links(client) == [reverse("members:membership-join", args=[plan.pk])]
    assert client.get(_join_links(client)[0]).status_code == 200
