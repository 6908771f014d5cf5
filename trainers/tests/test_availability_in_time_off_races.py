"""Under a race: time off and a window added by hand on one of its days never both stand."""

import datetime

import pytest

from clubsite.core.clock import club_datetime, club_today, day_start
from clubsite.core.errors import ClubError
from clubsite.testing.races import race
from operations.services import availability_create, time_off_create
from trainers.models import TimeOff, TrainerAvailability
from trainers.tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_time_off_and_windows_added_at_once_never_both_stand():
    trainer = TrainerFactory()
    day = club_today() + datetime.timedelta(days=9)

    def act(i: int):
        if i == 0:
            return time_off_create(trainer=trainer, first_day=day, last_day=day)
        start = club_datetime(day, datetime.time(6 + 2 * i))
        return availability_create(trainer=trainer, start_time=start, end_time=start + datetime.timedelta(hours=1))

    outcome = race(act, workers=6)

    assert all(isinstance(error, ClubError) for error in outcome.errors), outcome.errors
    windows = TrainerAvailability.objects.filter(
        trainer=trainer, start_time__lt=day_start(day + datetime.timedelta(days=1)), end_time__gt=day_start(day)
    ).count()
    # Time off removes the free windows it finds, so it always stands; a window made beside it would be left on
    # a day nobody can book.
    assert TimeOff.objects.filter(trainer=trainer).exists()
    assert windows == 0
    assert {error.code for error in outcome.errors} <= {"availability_in_time_off"}
