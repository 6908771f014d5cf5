"""Many requests at once: the locks and the database keep the club's rules, whoever arrives first."""

import datetime

import pytest

from clubsite.testing.errors import span_text
from clubsite.testing.races import race
from members.models import Member
from members.tests.factories import MemberFactory
from operations import services
from operations.errors import SchedulingError
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, RoomFactory, local_time
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

WORKERS = 40

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_members_racing_for_the_last_seat_one_gets_it_the_rest_wait():
    group_class = GroupClassFactory(capacity=2)
    ClassRegistrationFactory(group_class=group_class)
    members = MemberFactory.create_batch(WORKERS)

    outcome = race(
        lambda i: services.class_register(member=members[i], group_class=group_class).status, workers=WORKERS
    )

    assert outcome.errors == []
    assert sorted(outcome.results).count(ClassRegistration.Status.REGISTERED) == 1
    assert sorted(outcome.results).count(ClassRegistration.Status.WAITLISTED) == WORKERS - 1
    stored = ClassRegistration.objects.filter(group_class=group_class, member__in=members)
    assert stored.filter(status=ClassRegistration.Status.REGISTERED).count() == 1
    assert stored.filter(status=ClassRegistration.Status.WAITLISTED).count() == WORKERS - 1
    assert group_class.registrations.filter(status__in=ClassRegistration.SEATED).count() == 2


def test_forty_members_booking_one_trainer_room_and_time_one_session_is_made():
    trainer = TrainerFactory()
    TrainerAvailabilityFactory(trainer=trainer)
    room = RoomFactory()
    members = MemberFactory.create_batch(WORKERS)
    start, end = local_time(days=1, hour=10), local_time(days=1, hour=11)

    outcome = race(
        lambda i: services.pt_session_book(
            member=members[i], trainer=trainer, room=room, start_time=start, end_time=end
        ),
        workers=WORKERS,
    )

    assert len(outcome.results) == 1
    assert len(outcome.errors) == WORKERS - 1
    assert all(isinstance(error, SchedulingError) for error in outcome.errors)
    # Each loser waited for the trainer's lock, so it saw the winner's booking and was told what holds the room.
    assert {(error.code, error.params["booking"]) for error in outcome.errors} == {
        ("room_booked_by", f"Personal training {span_text(start, end)}")
    }
    assert PersonalTrainingSession.objects.count() == 1
    assert Booking.objects.count() == 1
    winner = PersonalTrainingSession.objects.get()
    assert winner.member == outcome.results[0].member
    assert Member.objects.count() == WORKERS


def test_forty_overlapping_windows_for_one_trainer_one_is_kept():
    trainer = TrainerFactory()
    base = local_time(days=1, hour=8)

    outcome = race(
        lambda i: services.availability_create(
            trainer=trainer,
            start_time=base + datetime.timedelta(minutes=i),
            end_time=base + datetime.timedelta(hours=4, minutes=i),
        ),
        workers=WORKERS,
    )

    assert len(outcome.results) == 1
    assert len(outcome.errors) == WORKERS - 1
    assert all(isinstance(error, SchedulingError) for error in outcome.errors)
    assert all(error.code in ("availability_overlaps", "availability_overlaps_another") for error in outcome.errors)
    assert list(TrainerAvailability.objects.values_list("pk", flat=True)) == [outcome.results[0].pk]
