"""A window added by hand never falls on a day of the trainer's time off, whichever door it is added through."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.admin import split_datetime
from clubsite.testing.api import ApiClient
from operations.errors import SchedulingError
from operations.services import availability_create, availability_create_weekly, availability_update
from operations.tests.factories import local_time
from trainers.models import TimeOff, TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db


def days_text(first: datetime.date, last: datetime.date) -> str:
    """How time off reads in messages ('Mon 7 Dec–Fri 11 Dec'), spelled out independently of the code."""
    return f"{first:%a} {first.day} {first:%b}–{last:%a} {last.day} {last:%b}"


def take_off(trainer, first: int, last: int) -> TimeOff:
    """Time off from ``first`` to ``last`` days from today."""
    today = timezone.localdate()
    return TimeOff.objects.create(
        trainer=trainer,
        first_day=today + datetime.timedelta(days=first),
        last_day=today + datetime.timedelta(days=last),
    )


def in_time_off(off: TimeOff) -> str:
    return SchedulingError("availability_in_time_off", time_off=days_text(off.first_day, off.last_day)).message


def windows_of(trainer) -> list[tuple[datetime.datetime, datetime.datetime]]:
    return list(trainer.availability.order_by("start_time").values_list("start_time", "end_time"))


class TestService:
    def test_a_window_on_a_day_off_is_refused_naming_the_time_off(self, trainer):
        off = take_off(trainer, 3, 5)

        with pytest.raises(SchedulingError) as refused:
            availability_create(
                trainer=trainer, start_time=local_time(days=4, hour=9), end_time=local_time(days=4, hour=12)
            )

        assert (refused.value.code, refused.value.field) == ("availability_in_time_off", "start_time")
        assert refused.value.message == in_time_off(off)
        assert not TrainerAvailability.objects.exists()

    def test_a_window_reaching_into_the_first_day_off_is_refused(self, trainer):
        take_off(trainer, 3, 5)

        with pytest.raises(SchedulingError) as refused:
            availability_create(
                trainer=trainer, start_time=local_time(days=2, hour=20), end_time=local_time(days=3, hour=1)
            )

        assert refused.value.code == "availability_in_time_off"

    def test_the_days_either_side_stay_open_up_to_midnight(self, trainer):
        take_off(trainer, 3, 5)

        before = availability_create(
            trainer=trainer, start_time=local_time(days=2, hour=18), end_time=local_time(days=3, hour=0)
        )
        after = availability_create(
            trainer=trainer, start_time=local_time(days=6, hour=0), end_time=local_time(days=6, hour=8)
        )

        assert windows_of(trainer) == [(before.start_time, before.end_time), (after.start_time, after.end_time)]

    def test_another_trainers_time_off_does_not_count(self, trainer, other_trainer):
        take_off(other_trainer, 3, 5)

        assert availability_create(
            trainer=trainer, start_time=local_time(days=4, hour=9), end_time=local_time(days=4, hour=12)
        ).pk

    def test_moving_a_window_onto_a_day_off_is_refused_and_leaves_it(self, trainer):
        window = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=12)
        )
        off = take_off(trainer, 3, 5)

        with pytest.raises(SchedulingError) as refused:
            availability_update(
                availability=window, start_time=local_time(days=5, hour=9), end_time=local_time(days=5, hour=12)
            )

        assert refused.value.message == in_time_off(off)
        assert windows_of(trainer) == [(local_time(days=1, hour=9), local_time(days=1, hour=12))]

    def test_a_weekly_series_with_a_week_off_makes_nothing_and_names_the_week(self, trainer):
        off = take_off(trainer, 8, 8)
        start = local_time(days=1, hour=9)

        with pytest.raises(SchedulingError) as refused:
            availability_create_weekly(
                trainer=trainer, start_time=start, end_time=start + datetime.timedelta(hours=3), weeks=3
            )

        second_week = timezone.localtime(start + datetime.timedelta(weeks=1))
        line = SchedulingError(
            "availability_week_in_time_off",
            number=2,
            day=f"{second_week:%a} {second_week.day} {second_week:%b}",
            time_off=f"{off.first_day:%a} {off.first_day.day} {off.first_day:%b}",
        ).message
        assert (refused.value.code, refused.value.params["weeks"]) == ("availability_weeks_overlap", "2")
        assert refused.value.message == SchedulingError("availability_weeks_overlap", clashes=line).message
        assert not TrainerAvailability.objects.exists()


def test_the_portal_form_shows_it_under_the_start(trainer_client, trainer):
    off = take_off(trainer, 3, 5)
    start = timezone.localtime(local_time(days=4, hour=9))

    response = trainer_client.post(
        reverse("trainers:availability-create"),
        {
            "start_time": f"{start:%Y-%m-%dT%H:%M}",
            "end_time": f"{start + datetime.timedelta(hours=2):%Y-%m-%dT%H:%M}",
            "weeks": 1,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [in_time_off(off)]
    assert in_time_off(off) in response.content.decode()
    assert not TrainerAvailability.objects.exists()


def test_the_api_answers_a_problem_document_on_the_start(trainer):
    off = take_off(trainer, 3, 5)
    start, end = local_time(days=4, hour=9), local_time(days=4, hour=11)

    response = ApiClient(trainer.user).post(
        "/trainer/availability", {"start_time": start.isoformat(), "end_time": end.isoformat()}
    )

    assert response.status_code == 409
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("availability_in_time_off", "start_time")
    assert problem["detail"] == in_time_off(off)
    assert not TrainerAvailability.objects.exists()


def test_the_admin_form_shows_it(admin_client, trainer):
    off = take_off(trainer, 3, 5)
    start = local_time(days=4, hour=9)

    response = admin_client.post(
        reverse("admin:trainers_traineravailability_add"),
        {
            "trainer": trainer.pk,
            **split_datetime(start, "start_time"),
            **split_datetime(start + datetime.timedelta(hours=2), "end_time"),
            "weeks": 1,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["start_time"] == [in_time_off(off)]
    assert not TrainerAvailability.objects.exists()
