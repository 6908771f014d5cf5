"""Personal training over the API: trainers, free slots, booking, moving and cancelling with the member's cut-off."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from billing import services as billing
from billing.models import InvoiceLine
from clubsite.testing.api import ApiClient
from clubsite.testing.portal import in_hours
from operations import services as scheduling
from operations.models import Booking, PersonalTrainingSession
from operations.tests.factories import (
    BookingFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

DAY = 2  # the day after tomorrow: clear of the 12-hour cut-off whatever the time of the test


@pytest.fixture
def pt_trainer():
    """A trainer at £50 an hour, available on DAY from 08:00 to 12:00."""
    pt_trainer = TrainerFactory(user__first_name="Tess", user__last_name="Trainer", hourly_rate=Decimal("50.00"))
    TrainerAvailabilityFactory(
        trainer=pt_trainer, start_time=local_time(days=DAY, hour=8), end_time=local_time(days=DAY, hour=12)
    )
    return pt_trainer


@pytest.fixture
def session(member, pt_trainer):
    return scheduling.pt_session_book(
        member=member,
        trainer=pt_trainer,
        start_time=local_time(days=DAY, hour=8),
        end_time=local_time(days=DAY, hour=9),
    )


def _at(hour, minute=0):
    return local_time(days=DAY, hour=hour, minute=minute).isoformat()


def _warm(member):
    api = ApiClient(member.user)
    api.get("/member/profile")
    return api


# -- trainers and their free times --------------------------------------------------------------


@pytest.mark.django_db
def test_the_trainers_are_the_active_ones_but_never_the_member_themselves(
    member, pt_trainer, django_assert_max_num_queries
):
    TrainerFactory(is_active=False)
    TrainerFactory(user=member.user)  # a member who also trains
    api = _warm(member)

    with django_assert_max_num_queries(4):  # token, member, count, page
        response = api.get("/member/trainers")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    (item,) = response.json()["items"]
    assert item == {
        "id": pt_trainer.pk,
        "name": "Tess Trainer",
        "specialization": pt_trainer.specialization,
        "hourly_rate": "50.00",
    }


@pytest.mark.django_db
def test_free_slots_are_the_portals_every_half_hour_clear_of_bookings(
    member, pt_trainer, django_assert_max_num_queries
):
    BookingFactory(
        trainer=pt_trainer,
        room=None,
        kind=Booking.Kind.PERSONAL_TRAINING,
        title="",
        start_time=local_time(days=DAY, hour=9),
        end_time=local_time(days=DAY, hour=10),
    )
    api = _warm(member)
    day = local_time(days=DAY, hour=0).date().isoformat()

    with django_assert_max_num_queries(5):  # token, member, the trainer, windows, bookings
        response = api.get(f"/member/trainers/{pt_trainer.pk}/slots", date=day, duration=60)

    assert response.status_code == 200, response.content
    body = response.json()
    starts = [datetime.datetime.fromisoformat(slot["start_time"]) for slot in body["slots"]]
    assert starts == [
        local_time(days=DAY, hour=8),
        local_time(days=DAY, hour=10),
        local_time(days=DAY, hour=10, minute=30),
        local_time(days=DAY, hour=11),
    ]
    assert (body["date"], body["duration"], Decimal(body["price"])) == (day, 60, Decimal("50.00"))


@pytest.mark.django_db
def test_slots_of_an_unknown_length_or_an_inactive_trainer_are_refused(member, pt_trainer):
    api = ApiClient(member.user)
    gone = TrainerFactory(is_active=False)

    odd = api.get(f"/member/trainers/{pt_trainer.pk}/slots", duration=50)

    assert (odd.status_code, odd.json()["field"]) == (422, "duration")
    assert api.get(f"/member/trainers/{gone.pk}/slots").status_code == 404


# -- booking ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("session_auth", [False, True], ids=["token", "session"])
def test_a_member_books_a_session_in_a_room(member, pt_trainer, session_auth):
    room = RoomFactory(name="Studio A")
    api = ApiClient(member.user, session=session_auth)

    response = api.post(
        "/member/pt-sessions",
        {"trainer": pt_trainer.pk, "start_time": _at(10), "duration": 90, "room": room.pk, "notes": "Knees"},
    )

    assert response.status_code == 201, response.content
    booked = PersonalTrainingSession.objects.select_related("booking").get(member=member)
    body = response.json()
    assert body["id"] == booked.pk
    assert (body["room"]["id"], body["trainer"]["id"], Decimal(body["price"]), body["notes"]) == (
        room.pk,
        pt_trainer.pk,
        Decimal("75.00"),
        "Knees",
    )
    assert (booked.booking.start_time, booked.booking.end_time) == (
        local_time(days=DAY, hour=10),
        local_time(days=DAY, hour=11, minute=30),
    )


@pytest.mark.django_db
def test_a_session_with_an_end_time_and_no_room_is_online(member, pt_trainer):
    response = ApiClient(member.user).post(
        "/member/pt-sessions", {"trainer": pt_trainer.pk, "start_time": _at(8), "end_time": _at(9)}
    )

    assert response.status_code == 201, response.content
    assert response.json()["room"] is None
    assert PersonalTrainingSession.objects.get(member=member).booking.room is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"hour": 13}, 409, "trainer_unavailable", "trainer"),
        ({"duration": 20}, 422, "pt_duration_invalid", "end_time"),
        ({"room": 999999}, 422, "room_required", "room"),
        ({"trainer": 999999}, 422, "trainer_required", "trainer"),
        ({"both": True}, 422, "span_required", "end_time"),
    ],
)
def test_a_refused_booking_keeps_the_services_code_and_field(member, pt_trainer, change, status, code, field):
    body = {"trainer": pt_trainer.pk, "start_time": _at(change.pop("hour", 10)), "duration": change.pop("duration", 60)}
    if change.pop("both", False):
        body["end_time"] = _at(11)
    body.update(change)

    response = ApiClient(member.user).post("/member/pt-sessions", body)

    assert response.status_code == status, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert response.json()["errors"][0]["field"] == field
    assert not PersonalTrainingSession.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_booking_over_the_members_own_class_is_409(member, pt_trainer):
    GroupClassFactory(booking__start_time=local_time(days=DAY, hour=10)).registrations.create(member=member)

    response = ApiClient(member.user).post(
        "/member/pt-sessions", {"trainer": pt_trainer.pk, "start_time": _at(10), "duration": 60}
    )

    assert (response.status_code, response.json()["code"]) == (409, "member_busy")


# -- the member's sessions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sessions_are_paged_upcoming_or_past_in_a_fixed_number_of_queries(
    member, other_member, session, django_assert_max_num_queries
):
    later = PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=5, hour=14))
    held = PersonalTrainingSessionFactory(
        member=member, booking__start_time=local_time(days=-3, hour=14), booking__status=Booking.Status.COMPLETED
    )
    called_off = PersonalTrainingSessionFactory(
        member=member, booking__start_time=local_time(days=6, hour=14), booking__status=Booking.Status.CANCELLED
    )
    PersonalTrainingSessionFactory(member=other_member)
    api = _warm(member)

    with django_assert_max_num_queries(4):  # token, member, count, page
        upcoming = api.get("/member/pt-sessions")
    past = api.get("/member/pt-sessions", when="past")

    assert upcoming.status_code == 200
    assert [item["id"] for item in upcoming.json()["items"]] == [session.pk, later.pk]
    assert upcoming.json()["items"][0]["within_cutoff"] is False
    assert [(item["id"], item["status"]) for item in past.json()["items"]] == [
        (called_off.pk, "cancelled"),
        (held.pk, "completed"),
    ]


# -- moving -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_moves_a_session_and_keeps_its_room_unless_told(member, session):
    room = RoomFactory(name="Studio A")
    scheduling.pt_session_reschedule(
        session=session, start_time=session.booking.start_time, end_time=session.booking.end_time, room=room
    )
    api = ApiClient(member.user)

    moved = api.put(f"/member/pt-sessions/{session.pk}", {"start_time": _at(10), "duration": 90})
    online = api.put(f"/member/pt-sessions/{session.pk}", {"start_time": _at(10), "duration": 90, "room": None})

    assert moved.status_code == 200, moved.content
    assert (moved.json()["room"]["id"], Decimal(moved.json()["price"])) == (room.pk, Decimal("75.00"))
    assert online.json()["room"] is None
    session.booking.refresh_from_db()
    assert (session.booking.start_time, session.booking.room) == (local_time(days=DAY, hour=10), None)


@pytest.mark.django_db
@override_settings(PT_CANCELLATION_CUTOFF_HOURS=12)
def test_moving_or_cancelling_within_the_cutoff_is_409_pt_cutoff(member, pt_trainer):
    soon = PersonalTrainingSessionFactory(member=member, booking__trainer=pt_trainer, booking__start_time=in_hours(3))
    api = ApiClient(member.user)

    moved = api.put(f"/member/pt-sessions/{soon.pk}", {"start_time": _at(10), "duration": 60})
    cancelled = api.delete(f"/member/pt-sessions/{soon.pk}")

    for response in (moved, cancelled):
        assert response.status_code == 409
        assert response.json()["code"] == "pt_cutoff"
        assert response.json()["params"] == {"hours": 12}
    booked_at = soon.booking.start_time
    soon.booking.refresh_from_db()
    assert (soon.booking.start_time, soon.booking.status) == (booked_at, Booking.Status.SCHEDULED)


# -- cancelling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_cancels_a_session_and_nothing_had_been_billed(member, session):
    response = ApiClient(member.user).delete(f"/member/pt-sessions/{session.pk}")

    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["status"], response.json()["billing"]) == (
        session.pk,
        "cancelled",
        "nothing",
    )
    session.booking.refresh_from_db()
    assert session.booking.status == Booking.Status.CANCELLED
    again = ApiClient(member.user).delete(f"/member/pt-sessions/{session.pk}")
    assert (again.status_code, again.json()["code"]) == (409, "pt_not_scheduled")


@pytest.mark.django_db
def test_cancelling_a_session_already_invoiced_credits_it(member, session):
    today = timezone.localdate()
    invoice = billing.invoice_generate(member=member, period_start=today, period_end=today + datetime.timedelta(days=3))
    billing.invoice_issue(invoice=invoice)

    response = ApiClient(member.user).delete(f"/member/pt-sessions/{session.pk}")

    assert (response.status_code, response.json()["billing"]) == (200, "credited")
    credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
    assert (credit.invoice.member, credit.unit_price) == (member, -session.price)


@pytest.mark.django_db
def test_cancelling_a_session_on_a_draft_takes_the_line_off(member, session):
    today = timezone.localdate()
    billing.invoice_generate(member=member, period_start=today, period_end=today + datetime.timedelta(days=3))
    assert InvoiceLine.objects.filter(pt_session=session).exists()

    response = ApiClient(member.user).delete(f"/member/pt-sessions/{session.pk}")

    assert (response.status_code, response.json()["billing"]) == (200, "removed")
    assert not InvoiceLine.objects.filter(pt_session=session).exists()


@pytest.mark.django_db
def test_another_members_session_is_404_to_move_or_cancel(member, other_member):
    theirs = PersonalTrainingSessionFactory(member=other_member, booking__start_time=local_time(days=DAY, hour=14))
    api = ApiClient(member.user)

    assert api.put(f"/member/pt-sessions/{theirs.pk}", {"start_time": _at(10), "duration": 60}).status_code == 404
    assert api.delete(f"/member/pt-sessions/{theirs.pk}").status_code == 404
    theirs.booking.refresh_from_db()
    assert theirs.booking.status == Booking.Status.SCHEDULED
