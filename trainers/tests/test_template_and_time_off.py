"""A trainer's weekly template (rows that never overlap), applied to coming weeks, and time off."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from clubsite.core.clock import club_datetime, club_time, club_today
from operations.errors import SchedulingError
from operations.models import Booking
from operations.services import availability_apply_template, time_off_create
from operations.tests.factories import GroupClassFactory, PersonalTrainingSessionFactory
from trainers.errors import TrainerError
from trainers.models import TimeOff, TrainerAvailability, WeeklySlot
from trainers.services import time_off_delete, weekly_slot_add, weekly_slot_delete
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

T = datetime.time
MONDAY, WEDNESDAY = WeeklySlot.Weekday.MONDAY, WeeklySlot.Weekday.WEDNESDAY


def next_monday() -> datetime.date:
    today = club_today()
    return today + datetime.timedelta(days=7 - today.weekday())


def spans(trainer) -> list[tuple[datetime.datetime, datetime.datetime]]:
    return [
        (club_time(w.start_time), club_time(w.end_time))
        for w in TrainerAvailability.objects.filter(trainer=trainer).order_by("start_time")
    ]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return club_datetime(day, T(hour, minute))


class TestTemplateRows:
    def test_rows_of_a_day_never_overlap_but_may_meet(self, trainer):
        weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))
        weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(12), end_time=T(14))
        weekly_slot_add(trainer=trainer, weekday=WEDNESDAY, start_time=T(10), end_time=T(11))

        with pytest.raises(TrainerError) as refused:
            weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(11), end_time=T(13))

        assert (refused.value.code, refused.value.field) == ("slot_overlaps", "start_time")
        assert "Monday 09:00–12:00" in refused.value.message
        assert WeeklySlot.objects.filter(trainer=trainer).count() == 3

    def test_the_database_refuses_an_overlap_the_service_did_not_see(self, trainer):
        WeeklySlot.objects.create(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))

        with pytest.raises(IntegrityError, match="trainers_weeklyslot_no_overlap"), transaction.atomic():
            WeeklySlot.objects.create(trainer=trainer, weekday=MONDAY, start_time=T(11), end_time=T(13))

    def test_another_trainers_rows_do_not_collide(self, trainer, other_trainer):
        weekly_slot_add(trainer=other_trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))

        assert weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12)).pk

    @pytest.mark.parametrize(
        ("weekday", "start", "end", "code"),
        [
            (7, T(9), T(10), "slot_weekday_invalid"),
            (MONDAY, None, T(10), "slot_times_required"),
            (MONDAY, T(10), T(10), "slot_end_not_after_start"),
            (MONDAY, T(22), T(1), "slot_end_not_after_start"),
        ],
    )
    def test_bad_rows_are_refused(self, trainer, weekday, start, end, code):
        with pytest.raises(TrainerError) as refused:
            weekly_slot_add(trainer=trainer, weekday=weekday, start_time=start, end_time=end)
        assert refused.value.code == code

    def test_a_row_removed_leaves_its_windows(self, trainer):
        slot = weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))
        availability_apply_template(trainer=trainer, first_day=next_monday(), weeks=1)

        weekly_slot_delete(slot=slot)

        assert not WeeklySlot.objects.exists()
        assert len(spans(trainer)) == 1
        with pytest.raises(TrainerError) as refused:
            weekly_slot_delete(slot=slot)
        assert refused.value.code == "slot_gone"


class TestApplyTemplate:
    def test_makes_each_rows_window_on_each_day_of_the_weeks(self, trainer):
        weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))
        weekly_slot_add(trainer=trainer, weekday=WEDNESDAY, start_time=T(17), end_time=T(20, 30))
        monday = next_monday()

        applied = availability_apply_template(trainer=trainer, first_day=monday, weeks=2)

        wednesday = monday + datetime.timedelta(days=2)
        week = datetime.timedelta(days=7)
        assert spans(trainer) == [
            (at(monday, 9), at(monday, 12)),
            (at(wednesday, 17), at(wednesday, 20, 30)),
            (at(monday + week, 9), at(monday + week, 12)),
            (at(wednesday + week, 17), at(wednesday + week, 20, 30)),
        ]
        assert (len(applied.created), applied.collisions, applied.last_day) == (
            4,
            [],
            monday + 2 * week - datetime.timedelta(days=1),
        )

    def test_windows_that_collide_are_listed_and_the_rest_made(self, trainer):
        weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))
        monday = next_monday()
        second = monday + datetime.timedelta(days=7)
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(second, 11), end_time=at(second, 13))

        applied = availability_apply_template(trainer=trainer, first_day=monday, weeks=3)

        assert len(applied.created) == 2
        [collision] = applied.collisions
        assert (collision.start, collision.end) == (at(second, 9), at(second, 12))
        assert "overlaps your window" in collision.message and "11:00–13:00" in collision.message
        assert len(spans(trainer)) == 3

    def test_applying_twice_makes_nothing_new(self, trainer):
        weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))
        availability_apply_template(trainer=trainer, first_day=next_monday(), weeks=2)

        again = availability_apply_template(trainer=trainer, first_day=next_monday(), weeks=2)

        assert (len(again.created), len(again.collisions)) == (0, 2)
        assert len(spans(trainer)) == 2

    def test_days_off_are_skipped(self, trainer):
        weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))
        monday = next_monday()
        TimeOff.objects.create(trainer=trainer, first_day=monday, last_day=monday + datetime.timedelta(days=3))

        applied = availability_apply_template(trainer=trainer, first_day=monday, weeks=2)

        assert applied.days_off == [monday]
        assert spans(trainer) == [
            (at(monday + datetime.timedelta(days=7), 9), at(monday + datetime.timedelta(days=7), 12))
        ]

    @pytest.mark.parametrize(
        ("first_day", "weeks", "code"),
        [
            (lambda: club_today() - datetime.timedelta(days=1), 1, "template_start_in_past"),
            (next_monday, 0, "weeks_out_of_range"),
            (next_monday, 53, "weeks_out_of_range"),
        ],
    )
    def test_bad_requests_are_refused(self, trainer, first_day, weeks, code):
        weekly_slot_add(trainer=trainer, weekday=MONDAY, start_time=T(9), end_time=T(12))
        with pytest.raises(SchedulingError) as refused:
            availability_apply_template(trainer=trainer, first_day=first_day(), weeks=weeks)
        assert refused.value.code == code

    def test_an_empty_template_says_so(self, trainer):
        with pytest.raises(SchedulingError) as refused:
            availability_apply_template(trainer=trainer, first_day=next_monday(), weeks=1)
        assert refused.value.code == "template_empty"


class TestTimeOff:
    def test_free_windows_inside_are_removed_and_those_reaching_in_are_cut(self, trainer):
        monday = next_monday()
        tuesday, wednesday, thursday = (monday + datetime.timedelta(days=n) for n in (1, 2, 3))
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(monday, 9), end_time=at(monday, 12))
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(monday, 20), end_time=at(tuesday, 2))
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(tuesday, 9), end_time=at(tuesday, 17))
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(wednesday, 22), end_time=at(thursday, 6))

        taken = time_off_create(trainer=trainer, first_day=tuesday, last_day=wednesday, note=" Holiday ")

        assert (taken.windows_removed, taken.windows_cut) == (1, 2)
        assert taken.time_off.note == "Holiday"
        assert spans(trainer) == [
            (at(monday, 9), at(monday, 12)),
            (at(monday, 20), at(tuesday, 0)),
            (at(thursday, 0), at(thursday, 6)),
        ]

    def test_a_window_around_a_single_day_off_is_split_in_two(self, trainer):
        monday = next_monday()
        tuesday, wednesday = monday + datetime.timedelta(days=1), monday + datetime.timedelta(days=2)
        # Windows last at most 16 hours through the service; the table itself takes any span.
        TrainerAvailability.objects.create(trainer=trainer, start_time=at(monday, 20), end_time=at(wednesday, 4))

        taken = time_off_create(trainer=trainer, first_day=tuesday, last_day=tuesday)

        assert taken.windows_cut == 1
        assert spans(trainer) == [(at(monday, 20), at(tuesday, 0)), (at(wednesday, 0), at(wednesday, 4))]

    def test_refused_naming_the_sessions_and_classes_booked_then(self, trainer, member):
        monday = next_monday()
        tuesday = monday + datetime.timedelta(days=1)
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(tuesday, 8), end_time=at(tuesday, 20))
        PersonalTrainingSessionFactory(
            member=member,
            booking__trainer=trainer,
            booking__room=None,
            booking__start_time=at(tuesday, 9),
            booking__end_time=at(tuesday, 10),
        )
        GroupClassFactory(
            name="Spin",
            booking__trainer=trainer,
            booking__start_time=at(tuesday, 18),
            booking__end_time=at(tuesday, 19),
        )
        GroupClassFactory(
            name="Old Yoga",
            booking__trainer=trainer,
            booking__start_time=at(tuesday, 12),
            booking__end_time=at(tuesday, 13),
            booking__status=Booking.Status.CANCELLED,
        )

        with pytest.raises(SchedulingError) as refused:
            time_off_create(trainer=trainer, first_day=monday, last_day=tuesday)

        assert refused.value.code == "time_off_booked"
        assert "Ann Archer" in refused.value.message and "Spin" in refused.value.message
        assert "Old Yoga" not in refused.value.message
        assert not TimeOff.objects.exists()
        assert len(spans(trainer)) == 1

    @pytest.mark.parametrize(
        ("first", "last", "code", "field"),
        [
            (None, 0, "time_off_days_required", "first_day"),
            (3, 2, "time_off_reversed", "last_day"),
            (-1, 2, "time_off_in_past", "first_day"),
            (1, 367, "time_off_too_long", "last_day"),
        ],
    )
    def test_bad_days_are_refused(self, trainer, first, last, code, field):
        today = club_today()
        first_day = None if first is None else today + datetime.timedelta(days=first)

        with pytest.raises(SchedulingError) as refused:
            time_off_create(trainer=trainer, first_day=first_day, last_day=today + datetime.timedelta(days=last))

        assert (refused.value.code, refused.value.field) == (code, field)

    def test_time_off_never_overlaps_other_time_off(self, trainer):
        monday = next_monday()
        time_off_create(trainer=trainer, first_day=monday, last_day=monday + datetime.timedelta(days=4))

        with pytest.raises(SchedulingError) as refused:
            time_off_create(
                trainer=trainer,
                first_day=monday + datetime.timedelta(days=4),
                last_day=monday + datetime.timedelta(days=6),
            )

        assert refused.value.code == "time_off_overlaps"
        with pytest.raises(IntegrityError, match="trainers_timeoff_no_overlap"), transaction.atomic():
            TimeOff.objects.create(trainer=trainer, first_day=monday, last_day=monday)

    def test_removing_time_off_keeps_the_availability_as_it_is(self, trainer):
        monday = next_monday()
        taken = time_off_create(trainer=trainer, first_day=monday, last_day=monday)

        time_off_delete(time_off=taken.time_off)

        assert not TimeOff.objects.exists()
        with pytest.raises(TrainerError) as refused:
            time_off_delete(time_off=taken.time_off)
        assert refused.value.code == "time_off_gone"
