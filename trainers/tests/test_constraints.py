"""The database's guards on trainers and their availability, tried directly with no service in the way."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from clubsite.core.db import violated_constraint
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@contextmanager
def violates(constraint: str):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    assert violated_constraint(error.value) == constraint


class TestAvailabilityOverlap:
    @pytest.mark.parametrize(
        ("start_shift", "end_shift"),
        [(0, 0), (-1, -9), (9, 1), (2, -2), (-1, 1)],
        ids=["same", "overlaps-start", "overlaps-end", "inside", "around"],
    )
    def test_one_trainers_windows_cannot_overlap(self, start_shift, end_shift):
        window = TrainerAvailabilityFactory()  # 08:00-18:00

        with violates("trainers_traineravailability_no_overlap"):
            TrainerAvailabilityFactory(
                trainer=window.trainer,
                start_time=window.start_time + start_shift * HOUR,
                end_time=window.end_time + end_shift * HOUR,
            )

        assert TrainerAvailability.objects.count() == 1

    def test_moving_a_window_onto_another_is_refused(self):
        window = TrainerAvailabilityFactory()
        later = TrainerAvailabilityFactory(
            trainer=window.trainer, start_time=window.end_time + HOUR, end_time=window.end_time + 2 * HOUR
        )

        with violates("trainers_traineravailability_no_overlap"):
            TrainerAvailability.objects.filter(pk=later.pk).update(start_time=window.end_time - HOUR)

    def test_back_to_back_windows_are_allowed(self):
        window = TrainerAvailabilityFactory()

        TrainerAvailabilityFactory(
            trainer=window.trainer, start_time=window.end_time, end_time=window.end_time + HOUR
        )
        TrainerAvailabilityFactory(
            trainer=window.trainer, start_time=window.start_time - HOUR, end_time=window.start_time
        )

        assert TrainerAvailability.objects.count() == 3

    def test_different_trainers_may_overlap(self):
        window = TrainerAvailabilityFactory()

        TrainerAvailabilityFactory(start_time=window.start_time, end_time=window.end_time)

        assert TrainerAvailability.objects.count() == 2


class TestChecks:
    @pytest.mark.parametrize("length", [datetime.timedelta(0), -HOUR], ids=["zero", "negative"])
    def test_a_window_ends_after_it_starts(self, length):
        window = TrainerAvailabilityFactory.build()

        with violates("trainers_traineravailability_end_after_start"):
            TrainerAvailabilityFactory(start_time=window.start_time, end_time=window.start_time + length)

    def test_an_hourly_rate_is_not_negative(self):
        with violates("trainers_trainer_rate_not_negative"):
            TrainerFactory(hourly_rate=Decimal("-1.00"))

    def test_a_free_trainer_is_fine(self):
        assert TrainerFactory(hourly_rate=Decimal("0.00")).pk is not None
