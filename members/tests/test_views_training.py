"""Member portal: personal training: free slots, the price before booking, booking, moving, cancelling."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from billing.models import InvoiceLine
from clubsite.testing import messages_of
from clubsite.testing.portal import form_errors, in_hours
from operations import services as scheduling
from operations.errors import SchedulingError
from operations.models import Booking, PersonalTrainingSession
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

DAY = 2  # the day after tomorrow: clear of the 12-hour cut-off whatever the time of the test


@pytest.fixture
def pt_trainer():
    """A trainer to book for PT, at £50 an hour, available on DAY from 08:00 to 12:00."""
    pt_trainer = TrainerFactory(user__first_name="Tess", user__last_name="Trainer", hourly_rate=Decimal("50.00"))
    TrainerAvailabilityFactory(
        trainer=pt_trainer, start_time=local_time(days=DAY, hour=8), end_time=local_time(days=DAY, hour=12)
    )
    return pt_trainer


def _book_url(pt_trainer):
    return reverse("members:pt-book", args=[pt_trainer.pk])


def _slot(hour, minute=0, duration=60, **extra):
    return {"start_time": local_time(days=DAY, hour=hour, minute=minute).isoformat(), "duration": duration, **extra}


def _starts(response):
    return [slot.start for slot in response.context["slots"]]


@pytest.mark.django_db
def test_the_training_page_lists_pt_trainers_with_their_rate(member_client, pt_trainer):
    TrainerFactory(is_active=False, user__first_name="Gone")

    response = member_client.get(reverse("members:training"))

    assert list(response.context["trainers"]) == [pt_trainer]
    assert "£50.00 an hour" in response.content.decode()


@pytest.mark.django_db
def test_a_member_who_is_also_a_trainer_is_not_offered_themselves(client, member, pt_trainer):
    TrainerFactory(user=member.user)
    client.force_login(member.user)

    response = client.get(reverse("members:training"))

    assert list(response.context["trainers"]) == [pt_trainer]


@pytest.mark.django_db
def test_free_slots_lie_inside_availability_and_skip_bookings(member_client, pt_trainer):
    BookingFactory(
        trainer=pt_trainer,
        room=None,
        kind=Booking.Kind.PERSONAL_TRAINING,
        title="",
        start_time=local_time(days=DAY, hour=9),
        end_time=local_time(days=DAY, hour=10),
    )
    day = local_time(days=DAY, hour=0).date()

    response = member_client.get(_book_url(pt_trainer), {"date": day.isoformat(), "duration": 60})

    assert _starts(response) == [
        local_time(days=DAY, hour=8),
        local_time(days=DAY, hour=10),
        local_time(days=DAY, hour=10, minute=30),
        local_time(days=DAY, hour=11),
    ]
    assert "A 1 hour session with Tess Trainer costs <strong>£50.00</strong>" in response.content.decode()


@pytest.mark.django_db
def test_the_slot_length_changes_the_slots_and_the_price(member_client, pt_trainer):
    day = local_time(days=DAY, hour=0).date()

    response = member_client.get(_book_url(pt_trainer), {"date": day.isoformat(), "duration": 120})

    assert _starts(response)[0] == local_time(days=DAY, hour=8)
    assert _starts(response)[-1] == local_time(days=DAY, hour=10)
    assert response.context["slot_price"] == Decimal("100.00")


@pytest.mark.django_db
def test_an_unreadable_day_or_length_falls_back_to_the_first_free_day_and_an_hour(member_client, pt_trainer):
    response = member_client.get(_book_url(pt_trainer), {"date": "soon", "duration": "7"})

    assert response.status_code == 200
    assert response.context["duration"] == 60
    assert response.context["day"] == local_time(days=DAY, hour=12).date()


@pytest.mark.django_db
def test_see_free_times_opens_on_the_first_day_with_a_free_slot(member_client, pt_trainer):
    # Tomorrow the trainer is available but fully booked; the day after (DAY) has free times.
    TrainerAvailabilityFactory(
        trainer=pt_trainer, start_time=local_time(days=1, hour=8), end_time=local_time(days=1, hour=9)
    )
    PersonalTrainingSessionFactory(booking__trainer=pt_trainer, booking__start_time=local_time(days=1, hour=8))

    response = member_client.get(_book_url(pt_trainer))

    assert response.context["day"] == local_time(days=DAY, hour=12).date()
    assert _starts(response)[0] == local_time(days=DAY, hour=8)


@pytest.mark.django_db
def test_see_free_times_opens_today_when_no_day_has_a_free_slot(member_client):
    nobody_free = TrainerFactory()

    response = member_client.get(_book_url(nobody_free))

    assert response.context["day"] == local_time(days=0, hour=12).date()
    assert "has no free 1 hour slot on this day" in response.content.decode()


@pytest.mark.django_db
def test_where_defaults_to_the_room_of_the_members_last_session_with_the_trainer(member_client, member, pt_trainer):
    RoomFactory(name="Aerobics hall")
    usual = RoomFactory(name="PT corner")
    PersonalTrainingSessionFactory(
        member=member, booking__trainer=pt_trainer, booking__room=usual, booking__start_time=local_time(days=-7, hour=9)
    )

    response = member_client.get(_book_url(pt_trainer), _slot(9))

    assert response.context["form"].initial["room"] == usual
    assert '<option value="">Online (video call)</option>' in response.content.decode()
    assert f'<option value="{usual.pk}" selected>PT corner</option>' in response.content.decode()


@pytest.mark.django_db
def test_where_defaults_to_a_free_room_not_online_without_history(member_client, pt_trainer):
    room = RoomFactory(name="Studio A")

    response = member_client.get(_book_url(pt_trainer), _slot(9))

    assert response.context["form"].initial["room"] == room


@pytest.mark.django_db
def test_choosing_a_slot_shows_the_price_and_the_free_rooms_before_booking(member_client, pt_trainer):
    free = RoomFactory(name="Studio A")
    busy = RoomFactory(name="Studio B")
    BookingFactory(room=busy, start_time=local_time(days=DAY, hour=9), end_time=local_time(days=DAY, hour=11))

    response = member_client.get(_book_url(pt_trainer), _slot(9, 30, duration=90))

    assert response.context["price"] == Decimal("75.00")
    assert "Book for £75.00" in response.content.decode()
    assert list(response.context["form"].fields["room"].queryset) == [free]
    assert "Online (video call)" in response.content.decode()


@pytest.mark.django_db
def test_a_member_books_a_slot_in_a_room(member_client, member, pt_trainer):
    room = RoomFactory(name="Studio A")

    response = member_client.post(_book_url(pt_trainer), _slot(9, room=room.pk, notes="Knees"), follow=True)

    session = PersonalTrainingSession.objects.select_related("booking").get(member=member)
    assert (session.booking.trainer, session.booking.room, session.price, session.notes) == (
        pt_trainer,
        room,
        Decimal("50.00"),
        "Knees",
    )
    assert (session.booking.start_time, session.booking.end_time) == (
        local_time(days=DAY, hour=9),
        local_time(days=DAY, hour=10),
    )
    assert response.redirect_chain[-1][0] == reverse("members:training")
    assert messages_of(response) == [
        f"Booked: {scheduling.describe_booking(session.booking)} with Tess Trainer, £50.00."
    ]


@pytest.mark.django_db
def test_a_member_books_an_online_session(member_client, member, pt_trainer):
    member_client.post(_book_url(pt_trainer), _slot(10, duration=30, room=""))

    session = PersonalTrainingSession.objects.get(member=member)
    assert (session.booking.room, session.price) == (None, Decimal("25.00"))


@pytest.mark.django_db
def test_a_booking_overlapping_the_members_class_is_refused_and_keeps_the_choice(member_client, member, pt_trainer):
    group_class = GroupClassFactory(booking__start_time=local_time(days=DAY, hour=9))
    ClassRegistrationFactory(member=member, group_class=group_class)

    response = member_client.post(_book_url(pt_trainer), _slot(9, 30, notes="Back"))

    assert response.status_code == 200
    assert form_errors(response) == [
        SchedulingError("member_busy", commitment=scheduling.describe_booking(group_class.booking)).message
    ]
    assert response.context["form"].data["notes"] == "Back"
    assert response.context["price"] == Decimal("50.00")
    assert not PersonalTrainingSession.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_booking_overlapping_the_members_other_session_is_refused(member_client, member, pt_trainer):
    PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=DAY, hour=9))

    response = member_client.post(_book_url(pt_trainer), _slot(9, 30))

    [error] = form_errors(response)
    assert error.startswith("You already have something booked at that time: personal training with ")
    assert PersonalTrainingSession.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_a_room_taken_meanwhile_is_refused_on_the_room_field(member_client, member, pt_trainer):
    room = RoomFactory(name="Studio A")
    BookingFactory(room=room, start_time=local_time(days=DAY, hour=9), end_time=local_time(days=DAY, hour=10))

    response = member_client.post(_book_url(pt_trainer), _slot(9, room=room.pk))

    assert response.status_code == 200
    assert "room" in response.context["form"].errors
    assert not PersonalTrainingSession.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_time_outside_the_availability_is_refused(member_client, member, pt_trainer):
    response = member_client.post(_book_url(pt_trainer), _slot(13))

    assert form_errors(response) == [SchedulingError.messages["trainer_unavailable"].text]
    assert not PersonalTrainingSession.objects.exists()


@pytest.mark.django_db
def test_a_past_time_is_refused(member_client, member, pt_trainer):
    response = member_client.post(_book_url(pt_trainer), {"start_time": in_hours(-3).isoformat(), "duration": 60})

    assert form_errors(response) == [SchedulingError.messages["start_in_past"].text]
    assert not PersonalTrainingSession.objects.exists()


@pytest.mark.django_db
def test_a_tampered_slot_is_refused_with_a_readable_message(member_client, pt_trainer):
    response = member_client.post(_book_url(pt_trainer), {"start_time": "tea time", "duration": "7"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Choose one of the free times listed."]
    assert not PersonalTrainingSession.objects.exists()


@pytest.mark.django_db
def test_days_out_of_reach_are_brought_back_within_a_year(member_client, pt_trainer):
    today = local_time(days=0, hour=12).date()

    far = member_client.get(_book_url(pt_trainer), {"date": "9999-12-31"})
    past = member_client.get(_book_url(pt_trainer), {"date": "2001-01-01"})
    last_moment = member_client.post(_book_url(pt_trainer), {"start_time": "9999-12-31T23:30:00+00:00", "duration": 60})

    assert far.context["day"] == today + datetime.timedelta(days=365)
    assert past.context["day"] == today
    assert last_moment.context["form"].non_field_errors() == ["Choose one of the free times listed."]


@pytest.mark.django_db
def test_a_member_cannot_book_themselves(client, member):
    me_as_trainer = TrainerFactory(user=member.user)
    TrainerAvailabilityFactory(
        trainer=me_as_trainer, start_time=local_time(days=DAY, hour=8), end_time=local_time(days=DAY, hour=12)
    )
    client.force_login(member.user)

    response = client.post(_book_url(me_as_trainer), _slot(9))

    assert form_errors(response) == [SchedulingError.messages["pt_with_self"].text]


# -- moving and cancelling ----------------------------------------------------------------------


@pytest.fixture
def session(member, pt_trainer):
    return scheduling.pt_session_book(
        member=member,
        trainer=pt_trainer,
        start_time=local_time(days=DAY, hour=8),
        end_time=local_time(days=DAY, hour=9),
    )


@pytest.mark.django_db
def test_move_opens_on_the_sessions_own_day(member_client, session, pt_trainer):
    # Tomorrow has free times too: Move must not open on the first free day but on the session's.
    TrainerAvailabilityFactory(
        trainer=pt_trainer, start_time=local_time(days=1, hour=8), end_time=local_time(days=1, hour=12)
    )

    response = member_client.get(reverse("members:pt-reschedule", args=[session.pk]))

    assert response.context["day"] == local_time(days=DAY, hour=12).date()
    assert local_time(days=DAY, hour=9) in _starts(response)


@pytest.mark.django_db
def test_rescheduling_lists_the_trainers_free_slots_and_keeps_the_room(member_client, session):
    room = RoomFactory(name="Studio A")
    scheduling.pt_session_reschedule(
        session=session, start_time=session.booking.start_time, end_time=session.booking.end_time, room=room
    )
    url = reverse("members:pt-reschedule", args=[session.pk])

    slots = member_client.get(url, {"date": local_time(days=DAY, hour=0).date().isoformat()})
    confirm = member_client.get(url, _slot(10, duration=90))

    assert local_time(days=DAY, hour=9) in _starts(slots)
    assert confirm.context["price"] == Decimal("75.00")
    assert confirm.context["form"].initial["room"] == room.pk
    assert room in confirm.context["form"].fields["room"].queryset


@pytest.mark.django_db
def test_a_member_reschedules_a_session(member_client, session):
    response = member_client.post(reverse("members:pt-reschedule", args=[session.pk]), _slot(10, duration=90))

    assert response.url == reverse("members:training")
    session.refresh_from_db()
    session.booking.refresh_from_db()
    assert (session.booking.start_time, session.booking.end_time, session.price) == (
        local_time(days=DAY, hour=10),
        local_time(days=DAY, hour=11, minute=30),
        Decimal("75.00"),
    )


@pytest.mark.django_db
@override_settings(PT_CANCELLATION_CUTOFF_HOURS=12)
def test_rescheduling_within_the_cutoff_is_refused(member_client, member, pt_trainer):
    soon = PersonalTrainingSessionFactory(member=member, booking__trainer=pt_trainer, booking__start_time=in_hours(3))
    booked_at = soon.booking.start_time

    response = member_client.post(reverse("members:pt-reschedule", args=[soon.pk]), _slot(10))

    assert form_errors(response) == [SchedulingError("pt_cutoff", hours=12).message]
    soon.booking.refresh_from_db()
    assert soon.booking.start_time == booked_at


@pytest.mark.django_db
def test_a_member_cancels_a_session(member_client, session):
    url = reverse("members:pt-cancel", args=[session.pk])

    page = member_client.get(url)
    response = member_client.post(url, follow=True)

    assert "Sessions can be cancelled up to 12 hours before they start." in page.content.decode()
    session.booking.refresh_from_db()
    assert session.booking.status == Booking.Status.CANCELLED
    assert messages_of(response) == [f"Cancelled: {scheduling.describe_booking(session.booking)} with Tess Trainer."]


@pytest.mark.django_db
@override_settings(PT_CANCELLATION_CUTOFF_HOURS=12)
def test_cancelling_after_the_cutoff_is_refused(member_client, member):
    soon = PersonalTrainingSessionFactory(member=member, booking__start_time=in_hours(11))

    listing = member_client.get(reverse("members:training"))
    response = member_client.post(reverse("members:pt-cancel", args=[soon.pk]))

    assert "contact the club to change it" in listing.content.decode()
    assert reverse("members:pt-cancel", args=[soon.pk]) not in listing.content.decode()
    assert response.status_code == 200
    assert form_errors(response) == [SchedulingError("pt_cutoff", hours=12).message]
    soon.booking.refresh_from_db()
    assert soon.booking.status == Booking.Status.SCHEDULED


@pytest.mark.django_db
@override_settings(PT_CANCELLATION_CUTOFF_HOURS=2)
def test_the_cutoff_follows_the_setting(member_client, member):
    soon = PersonalTrainingSessionFactory(member=member, booking__start_time=in_hours(3))

    response = member_client.post(reverse("members:pt-cancel", args=[soon.pk]))

    assert response.status_code == 302
    soon.booking.refresh_from_db()
    assert soon.booking.status == Booking.Status.CANCELLED


@pytest.mark.django_db
def test_cancelling_a_cancelled_session_says_so(member_client, session):
    scheduling.pt_session_cancel(session=session, by_member=True)

    response = member_client.post(reverse("members:pt-cancel", args=[session.pk]))

    assert form_errors(response) == [SchedulingError.messages["pt_not_scheduled"].text]


@pytest.mark.django_db
def test_cancelling_a_session_already_invoiced_credits_it(member_client, session):
    when = timezone.localdate()
    invoice = billing.invoice_generate(
        member=session.member, period_start=when, period_end=when + datetime.timedelta(days=3)
    )
    billing.invoice_issue(invoice=invoice)

    response = member_client.post(reverse("members:pt-cancel", args=[session.pk]), follow=True)

    credit = InvoiceLine.objects.get(kind=InvoiceLine.Kind.CREDIT)
    assert (credit.invoice.member, credit.unit_price) == (session.member, -session.price)
    assert messages_of(response)[0].endswith("It had already been invoiced, so it is credited on this month's invoice.")
