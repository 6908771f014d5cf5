"""Weekly repeats that would run past the last day a date can hold are refused with a message, not a crash."""

import datetime

import pytest
from django.utils import timezone

from clubsite.testing.errors import refused
from operations import services
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerFactory


def _far(day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(9999, 12, day, hour))


@pytest.mark.django_db
def test_weekly_availability_past_the_end_of_the_calendar_is_refused_and_nothing_is_stored():
    trainer = TrainerFactory()

    with refused("weeks_past_calendar"):
        services.availability_create_weekly(trainer=trainer, start_time=_far(30, 9), end_time=_far(30, 11), weeks=2)

    assert not TrainerAvailability.objects.exists()


@pytest.mark.django_db
def test_the_last_week_of_the_calendar_can_still_be_repeated_once():
    trainer = TrainerFactory()

    windows = services.availability_create_weekly(
        trainer=trainer, start_time=_far(20, 9), end_time=_far(20, 11), weeks=2
    )

    assert [window.start_time for window in windows] == [_far(20, 9), _far(27, 9)]
