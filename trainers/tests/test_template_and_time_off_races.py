"""Under a race: overlapping template rows give one row; time off and bookings of that day never both stand."""

import datetime

import pytest

from clubsite.core.clock import club_datetime, club_today
from clubsite.core.errors import ClubError
from clubsite.testing.races import race
from members.tests.factories import MemberFactory
from operations.models import Booking
from operations.services import pt_session_book, time_off_create
from trainers.models import TimeOff, WeeklySlot
from trainers.services import weekly_slot_add
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_overlapping_rows_added_at_once_leave_one():
    trainer = TrainerFactory()

    outcome = race(
        lambda i: weekly_slot_add(
            trainer=trainer, weekday=0, start_time=datetime.time(9, i), end_time=datetime.time(12, i)
        ),
        workers=8,
    )

    assert WeeklySlot.objects.filter(trainer=trainer).count() == 1
    assert len(outcome.results) == 1
    assert {error.code for error in outcome.errors} <= {"slot_overlaps", "slot_overlaps_another"}


def test_time_off_and_sessions_booked_at_once_never_both_stand():
    trainer = TrainerFactory()
    day = club_today() + datetime.timedelta(days=9)
    TrainerAvailabilityFactory(
        trainer=trainer, start_time=club_datetime(day, datetime.time(8)), end_time=club_datetime(day, datetime.time(20))
    )
    members = [MemberFactory() for _ in range(5)]

    def act(i: int):
        if i == 0:
            return time_off_create(trainer=trainer, first_day=day, last_day=day)
        start = club_datetime(day, datetime.time(8 + 2 * i))
        return pt_session_book(
            member=members[i], trainer=trainer, start_time=start, end_time=start + datetime.timedelta(hours=1)
        )

    outcome = race(act, workers=5)

    assert all(isinstance(error, ClubError) for error in outcome.errors), outcome.errors
    booked = Booking.objects.filter(trainer=trainer, status=Booking.Status.SCHEDULED).count()
    taken = TimeOff.objects.filter(trainer=trainer).exists()
    assert taken != bool(booked), (taken, booked)
