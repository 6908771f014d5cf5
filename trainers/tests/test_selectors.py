import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clubsite.accounts.tests.factories import UserFactory
from clubsite.testing.scenes import HOUR, ago, class_at, member_named, session_at
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from operations.models import Booking, ClassRegistration
from operations.tests.factories import (
    ClassRegistrationFactory,
    EquipmentFactory,
    MaintenanceRecordFactory,
    RoomFactory,
    local_time,
)
from trainers import selectors as trainer_reads
from trainers.portal import selectors
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), ZONE)


def future_monday() -> datetime.date:
    return trainer_reads.week_start_of(timezone.localdate() + datetime.timedelta(days=14))


def register(group_class, *statuses):
    for status in statuses:
        ClassRegistrationFactory(group_class=group_class, status=status)


def test_week_start_of_is_the_monday():
    assert trainer_reads.week_start_of(datetime.date(2026, 11, 22)) == datetime.date(2026, 11, 16)
    assert trainer_reads.week_start_of(datetime.date(2026, 11, 16)) == datetime.date(2026, 11, 16)


class TestTrainerWeek:
    def test_a_week_of_classes_and_sessions_with_rooms_members_and_seats(self, trainer, other_trainer):
        monday = future_monday()
        tuesday, wednesday = monday + datetime.timedelta(days=1), monday + datetime.timedelta(days=2)
        yoga = class_at(
            trainer=trainer, start=at(tuesday, 9), name="Yoga Flow", capacity=10, room=RoomFactory(name="Yoga Loft")
        )
        S = ClassRegistration.Status
        register(yoga, S.REGISTERED, S.ATTENDED, S.WAITLISTED, S.CANCELLED)
        session = session_at(trainer=trainer, start=at(wednesday, 15), member=member_named("Noah", "Price"))
        cancelled = session_at(trainer=trainer, start=at(wednesday, 17), status=Booking.Status.CANCELLED)
        class_at(trainer=other_trainer, start=at(tuesday, 9), name="Not mine")
        class_at(trainer=trainer, start=at(monday + datetime.timedelta(days=7), 9), name="Next week")

        week = selectors.trainer_week(trainer=trainer, week_start=wednesday)

        assert week.start == monday
        assert [day.date for day in week.days] == [monday + datetime.timedelta(days=n) for n in range(7)]
        assert (week.previous, week.next) == (monday - datetime.timedelta(days=7), monday + datetime.timedelta(days=7))
        assert week.entry_count == 3
        (class_entry,) = week.days[1].entries
        assert (class_entry.title, class_entry.room, class_entry.class_id) == ("Yoga Flow", "Yoga Loft", yoga.pk)
        assert (class_entry.registered, class_entry.capacity, class_entry.waitlisted) == (2, 10, 1)
        assert class_entry.start == at(tuesday, 9)
        assert class_entry.start.tzinfo is not None
        pt, gone = week.days[2].entries
        assert (pt.title, pt.member_name, pt.member_id, pt.room) == (
            "Personal training",
            "Noah Price",
            session.member_id,
            "Online",
        )
        assert (pt.session_id, pt.is_cancelled) == (session.pk, False)
        assert (gone.session_id, gone.is_cancelled) == (cancelled.pk, True)

    def test_the_grid_puts_entries_in_the_row_of_their_hour_and_shades_available_hours(self, trainer):
        monday = future_monday()
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(monday, 8), end_time=at(monday, 11, 30))
        early = class_at(trainer=trainer, start=at(monday, 5, 30), end=at(monday, 6, 15))
        late = session_at(trainer=trainer, start=at(monday, 9, 45))

        week = selectors.trainer_week(trainer=trainer, week_start=monday)

        rows = {row.hour: row for row in week.rows}
        assert min(rows) == 5 and max(rows) == selectors.GRID_LAST_HOUR
        assert [row.label for row in week.rows][:2] == ["05:00", "06:00"]
        assert [e.class_id for e in rows[5].cells[0].entries] == [early.pk]
        assert [e.session_id for e in rows[9].cells[0].entries] == [late.pk]
        assert all(not cell.entries for row in week.rows for cell in row.cells if row.hour not in (5, 9))
        assert [h for h, row in rows.items() if row.cells[0].available] == [8, 9, 10, 11]
        assert not any(row.cells[1].available for row in week.rows)
        assert week.days[0].windows == [(at(monday, 8), at(monday, 11, 30))]

    def test_today_is_flagged_in_the_current_week_only(self, trainer):
        today = timezone.localdate()

        this_week = selectors.trainer_week(trainer=trainer, week_start=today)
        next_week = selectors.trainer_week(trainer=trainer, week_start=today + datetime.timedelta(days=7))

        assert [day.date for day in this_week.days if day.is_today] == [today]
        assert all(cell.is_today == (cell.day == today) for row in this_week.rows for cell in row.cells)
        assert this_week.is_current and not next_week.is_current
        assert not any(day.is_today for day in next_week.days)

    def test_a_week_across_the_clock_change_has_seven_whole_local_days(self, trainer):
        # Europe/London falls back on Sunday 25 October 2026: that day lasts 25 hours.
        monday = datetime.date(2026, 10, 19)
        sunday = datetime.date(2026, 10, 25)
        last = class_at(trainer=trainer, start=at(sunday, 23), end=at(sunday, 23, 45))
        class_at(trainer=trainer, start=at(datetime.date(2026, 10, 26), 0, 15))
        class_at(trainer=trainer, start=at(datetime.date(2026, 10, 18), 23))

        week = selectors.trainer_week(trainer=trainer, week_start=sunday)

        assert week.start == monday
        assert [e.class_id for e in week.days[6].entries] == [last.pk]
        assert week.entry_count == 1
        assert [e.class_id for e in {r.hour: r for r in week.rows}[23].cells[6].entries] == [last.pk]

    def test_what_started_before_monday_shows_at_the_top_of_monday(self, trainer):
        monday = future_monday()
        overnight = class_at(trainer=trainer, start=at(monday, 0) - HOUR, end=at(monday, 1))

        week = selectors.trainer_week(trainer=trainer, week_start=monday)

        assert [e.class_id for e in week.days[0].entries] == [overnight.pk]
        assert week.rows[0].hour == 0
        assert [e.class_id for e in week.rows[0].cells[0].entries] == [overnight.pk]

    def test_two_queries_whatever_the_amount_of_data(self, trainer, django_assert_num_queries):
        monday = future_monday()

        def fill(first_day: int, days: int) -> None:
            for offset in range(first_day, first_day + days):
                day = monday + datetime.timedelta(days=offset)
                TrainerAvailabilityFactory(trainer=trainer, start_time=at(day, 7), end_time=at(day, 20))
                group_class = class_at(trainer=trainer, start=at(day, 9))
                register(group_class, *[ClassRegistration.Status.REGISTERED] * 3)
                session_at(trainer=trainer, start=at(day, 12))

        fill(0, 1)
        with django_assert_num_queries(2):
            small = selectors.trainer_week(trainer=trainer, week_start=monday)
        fill(1, 6)
        with django_assert_num_queries(2):
            big = selectors.trainer_week(trainer=trainer, week_start=monday)

        assert (small.entry_count, big.entry_count) == (2, 14)
        assert {e.registered for day in big.days for e in day.entries if e.is_class} == {3}


class TestScheduleList:
    def test_upcoming_is_what_has_not_ended_soonest_first_and_past_is_what_started_latest_first(
        self, trainer, other_trainer
    ):
        now = timezone.now()
        done = class_at(trainer=trainer, start=now - 5 * HOUR)
        running = session_at(trainer=trainer, start=now - HOUR / 2)
        soon = class_at(trainer=trainer, start=now + 2 * HOUR)
        later = session_at(trainer=trainer, start=now + 26 * HOUR)
        class_at(trainer=other_trainer, start=now + 2 * HOUR)

        upcoming = list(selectors.trainer_schedule_list(trainer=trainer))
        past = list(selectors.trainer_schedule_list(trainer=trainer, when=selectors.SCHEDULE_PAST))

        assert [b.pk for b in upcoming] == [running.booking_id, soon.booking_id, later.booking_id]
        assert [b.pk for b in past] == [running.booking_id, done.booking_id]

    def test_a_page_is_one_query_whatever_the_amount_of_data(self, trainer, django_assert_num_queries):
        def fill(first: int, count: int) -> None:
            for day in range(first, first + count):
                group_class = class_at(trainer=trainer, start=local_time(days=day, hour=9))
                register(group_class, ClassRegistration.Status.REGISTERED, ClassRegistration.Status.WAITLISTED)
                session_at(trainer=trainer, start=local_time(days=day, hour=14))

        fill(1, 1)
        with django_assert_num_queries(1):
            small = selectors.schedule_entries(selectors.trainer_schedule_list(trainer=trainer)[:20])
        fill(2, 8)
        with django_assert_num_queries(1):
            big = selectors.schedule_entries(selectors.trainer_schedule_list(trainer=trainer)[:20])

        assert (len(small), len(big)) == (2, 18)
        assert {(e.registered, e.waitlisted) for e in big if e.is_class} == {(1, 1)}
        assert all(e.member_name for e in big if e.is_session)


class TestAvailabilityList:
    def test_windows_not_yet_ended_with_the_bookings_inside_them(self, trainer, other_trainer):
        TrainerAvailabilityFactory(trainer=trainer, start_time=ago(hours=10), end_time=ago(hours=2))
        running = TrainerAvailabilityFactory(trainer=trainer, start_time=ago(hours=1), end_time=ago(hours=-3))
        tomorrow = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=1, hour=8), end_time=local_time(days=1, hour=18)
        )
        TrainerAvailabilityFactory(trainer=other_trainer)
        class_at(trainer=trainer, start=local_time(days=1, hour=9))
        session_at(trainer=trainer, start=local_time(days=1, hour=11))
        session_at(trainer=trainer, start=local_time(days=1, hour=13), status=Booking.Status.CANCELLED)
        session_at(trainer=trainer, start=local_time(days=1, hour=19))

        windows = list(selectors.trainer_availability_list(trainer=trainer))

        assert [(w.pk, w.booking_count) for w in windows] == [(running.pk, 0), (tomorrow.pk, 2)]

    def test_one_query_whatever_the_amount_of_data(self, trainer, django_assert_num_queries):
        def fill(first: int, count: int) -> None:
            for day in range(first, first + count):
                TrainerAvailabilityFactory(
                    trainer=trainer, start_time=local_time(days=day, hour=8), end_time=local_time(days=day, hour=18)
                )
                session_at(trainer=trainer, start=local_time(days=day, hour=9))

        fill(1, 1)
        with django_assert_num_queries(1):
            assert len(list(selectors.trainer_availability_list(trainer=trainer))) == 1
        fill(2, 6)
        with django_assert_num_queries(1):
            assert [w.booking_count for w in selectors.trainer_availability_list(trainer=trainer)] == [1] * 7


class TestClassesAndSessions:
    def test_a_class_comes_with_its_seats_counted_and_a_roll_call_by_name(self, trainer, django_assert_num_queries):
        group_class = class_at(trainer=trainer, start=ago(hours=1), capacity=8)
        S = ClassRegistration.Status
        zoe = ClassRegistrationFactory(group_class=group_class, member=member_named("Zoe", "Adams"))
        ann = ClassRegistrationFactory(group_class=group_class, member=member_named("Ann", "Young"), status=S.ATTENDED)
        ClassRegistrationFactory(group_class=group_class, status=S.WAITLISTED)
        ClassRegistrationFactory(group_class=group_class, status=S.CANCELLED)

        with django_assert_num_queries(1):
            loaded = selectors.trainer_classes(trainer=trainer).get(pk=group_class.pk)
            assert loaded.booking.room.name
        with django_assert_num_queries(1):
            roll = selectors.class_roll_call(group_class=group_class)
            names = [r.member.user.get_full_name() for r in roll]

        assert (loaded.seated_count, loaded.waitlist_count, loaded.capacity) == (2, 1, 8)
        assert [r.pk for r in roll] == [zoe.pk, ann.pk]
        assert names == ["Zoe Adams", "Ann Young"]

    def test_only_the_trainers_own_classes_and_sessions(self, trainer, other_trainer):
        mine = class_at(trainer=trainer, start=ago(hours=3))
        my_session = session_at(trainer=trainer, start=ago(hours=1))
        class_at(trainer=other_trainer, start=ago(hours=3))
        session_at(trainer=other_trainer, start=ago(hours=1))

        assert list(selectors.trainer_classes(trainer=trainer)) == [mine]
        assert list(selectors.trainer_sessions(trainer=trainer)) == [my_session]


def test_member_profile_is_name_active_goals_and_latest_metric_in_three_queries(django_assert_num_queries):
    member = member_named("Bob", "Roberts")
    active = FitnessGoalFactory(member=member)
    FitnessGoalFactory(member=member, is_active=False)
    HealthMetricFactory(member=member, weight=Decimal("81.0"), recorded_at=ago(days=1))
    HealthMetricFactory(member=member, weight=Decimal("90.0"), recorded_at=ago(days=20))

    with django_assert_num_queries(3):
        loaded = trainer_reads.member_lookup_profile(member_id=member.pk).get()
        metric = trainer_reads.latest_metric_of(loaded)
        goals = list(loaded.active_goals)

    assert loaded.user.get_full_name() == "Bob Roberts"
    assert goals == [active]
    assert metric.weight == Decimal("81.0")


def test_a_member_without_metrics_has_no_latest_metric():
    member = member_named("Ann", "Empty")

    assert trainer_reads.latest_metric_of(trainer_reads.member_lookup_profile(member_id=member.pk).get()) is None


def test_equipment_grouped_by_room_in_one_query(django_assert_num_queries):
    spin, main = RoomFactory(name="Spin Room"), RoomFactory(name="Main Studio")
    bike = EquipmentFactory(room=spin, name="Spin bike")
    mirror = EquipmentFactory(room=main, name="Mirror wall")
    speaker = EquipmentFactory(room=main, name="Amplifier")

    with django_assert_num_queries(1):
        groups = selectors.equipment_by_room()

    assert groups == [("Main Studio", [speaker, mirror]), ("Spin Room", [bike])]


def test_issues_reported_by_a_person_are_theirs_latest_first_at_most_ten(trainer, django_assert_num_queries):
    for days in range(12):
        MaintenanceRecordFactory(reported_by=trainer.user, reported_at=ago(days=days))
    MaintenanceRecordFactory(reported_by=UserFactory())

    with django_assert_num_queries(1):
        reports = list(selectors.issues_reported_by(user=trainer.user))
        rooms = {r.equipment.room.name for r in reports}

    assert len(reports) == selectors.REPORTS_SHOWN
    assert [r.reported_at for r in reports] == sorted((r.reported_at for r in reports), reverse=True)
    assert {r.reported_by_id for r in reports} == {trainer.user_id}
    assert rooms
