"""Staff see only links they may follow, and a page their role may not open refuses them inside the back office."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from billing.tests.factories import MembershipFactory, MembershipPlanFactory
from clubsite.testing.roles import sign_in_as
from clubsite.tests.test_admin_smoke import ROWS
from members.tests.factories import MemberFactory
from operations.tests.factories import GroupClassFactory, RoomFactory

pytestmark = pytest.mark.django_db

HEADER = escape(f"{settings.CLUB_NAME} · back office")


def links_in(page: str) -> set[str]:
    return {unescape(address) for address in re.findall(r'href="(/admin/[^"#]*)"', page)}


# -- read-only fields --------------------------------------------------------------------------------------------


def test_a_read_only_field_links_its_related_object_only_for_who_may_open_it(client):
    room = RoomFactory(name="Studio Blue")
    group_class = GroupClassFactory(booking__room=room)
    booking = group_class.booking
    plan = MembershipPlanFactory(name="Gold")
    membership = MembershipFactory(plan=plan)
    sign_in_as(client, "front_desk")

    booking_page = client.get(reverse("admin:operations_booking_change", args=[booking.pk])).content.decode()
    membership_page = client.get(reverse("admin:billing_membership_change", args=[membership.pk])).content.decode()

    # The desk may view bookings and memberships, not rooms, trainers or plans: named, not linked.
    assert "Studio Blue" in booking_page and "Gold" in membership_page
    assert reverse("admin:operations_room_change", args=[room.pk]) not in booking_page
    assert reverse("admin:trainers_trainer_change", args=[booking.trainer_id]) not in booking_page
    assert reverse("admin:billing_membershipplan_change", args=[plan.pk]) not in membership_page


def test_who_may_open_the_related_object_still_gets_the_link(admin_client):
    membership = MembershipFactory(plan=MembershipPlanFactory(name="Gold"))

    page = admin_client.get(reverse("admin:billing_membership_change", args=[membership.pk])).content.decode()

    assert reverse("admin:billing_membershipplan_change", args=[membership.plan_id]) in page


def test_billing_viewing_a_member_is_not_offered_to_set_a_goal(client):
    member = MemberFactory()
    sign_in_as(client, "billing")
    page = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert reverse("admin:members_fitnessgoal_add") not in page
    sign_in_as(client, "front_desk")
    page = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert reverse("admin:members_fitnessgoal_add") in page


@pytest.mark.parametrize("role", ["front_desk", "billing", "maintenance"])
def test_every_link_a_role_meets_within_three_clicks_of_its_dashboard_opens(client, role):
    """A walk of the back office as the role: from the dashboard, every link of every page opened, three clicks
    deep (two pages of each kind, so a list of fifty members is not fifty walks). None answers 403."""
    for make in ROWS.values():
        make()
    sign_in_as(client, role)
    kinds: Counter[str] = Counter()
    opened: set[str] = set()
    refused: list[tuple[str, str]] = []
    pages = [("/admin/", "")]
    for _click in range(3):
        found = []
        for address, came_from in pages:
            kind = re.sub(r"\d+", "N", address.split("?")[0])
            if address in opened or "logout" in address or kinds[kind] >= 2:
                continue
            opened.add(address)
            kinds[kind] += 1
            response = client.get(address)
            if response.status_code == 403:
                refused.append((address, came_from))
            elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
                found += [(link, address) for link in links_in(response.content.decode())]
        pages = found
    assert refused == []
    assert len(opened) > 10


# -- the 403 page ------------------------------------------------------------------------------------------------


def test_a_page_the_role_may_not_open_refuses_inside_the_back_office(client):
    sign_in_as(client, "maintenance")

    response = client.get(reverse("admin:billing_invoice_changelist"))

    assert response.status_code == 403
    page = response.content.decode()
    assert HEADER in page  # the admin's header and layout, not the member site's
    assert "This page is not for your role" in page
    assert f'href="{reverse("admin:index")}"' in page and "Back to your dashboard" in page
    assert 'class="navbar' not in page
    # Its menu holds the role's own apps.
    assert reverse("admin:operations_maintenancerecord_changelist") in page


def test_a_back_office_page_of_its_own_refuses_in_the_layout_too(client):
    sign_in_as(client, "maintenance")

    response = client.get(reverse("backoffice:billing-runs"))

    assert response.status_code == 403
    assert HEADER in response.content.decode()


def test_outside_the_back_office_a_403_keeps_the_sites_layout(client):
    client.force_login(MemberFactory().user)

    response = client.get(reverse("trainers:schedule"))

    assert response.status_code == 403
    assert 'class="navbar' in response.content.decode()
    assert HEADER not in response.content.decode()
