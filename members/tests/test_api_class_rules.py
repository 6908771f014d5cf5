"""The class booking rules over the API: the booking window, how a seat is paid (cover), a late cancellation and
what it costs (seen first), and seats offered from the waitlist."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from billing.models import ClassCover, InvoiceLine
from billing.tests.factories import CreditPackFactory
from clubsite.testing.api import ApiClient
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.services import class_registration_cancel
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory


def _same_moment(text: str, moment: datetime.datetime) -> bool:
    # JSON carries times to the millisecond.
    return abs(datetime.datetime.fromisoformat(text) - moment) < datetime.timedelta(milliseconds=1)


def _class(*, hours: float, capacity: int = 10):
    return GroupClassFactory(
        name="Spin", capacity=capacity, booking__start_time=timezone.now() + datetime.timedelta(hours=hours)
    )


@pytest.mark.django_db
def test_a_class_says_when_it_opens_for_booking_and_refuses_a_booking_before(member):
    far = _class(hours=24 * (settings.CLUB_CLASS_BOOKING_DAYS_AHEAD + 3))
    api = ApiClient(member.user)

    read = api.get(f"/member/classes/{far.pk}")
    booked = api.post(f"/member/classes/{far.pk}/registration")

    assert read.status_code == 200, read.content
    opens = far.booking.start_time - datetime.timedelta(days=settings.CLUB_CLASS_BOOKING_DAYS_AHEAD)
    assert _same_moment(read.json()["booking_opens_at"], opens)
    assert read.json()["booking_open"] is False
    assert (booked.status_code, booked.json()["code"]) == (409, "class_not_open_yet")
    assert not ClassRegistration.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_seat_paid_by_a_credit_says_so_and_giving_it_up_in_time_gives_the_credit_back(member):
    pack = CreditPackFactory(member=member, credits=5, credits_left=5)
    group_class = _class(hours=72)
    api = ApiClient(member.user)

    registered = api.post(f"/member/classes/{group_class.pk}/registration")
    cost = api.get(f"/member/registrations/{registered.json()['id']}/cancellation")
    cancelled = api.delete(f"/member/registrations/{registered.json()['id']}")

    assert registered.status_code == 201, registered.content
    assert registered.json()["cover"] == {
        "kind": "credit",
        "label": "Class credit",
        "credit_pack_id": pack.pk,
        "credits_left": 4,
    }
    assert (cost.json()["late"], cost.json()["credit"], cost.json()["fee"]) == (False, "returned", None)
    assert cancelled.status_code == 200, cancelled.content
    body = cancelled.json()
    assert (body["late"], body["credits_returned"], body["credits_kept"], body["fee_charged"]) == (False, 1, 0, None)
    pack.refresh_from_db()
    assert pack.credits_left == 5


@pytest.mark.django_db
def test_a_late_cancellation_keeps_the_credit_and_says_so_before_and_after(member):
    pack = CreditPackFactory(member=member, credits=5, credits_left=5)
    group_class = _class(hours=settings.CLUB_CLASS_CANCEL_CUTOFF_HOURS / 2)
    api = ApiClient(member.user)
    registration = api.post(f"/member/classes/{group_class.pk}/registration").json()

    cost = api.get(f"/member/registrations/{registration['id']}/cancellation")
    cancelled = api.delete(f"/member/registrations/{registration['id']}")

    assert (cost.json()["late"], cost.json()["credit"], cost.json()["fee"]) == (True, "kept", None)
    body = cancelled.json()
    assert (body["late"], body["credits_returned"], body["credits_kept"], body["fee_charged"]) == (True, 0, 1, None)
    assert body["cover"]["kind"] == "credit"  # the credit paid for the seat given up late
    pack.refresh_from_db()
    assert pack.credits_left == 4


@pytest.mark.django_db
def test_a_late_cancellation_of_a_drop_in_charges_the_fee(member, settings):
    settings.CLUB_CLASS_DROP_IN = True
    group_class = _class(hours=settings.CLUB_CLASS_CANCEL_CUTOFF_HOURS / 2)
    api = ApiClient(member.user)
    registration = api.post(f"/member/classes/{group_class.pk}/registration").json()
    assert registration["cover"]["kind"] == "drop_in"

    cost = api.get(f"/member/registrations/{registration['id']}/cancellation")
    cancelled = api.delete(f"/member/registrations/{registration['id']}")

    fee = f"{settings.CLUB_CLASS_LATE_CANCEL_FEE:.2f}"
    assert (cost.json()["late"], cost.json()["credit"], cost.json()["fee"]) == (True, None, fee)
    assert (cancelled.json()["late"], cancelled.json()["fee_charged"]) == (True, fee)
    line = InvoiceLine.objects.get(kind=InvoiceLine.Kind.FEE)
    assert (line.invoice.member, line.unit_price) == (member, Decimal(fee))


@pytest.mark.django_db
def test_with_nothing_to_pay_a_booking_is_409_class_needs_credit(member, settings):
    settings.CLUB_CLASS_DROP_IN = False
    group_class = _class(hours=72)

    response = ApiClient(member.user).post(f"/member/classes/{group_class.pk}/registration")

    assert (response.status_code, response.json()["code"]) == (409, "class_needs_credit")


def _offered(member):
    """``member`` waitlisted for a full class inside the cut-off, then offered the seat its holder gives up."""
    group_class = _class(hours=settings.CLUB_CLASS_CANCEL_CUTOFF_HOURS / 2, capacity=1)
    holder = ClassRegistrationFactory(group_class=group_class)
    waiting = ClassRegistrationFactory(
        member=member, group_class=group_class, status=ClassRegistration.Status.WAITLISTED
    )
    class_registration_cancel(registration=holder)
    waiting.refresh_from_db()
    assert waiting.status == ClassRegistration.Status.OFFERED
    return waiting


@pytest.mark.django_db
def test_a_seat_offered_from_the_waitlist_is_shown_with_its_expiry_and_accepted(member):
    CreditPackFactory(member=member)
    offer = _offered(member)
    api = ApiClient(member.user)

    listed = api.get("/member/registrations").json()["items"][0]
    accepted = api.post(f"/member/registrations/{offer.pk}/offer/accept")
    again = api.post(f"/member/registrations/{offer.pk}/offer/accept")

    assert (listed["status"], listed["cover"]) == ("offered", None)
    assert _same_moment(listed["offer_expires_at"], offer.offer_expires_at)
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["offer_expires_at"]) == ("registered", None)
    assert accepted.json()["cover"]["kind"] == "credit"
    assert (again.status_code, again.json()["code"]) == (409, "offer_not_open")


@pytest.mark.django_db
def test_declining_an_offer_is_never_late_and_passes_the_seat_on(member):
    offer = _offered(member)
    next_in_line = ClassRegistrationFactory(
        member=MemberFactory(), group_class=offer.group_class, status=ClassRegistration.Status.WAITLISTED
    )

    declined = ApiClient(member.user).post(f"/member/registrations/{offer.pk}/offer/decline")

    assert declined.status_code == 200, declined.content
    body = declined.json()
    assert (body["status"], body["late"], body["fee_charged"]) == ("cancelled", False, None)
    next_in_line.refresh_from_db()
    assert next_in_line.status == ClassRegistration.Status.OFFERED
    assert not InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE, invoice__member=member).exists()
    assert not ClassCover.objects.filter(registration=offer).exists()


@pytest.mark.django_db
def test_another_members_offer_or_place_is_404(member, other_member):
    theirs = _offered(other_member)
    api = ApiClient(member.user)

    for response in (
        api.post(f"/member/registrations/{theirs.pk}/offer/accept"),
        api.post(f"/member/registrations/{theirs.pk}/offer/decline"),
        api.get(f"/member/registrations/{theirs.pk}/cancellation"),
    ):
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ClassRegistration.Status.OFFERED


@pytest.mark.django_db
def test_the_registrations_list_reads_the_covers_in_a_fixed_number_of_queries(member, django_assert_max_num_queries):
    CreditPackFactory(member=member, credits=10, credits_left=10)
    api = ApiClient(member.user)
    for hours in (72, 96, 120):
        api.post(f"/member/classes/{_class(hours=hours).pk}/registration")

    with django_assert_max_num_queries(4):  # token, member, count, page (with covers and packs)
        response = api.get("/member/registrations")

    assert [item["cover"]["credits_left"] for item in response.json()["items"]] == [7, 7, 7]
