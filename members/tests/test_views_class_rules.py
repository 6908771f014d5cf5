"""Member portal and the class booking rules: the booking window, frozen days, how a seat is paid, late
cancellations, and seats offered from the waitlist."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from billing.errors import BillingError
from billing.models import CreditPack, InvoiceLine, MembershipPlan
from billing.tests.factories import (
    ClassPackFactory,
    CreditPackFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
    club_time,
)
from clubsite.testing import messages_of
from clubsite.testing.portal import form_errors
from members.portal.views.base import CREDIT_KEPT, CREDIT_RETURNED, FEE_CHARGED
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.describe import describe_booking
from operations.errors import SchedulingError
from operations.models import ClassRegistration
from operations.tests.factories import GroupClassFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def december_tenth(time_machine):
    """Thursday 10 December 2026, 10:00 at the club."""
    time_machine.move_to(club_time(2026, 12, 10, 10))


def spin(start: datetime.datetime, **fields) -> GroupClassFactory:
    return GroupClassFactory(
        name="Spin", booking__start_time=start, booking__end_time=start + datetime.timedelta(hours=1), **fields
    )


@pytest.fixture
def unlimited(member):
    plan = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("45.00"), classes=MembershipPlan.Classes.UNLIMITED)
    return MembershipFactory(member=member, plan=plan, started_on=D(2026, 6, 1))


@pytest.fixture
def gym_only(member):
    return MembershipFactory(member=member, plan=MembershipPlanFactory(name="Gym"), started_on=D(2026, 6, 1))


def register(client, group_class):
    return client.post(reverse("members:class-register", args=[group_class.pk]), follow=True)


# -- the booking window and frozen days ----------------------------------------------------------


def test_a_class_not_open_yet_says_when_booking_opens_instead_of_a_button(member_client, member):
    later = spin(club_time(2026, 12, 29, 10))  # booking opens 14 days before: Tue 15 Dec 10:00

    timetable = member_client.get(reverse("members:timetable"), {"date": "2026-12-29"}).content.decode()
    page = member_client.get(reverse("members:class-register", args=[later.pk])).content.decode()
    response = member_client.post(reverse("members:class-register", args=[later.pk]))

    assert "Booking opens Tue 15 Dec 10:00" in timetable
    assert "Register<span" not in timetable
    assert "Booking opens Tue 15 Dec 10:00." in page
    assert form_errors(response) == [SchedulingError("class_not_open_yet", opens="Tue 15 Dec 10:00", days=14).message]
    assert not ClassRegistration.objects.filter(member=member).exists()


def test_a_class_on_a_frozen_day_is_refused_with_the_services_message(member_client, member, unlimited):
    MembershipFreezeFactory(membership=unlimited, starts_on=D(2026, 12, 11), ends_on=D(2026, 12, 20))
    group_class = spin(club_time(2026, 12, 12, 10))

    response = member_client.post(reverse("members:class-register", args=[group_class.pk]))

    assert form_errors(response) == [
        BillingError("membership_frozen", starts_on="Fri 11 Dec 2026", ends_on="Sun 20 Dec 2026").message
    ]
    assert not ClassRegistration.objects.filter(member=member).exists()


# -- how the seat is paid ------------------------------------------------------------------------


def test_a_class_the_plan_includes_says_so(member_client, unlimited):
    group_class = spin(club_time(2026, 12, 12, 10))

    response = register(member_client, group_class)

    assert messages_of(response) == [
        f"You have a place in {describe_booking(group_class.booking)}. Included in your plan."
    ]


def test_a_class_paid_with_a_credit_says_how_many_are_left(member_client, member, gym_only):
    CreditPackFactory(member=member, pack=ClassPackFactory(credits=3))
    group_class = spin(club_time(2026, 12, 12, 10))

    response = register(member_client, group_class)

    assert messages_of(response) == [
        f"You have a place in {describe_booking(group_class.booking)}. Paid with a class credit: 2 left."
    ]


# -- late cancellations ----------------------------------------------------------------------------


def cancel_page(client, registration) -> str:
    return client.get(reverse("members:registration-cancel", args=[registration.pk])).content.decode()


def cancel(client, registration):
    """The button of the page that said what a late cancel costs."""
    return client.post(
        reverse("members:registration-cancel", args=[registration.pk]), {"late_confirmed": "on"}, follow=True
    )


def test_a_late_cancel_in_one_tap_shows_its_cost_and_cancels_nothing(member_client, member, unlimited):
    soon = spin(club_time(2026, 12, 10, 14))  # four hours away: inside the 12-hour cut-off
    registration = scheduling.class_register(member=member, group_class=soon)

    response = member_client.post(reverse("members:registration-cancel", args=[registration.pk]))

    assert response.status_code == 200
    assert "the £5.00 late-cancel fee applies." in response.content.decode()
    assert 'name="late_confirmed"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == ClassRegistration.Status.REGISTERED


def test_a_late_cancellation_warns_of_the_fee_before_and_charges_it(member_client, member, unlimited):
    soon = spin(club_time(2026, 12, 10, 14))  # four hours away: inside the 12-hour cut-off
    registration = scheduling.class_register(member=member, group_class=soon)

    warning = cancel_page(member_client, registration)
    response = cancel(member_client, registration)

    assert "Cancelling now is late (less than 12 hours before the class): the £5.00 late-cancel fee applies." in (
        warning
    )
    assert messages_of(response) == [
        f"Your place in {describe_booking(soon.booking)} has been cancelled.{FEE_CHARGED.format(fee='£5.00')}"
    ]
    assert InvoiceLine.objects.get(kind=InvoiceLine.Kind.FEE).unit_price == Decimal("5.00")


def test_a_late_cancellation_of_a_seat_paid_with_a_credit_keeps_the_credit(member_client, member, gym_only):
    pack = CreditPackFactory(member=member, pack=ClassPackFactory(credits=3))
    soon = spin(club_time(2026, 12, 10, 14))
    registration = scheduling.class_register(member=member, group_class=soon)

    warning = cancel_page(member_client, registration)
    response = cancel(member_client, registration)

    assert (
        "Cancelling now is late (less than 12 hours before the class): your class credit will not be given back."
        in (warning)
    )
    assert messages_of(response)[0].endswith(CREDIT_KEPT)
    pack.refresh_from_db()
    assert pack.credits_left == 2


def test_a_cancellation_in_time_gives_the_credit_back_with_no_warning(member_client, member, gym_only):
    pack = CreditPackFactory(member=member, pack=ClassPackFactory(credits=3))
    later = spin(club_time(2026, 12, 12, 10))
    registration = scheduling.class_register(member=member, group_class=later)

    warning = cancel_page(member_client, registration)
    response = cancel(member_client, registration)

    assert "late" not in warning
    assert messages_of(response)[0].endswith(CREDIT_RETURNED)
    pack.refresh_from_db()
    assert pack.credits_left == 3
    assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE).exists()


# -- offered seats -------------------------------------------------------------------------------


@pytest.fixture
def offered(member, unlimited):
    """Bob gave up his seat three hours before the class; the seat is offered to Ann, first on the waitlist."""
    group_class = spin(club_time(2026, 12, 10, 13), capacity=1)
    bob = MemberFactory(user__first_name="Bob")
    seated = scheduling.class_register(member=bob, group_class=group_class)
    waiting = scheduling.class_register(member=member, group_class=group_class)
    scheduling.class_registration_cancel(registration=seated)
    waiting.refresh_from_db()
    assert waiting.status == ClassRegistration.Status.OFFERED
    return waiting


def test_an_offered_seat_shows_on_the_dashboard_and_the_timetable_with_its_deadline(member_client, offered):
    dashboard = member_client.get(reverse("members:dashboard")).content.decode()
    timetable = member_client.get(reverse("members:timetable")).content.decode()

    for content in (dashboard, timetable):
        assert "A seat is offered to you — accept by 12:00" in content  # two hours to accept
        assert reverse("members:offer-accept", args=[offered.pk]) in content
        assert reverse("members:offer-decline", args=[offered.pk]) in content


def test_accepting_an_offer_takes_the_seat(member_client, offered):
    response = member_client.post(reverse("members:offer-accept", args=[offered.pk]), follow=True)

    offered.refresh_from_db()
    assert offered.status == ClassRegistration.Status.REGISTERED
    assert messages_of(response) == [
        f"The seat in {describe_booking(offered.group_class.booking)} is yours. Included in your plan."
    ]
    assert response.redirect_chain[-1][0] == reverse("members:dashboard")


def test_declining_an_offer_gives_the_seat_up(member_client, offered):
    response = member_client.post(
        reverse("members:offer-decline", args=[offered.pk]), {"next": reverse("members:timetable")}, follow=True
    )

    offered.refresh_from_db()
    assert offered.status == ClassRegistration.Status.CANCELLED
    assert response.redirect_chain[-1][0] == reverse("members:timetable")
    assert messages_of(response) == [
        f"You turned down the seat in {describe_booking(offered.group_class.booking)}; "
        "it goes to the next person waiting."
    ]


def test_an_expired_offer_is_refused_as_a_message(member_client, offered, time_machine):
    time_machine.move_to(club_time(2026, 12, 10, 12, 1))

    response = member_client.post(reverse("members:offer-accept", args=[offered.pk]), follow=True)

    assert messages_of(response) == [SchedulingError("offer_expired", expired="Thu 10 Dec 12:00").message]
    offered.refresh_from_db()
    assert offered.status == ClassRegistration.Status.OFFERED


@override_settings(CLUB_CLASS_DROP_IN=False)
def test_an_offer_nothing_pays_for_asks_for_a_credit(member_client, member, gym_only):
    group_class = spin(club_time(2026, 12, 10, 13), capacity=1)
    other = MemberFactory()
    CreditPackFactory(member=other)  # with drop-ins off, a seat outside a plan needs a credit
    seated = scheduling.class_register(member=other, group_class=group_class)
    waiting = scheduling.class_register(member=member, group_class=group_class)
    scheduling.class_registration_cancel(registration=seated)

    response = member_client.post(reverse("members:offer-accept", args=[waiting.pk]), follow=True)

    assert messages_of(response) == [BillingError.messages["class_needs_credit"].text]
    assert not CreditPack.objects.filter(member=member).exists()


def test_an_accepted_offer_cannot_be_accepted_again(member_client, offered):
    member_client.post(reverse("members:offer-accept", args=[offered.pk]))

    response = member_client.post(reverse("members:offer-accept", args=[offered.pk]), follow=True)

    assert messages_of(response)[-1] == SchedulingError.messages["offer_not_open"].text


def test_another_members_offer_is_a_404(client, offered, other_member):
    client.force_login(other_member.user)

    for name in ("members:offer-accept", "members:offer-decline"):
        assert client.post(reverse(name, args=[offered.pk])).status_code == 404
    offered.refresh_from_db()
    assert offered.status == ClassRegistration.Status.OFFERED


def test_offers_are_answered_by_post_only(member_client, offered):
    assert member_client.get(reverse("members:offer-accept", args=[offered.pk])).status_code == 405
