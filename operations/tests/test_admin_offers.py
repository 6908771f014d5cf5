"""The registrations list shows offered seats with their expiry, no-shows, and how each seat is paid for; staff
accept an offered seat for the member through the service."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from billing.tests.factories import CreditPackFactory, MembershipFactory, MembershipPlanFactory
from clubsite.core.clock import club_time
from clubsite.testing import messages_of
from clubsite.testing.admin import query_count
from clubsite.testing.roles import sign_in_as
from members.tests.factories import MemberFactory
from operations import services
from operations.errors import SchedulingError
from operations.models import AdminStaff, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:operations_classregistration_changelist")


def offered(**extra) -> ClassRegistration:
    expires_at = timezone.now() + datetime.timedelta(minutes=90)
    return ClassRegistrationFactory(status=ClassRegistration.Status.OFFERED, offer_expires_at=expires_at, **extra)


def paid_three_ways() -> dict[str, ClassRegistration]:
    """One seat each paid by the plan, by a credit and as a drop-in, taken through the service."""
    on_plan = MembershipFactory(plan=MembershipPlanFactory(classes="unlimited")).member
    with_credits = CreditPackFactory(pack__name="5-class pack").member
    group_class = GroupClassFactory()
    return {
        "plan": services.class_register(member=on_plan, group_class=group_class),
        "credit": services.class_register(member=with_credits, group_class=group_class),
        "drop_in": services.class_register(member=MemberFactory(), group_class=group_class),
    }


def test_an_offered_seat_shows_until_when_it_is_held_and_a_no_show_says_so(admin_client):
    offer = offered()
    ClassRegistrationFactory(status=ClassRegistration.Status.NO_SHOW)

    page = admin_client.get(CHANGELIST).content.decode()

    until = dateformat.format(club_time(offer.offer_expires_at), "D j M H:i")
    assert f"Offered a seat (until {until})" in page
    assert "Did not come" in page


def test_the_list_shows_how_each_seat_is_paid_for(admin_client):
    seats = paid_three_ways()

    rows = {row.pk: row for row in admin_client.get(CHANGELIST).context["cl"].result_list}
    model_admin = admin_client.get(CHANGELIST).context["cl"].model_admin

    assert {kind: model_admin.paid_by(rows[seat.pk]) for kind, seat in seats.items()} == {
        "plan": "Plan",
        "credit": "Credit (5-class pack)",
        "drop_in": "Drop-in",
    }


def test_the_list_costs_the_same_whatever_pays_for_its_seats(admin_client):
    paid_three_ways()
    few = query_count(admin_client, CHANGELIST)
    for _ in range(3):
        paid_three_ways()

    assert query_count(admin_client, CHANGELIST) == few


def test_the_class_page_shows_an_offered_seat_with_its_expiry(admin_client):
    offer = offered()

    page = admin_client.get(reverse("admin:operations_groupclass_change", args=[offer.group_class_id]))

    assert "Offered a seat (until" in page.content.decode()


def test_the_front_desk_accepts_an_offer_for_the_member(client):
    sign_in_as(client, AdminStaff.Role.FRONT_DESK)
    offer = offered()
    taken = ClassRegistrationFactory()

    response = client.post(
        CHANGELIST, {"action": "accept_offers", "_selected_action": [offer.pk, taken.pk]}, follow=True
    )

    offer.refresh_from_db()
    assert (offer.status, offer.offer_expires_at) == (ClassRegistration.Status.REGISTERED, None)
    assert offer.cover.kind == "drop_in"
    assert messages_of(response) == [f"{taken}: {SchedulingError('offer_not_open')}", "1 offered seat accepted."]
