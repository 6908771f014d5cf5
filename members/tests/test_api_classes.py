"""Classes over the API: the timetable with the portal's filters, registering (or the waitlist) and cancelling."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from billing import services as billing
from billing.models import InvoiceLine
from billing.tests.factories import ClassPackFactory, CreditPackFactory
from clubsite.testing.api import ApiClient
from clubsite.testing.jobs import run_jobs
from members.tests.factories import MemberFactory
from operations import services as scheduling
from operations.models import Booking, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, RoomFactory, local_time
from trainers.tests.factories import TrainerFactory


def _class(name="Spin", *, days=2, hour=10, **extra):
    # Two days ahead: outside the 12-hour cancellation cut-off whatever the hour the suite runs.
    return GroupClassFactory(name=name, booking__start_time=local_time(days=days, hour=hour), **extra)


def _warm(member):
    """A client whose token has been used once, so a budget counts no last-used update."""
    api = ApiClient(member.user)
    api.get("/member/profile")
    return api


# -- the timetable ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_timetable_lists_upcoming_classes_with_seats_and_my_place_in_a_fixed_number_of_queries(
    member, django_assert_max_num_queries
):
    roomy = _class("Spin", days=1, hour=9, capacity=5)
    ClassRegistrationFactory(group_class=roomy)
    mine = ClassRegistrationFactory(member=member, group_class=roomy)
    full = _class("Yoga", days=2, hour=9, capacity=1)
    ClassRegistrationFactory(group_class=full)
    waiting = ClassRegistrationFactory(member=member, group_class=full, status=ClassRegistration.Status.WAITLISTED)
    _class("Old", days=-1)
    gone = _class("Gone", days=1, hour=8)
    Booking.objects.filter(pk=gone.booking_id).update(status=Booking.Status.CANCELLED)
    for day in range(3, 8):
        _class("HIIT", days=day, hour=9)
    api = _warm(member)

    with django_assert_max_num_queries(6):  # token, member, class bookings, matching ids, the page, my places
        response = api.get("/member/classes", limit=3)

    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] == 7
    first, second, _third = page["items"]
    assert (first["id"], first["name"], first["seats_left"], first["waitlist_count"]) == (roomy.pk, "Spin", 3, 0)
    assert first["my_registration"] == {
        "id": mine.pk,
        "status": "registered",
        "waitlist_position": None,
        "offer_expires_at": None,
        "cover": None,  # a seat the factory made, before billing decided how it is paid
    }
    assert (second["seats_left"], second["waitlist_count"]) == (0, 1)
    assert second["my_registration"] == {
        "id": waiting.pk,
        "status": "waitlisted",
        "waitlist_position": 1,
        "offer_expires_at": None,
        "cover": None,
    }
    assert first["trainer"]["name"] == roomy.booking.trainer.full_name
    assert Decimal(first["price"]) == Decimal("8.00")
    assert "email" not in first["trainer"]


@pytest.mark.django_db
def test_the_timetable_filters_as_the_portals_do(member):
    trainer = TrainerFactory(user__first_name="Tess", user__last_name="Trainer")
    room = RoomFactory(name="Blue Studio")
    by_trainer = GroupClassFactory(
        name="Spin", booking__trainer=trainer, booking__start_time=local_time(days=1, hour=9)
    )
    in_room = GroupClassFactory(name="Yoga Flow", booking__room=room, booking__start_time=local_time(days=2, hour=9))
    later = _class("HIIT", days=20, hour=9)
    api = ApiClient(member.user)

    def ids(**query):
        response = api.get("/member/classes", **query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids(trainer="tess") == [by_trainer.pk]
    assert ids(room="blue") == [in_room.pk]
    assert ids(name="yoga") == [in_room.pk]
    assert ids(date=local_time(days=2, hour=9).date().isoformat()) == [in_room.pk]
    assert ids(**{"from": local_time(days=10, hour=0).date().isoformat()}) == [later.pk]
    assert ids(**{"to": local_time(days=1, hour=0).date().isoformat()}) == [by_trainer.pk]


@pytest.mark.django_db
def test_a_timetable_range_too_long_or_backwards_is_422_on_to(member):
    api = ApiClient(member.user)
    today = timezone.localdate()

    backwards = api.get(
        "/member/classes", **{"from": today.isoformat(), "to": (today - datetime.timedelta(days=1)).isoformat()}
    )
    too_long = api.get("/member/classes", **{"to": (today + datetime.timedelta(days=800)).isoformat()})

    assert (backwards.status_code, backwards.json()["field"]) == (422, "to")
    assert (too_long.status_code, too_long.json()["field"]) == (422, "to")


@pytest.mark.django_db
def test_one_class_with_its_seats_and_my_place(member, django_assert_max_num_queries):
    group_class = _class("Spin", capacity=2)
    mine = ClassRegistrationFactory(member=member, group_class=group_class)
    api = _warm(member)

    with django_assert_max_num_queries(4):  # token, member, the class with its counts, my place
        response = api.get(f"/member/classes/{group_class.pk}")

    assert response.status_code == 200
    assert (response.json()["seats_left"], response.json()["my_registration"]["id"]) == (1, mine.pk)
    assert api.get("/member/classes/999999").status_code == 404


# -- registering --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
def test_a_member_takes_a_seat(member, session):
    group_class = _class("Spin", capacity=2)

    response = ApiClient(member.user, session=session).post(f"/member/classes/{group_class.pk}/registration")

    assert response.status_code == 201, response.content
    registration = ClassRegistration.objects.get(member=member, group_class=group_class)
    body = response.json()
    assert (body["id"], body["status"], body["waitlist_position"]) == (registration.pk, "registered", None)
    assert body["group_class"]["id"] == group_class.pk


@pytest.mark.django_db
def test_a_full_class_is_not_an_error_the_member_is_waitlisted_with_their_place(member):
    group_class = _class("Spin", capacity=1)
    ClassRegistrationFactory(group_class=group_class)
    ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

    response = ApiClient(member.user).post(f"/member/classes/{group_class.pk}/registration")

    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["waitlist_position"]) == ("waitlisted", 2)
    assert ClassRegistration.objects.get(member=member).status == ClassRegistration.Status.WAITLISTED


@pytest.mark.django_db
def test_registering_twice_or_for_a_started_or_cancelled_class_is_409(member):
    api = ApiClient(member.user)
    group_class = _class("Spin")
    api.post(f"/member/classes/{group_class.pk}/registration")
    started = _class("Old", days=-1)
    cancelled = _class("Gone", days=2)
    Booking.objects.filter(pk=cancelled.booking_id).update(status=Booking.Status.CANCELLED)

    twice = api.post(f"/member/classes/{group_class.pk}/registration")
    late = api.post(f"/member/classes/{started.pk}/registration")
    off = api.post(f"/member/classes/{cancelled.pk}/registration")

    assert (twice.status_code, twice.json()["code"]) == (409, "already_registered")
    # A class that took place: the operations code, never "cancelled".
    assert (late.status_code, late.json()["code"]) == (409, "class_took_place")
    assert (off.status_code, off.json()["code"]) == (409, "class_cancelled")
    assert api.post("/member/classes/999999/registration").status_code == 404
    assert ClassRegistration.objects.filter(member=member).count() == 1


# -- the member's registrations ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_registrations_are_paged_upcoming_or_past_in_a_fixed_number_of_queries(
    member, other_member, django_assert_max_num_queries
):
    soon = ClassRegistrationFactory(member=member, group_class=_class("Spin", days=1))
    later = ClassRegistrationFactory(member=member, group_class=_class("Yoga", days=3))
    attended = ClassRegistrationFactory(
        member=member, group_class=_class("Old", days=-2), status=ClassRegistration.Status.ATTENDED
    )
    given_up = ClassRegistrationFactory(
        member=member, group_class=_class("HIIT", days=5), status=ClassRegistration.Status.CANCELLED
    )
    ClassRegistrationFactory(member=other_member, group_class=_class("Boxfit", days=2))
    api = _warm(member)

    with django_assert_max_num_queries(4):  # token, member, count, page
        upcoming = api.get("/member/registrations")
    past = api.get("/member/registrations", when="past")

    assert upcoming.status_code == 200
    assert [item["id"] for item in upcoming.json()["items"]] == [soon.pk, later.pk]
    assert [item["id"] for item in past.json()["items"]] == [given_up.pk, attended.pk]
    assert api.get("/member/registrations", when="soon").status_code == 422


# -- cancelling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_gives_the_seat_to_the_first_on_the_waitlist(member):
    group_class = _class("Spin", capacity=1)
    mine = ClassRegistrationFactory(member=member, group_class=group_class)
    first = ClassRegistrationFactory(
        member=MemberFactory(), group_class=group_class, status=ClassRegistration.Status.WAITLISTED
    )
    second = ClassRegistrationFactory(
        member=MemberFactory(), group_class=group_class, status=ClassRegistration.Status.WAITLISTED
    )

    response = ApiClient(member.user).delete(f"/member/registrations/{mine.pk}")
    run_jobs()

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["billing"]) == (mine.pk, "cancelled", "nothing")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ClassRegistration.Status.REGISTERED, ClassRegistration.Status.WAITLISTED)
    assert {message.to[0]: message.subject for message in mail.outbox} == {
        first.member.user.email: f"You have a place in {mine.group_class.name}",
        mine.member.user.email: f"Your place in {mine.group_class.name} is cancelled",
    }


@pytest.mark.django_db
def test_cancelling_a_place_on_a_draft_invoice_takes_the_line_off(member):
    mine = ClassRegistrationFactory(member=member, group_class=_class("Spin", price=Decimal("8.00")))
    today = timezone.localdate()
    billing.invoice_generate(member=member, period_start=today, period_end=today + datetime.timedelta(days=3))
    assert InvoiceLine.objects.filter(class_registration=mine).exists()

    response = ApiClient(member.user).delete(f"/member/registrations/{mine.pk}")

    assert (response.status_code, response.json()["billing"]) == (200, "removed")
    assert not InvoiceLine.objects.filter(class_registration=mine).exists()


@pytest.mark.django_db
def test_cancelling_a_place_already_invoiced_credits_it(member):
    mine = ClassRegistrationFactory(member=member, group_class=_class("Spin", price=Decimal("8.00")))
    today = timezone.localdate()
    invoice = billing.invoice_generate(member=member, period_start=today, period_end=today + datetime.timedelta(days=3))
    billing.invoice_issue(invoice=invoice)

    response = ApiClient(member.user).delete(f"/member/registrations/{mine.pk}")

    assert (response.status_code, response.json()["billing"]) == (200, "credited")
    credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
    assert (credit.invoice.member, credit.unit_price) == (member, Decimal("-8.00"))


@pytest.mark.django_db
def test_cancelling_twice_or_after_the_start_is_409_and_another_members_place_is_404(member, other_member):
    api = ApiClient(member.user)
    mine = ClassRegistrationFactory(member=member, group_class=_class("Spin"))
    started = ClassRegistrationFactory(member=member, group_class=_class("Old", days=-1))
    theirs = ClassRegistrationFactory(member=other_member, group_class=_class("Yoga", days=2))
    api.delete(f"/member/registrations/{mine.pk}")

    twice = api.delete(f"/member/registrations/{mine.pk}")
    late = api.delete(f"/member/registrations/{started.pk}")
    not_mine = api.delete(f"/member/registrations/{theirs.pk}")

    assert (twice.status_code, twice.json()["code"]) == (409, "registration_already_cancelled")
    assert (late.status_code, late.json()["code"]) == (409, "registration_class_started")
    assert not_mine.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ClassRegistration.Status.REGISTERED


@pytest.mark.django_db
def test_one_class_tells_what_the_class_page_shows(member):
    trainer = TrainerFactory(specialization="Yoga")
    group_class = _class(
        "Yoga Flow",
        description="Slow flow.",
        booking__trainer=trainer,
        booking__room=RoomFactory(name="Studio One", location="First floor"),
    )
    CreditPackFactory(member=member, pack=ClassPackFactory(credits=3))
    scheduling.class_register(member=member, group_class=group_class)

    body = ApiClient(member.user).get(f"/member/classes/{group_class.pk}").json()

    assert body["description"] == "Slow flow."
    assert body["trainer"]["specialization"] == "Yoga"
    assert body["room"]["location"] == "First floor"
    assert body["my_registration"]["cover"]["kind"] == "credit"
    assert body["my_registration"]["cover"]["credits_left"] == 2
