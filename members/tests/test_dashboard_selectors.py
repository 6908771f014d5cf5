"""The member portal's selectors: goal progress, waitlist positions, upcoming bookings, the dashboard."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import FitnessGoal
from members.portal.selectors import (
    class_with_seats,
    member_class_registrations,
    member_dashboard,
    member_upcoming_registrations,
)
from members.selectors import goal_progress_list, metric_chart_entries
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.models import Booking, ClassRegistration
from operations.selectors import waitlist_position
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, local_time

NOW = timezone.now


def _progress(member):
    return {item.goal.pk: item for item in goal_progress_list(FitnessGoal.objects.filter(member=member))}


def _metric(member, days_ago: float, **values):
    defaults = {"weight": None, "heart_rate": None, "body_fat": None}
    return HealthMetricFactory(
        member=member, recorded_at=NOW() - datetime.timedelta(days=days_ago), **{**defaults, **values}
    )


@pytest.mark.django_db
def test_progress_starts_from_the_value_when_the_goal_was_set():
    member = MemberFactory()
    _metric(member, 40, weight=Decimal("90"))
    _metric(member, 31, weight=Decimal("84"))  # the last before the goal
    goal = FitnessGoalFactory(member=member, target_value=Decimal("74"), created_at=NOW() - datetime.timedelta(days=30))
    _metric(member, 10, weight=Decimal("80"))
    _metric(member, 1, heart_rate=60)  # newer, but no weight: does not count

    item = _progress(member)[goal.pk]

    assert (item.start_value, item.current_value, item.percent, item.to_go) == (
        Decimal("84"),
        Decimal("80"),
        40,
        Decimal("6"),
    )


@pytest.mark.django_db
def test_with_nothing_before_the_goal_progress_starts_from_the_first_entry_after():
    member = MemberFactory()
    nine_days_ago = NOW() - datetime.timedelta(days=9)
    goal = FitnessGoalFactory(
        member=member, goal_type="gain_muscle", target_value=Decimal("70"), created_at=nine_days_ago
    )
    _metric(member, 8, weight=Decimal("60"))
    _metric(member, 1, weight=Decimal("62.5"))

    item = _progress(member)[goal.pk]

    assert (item.start_value, item.current_value, item.percent) == (Decimal("60"), Decimal("62.5"), 25)


@pytest.mark.django_db
def test_progress_is_clamped_between_0_and_100():
    member = MemberFactory()
    set_at = NOW() - datetime.timedelta(days=5)
    _metric(member, 6, body_fat=Decimal("25"), heart_rate=70)
    fat = FitnessGoalFactory(
        member=member, goal_type="reduce_body_fat", target_value=Decimal("20"), unit="%", created_at=set_at
    )
    heart = FitnessGoalFactory(
        member=member, goal_type="lower_resting_hr", target_value=Decimal("60"), unit="bpm", created_at=set_at
    )
    _metric(member, 1, body_fat=Decimal("18"), heart_rate=75)

    progress = _progress(member)

    assert (progress[fat.pk].percent, progress[fat.pk].to_go) == (100, Decimal("0"))
    assert (progress[heart.pk].percent, progress[heart.pk].to_go) == (0, Decimal("15"))


@pytest.mark.django_db
def test_a_target_met_when_set_counts_as_reached():
    member = MemberFactory()
    _metric(member, 3, weight=Decimal("70"))
    goal = FitnessGoalFactory(member=member, target_value=Decimal("72"), created_at=NOW() - datetime.timedelta(days=2))

    assert _progress(member)[goal.pk].percent == 100


@pytest.mark.django_db
def test_goals_without_a_matching_measurement_show_no_progress():
    member = MemberFactory()
    _metric(member, 3, weight=Decimal("70"))
    other = FitnessGoalFactory(member=member, goal_type="improve_endurance", unit="km", target_value=Decimal("10"))
    pounds = FitnessGoalFactory(member=member, goal_type="lose_weight", unit="lb", target_value=Decimal("150"))
    no_data = FitnessGoalFactory(member=member, goal_type="reduce_body_fat", unit="%", target_value=Decimal("20"))

    progress = _progress(member)

    assert [progress[g.pk].percent for g in (other, pounds, no_data)] == [None, None, None]
    assert [progress[g.pk].tracking_unit for g in (other, pounds, no_data)] == [None, "kg", "%"]


@pytest.mark.django_db
def test_units_match_regardless_of_case():
    member = MemberFactory()
    _metric(member, 3, weight=Decimal("80"))
    two_days_ago = NOW() - datetime.timedelta(days=2)
    goal = FitnessGoalFactory(member=member, unit="KG", target_value=Decimal("70"), created_at=two_days_ago)

    assert _progress(member)[goal.pk].percent == 0


@pytest.mark.django_db
def test_other_members_metrics_never_count():
    member, other = MemberFactory(), MemberFactory()
    _metric(other, 3, weight=Decimal("100"))
    goal = FitnessGoalFactory(member=member)

    assert _progress(member)[goal.pk].start_value is None


@pytest.mark.django_db
def test_waitlist_positions_match_the_operations_selector():
    group_class = GroupClassFactory(capacity=1)
    ClassRegistrationFactory(group_class=group_class)
    same_moment = timezone.now()
    waiting = [
        ClassRegistrationFactory(group_class=group_class, status="waitlisted", registered_at=same_moment)
        for _ in range(3)
    ]
    ClassRegistrationFactory(group_class=group_class, member=waiting[1].member, status="cancelled")

    for registration in waiting:
        mine = member_class_registrations(member=registration.member, class_ids=[group_class.pk])
        assert mine[group_class.pk].waitlist_position == waitlist_position(registration=registration)
    assert [waitlist_position(registration=r) for r in waiting] == [1, 2, 3]


@pytest.mark.django_db
def test_upcoming_registrations_leave_out_cancelled_and_past_classes():
    member = MemberFactory()
    kept = ClassRegistrationFactory(member=member, group_class__booking__start_time=local_time(days=1, hour=9))
    ClassRegistrationFactory(member=member, group_class__booking__start_time=local_time(days=-1, hour=9))
    ClassRegistrationFactory(
        member=member,
        group_class__booking__start_time=local_time(days=2, hour=9),
        status=ClassRegistration.Status.CANCELLED,
    )
    called_off = ClassRegistrationFactory(member=member, group_class__booking__start_time=local_time(days=3, hour=9))
    Booking.objects.filter(pk=called_off.group_class.booking_id).update(status=Booking.Status.CANCELLED)

    assert list(member_upcoming_registrations(member=member)) == [kept]


@pytest.mark.django_db
def test_class_with_seats_counts_seats_and_waitlist():
    group_class = GroupClassFactory(capacity=2)
    ClassRegistrationFactory(group_class=group_class)
    ClassRegistrationFactory(group_class=group_class, status="cancelled")

    shown = class_with_seats(class_id=group_class.pk)

    assert (shown.seats_left, shown.waitlist_count) == (1, 0)
    assert class_with_seats(class_id=999999) is None


@pytest.mark.django_db
def test_chart_entries_are_the_latest_ones_oldest_first():
    member = MemberFactory()
    entries = [_metric(member, days, weight=Decimal("80")) for days in (5, 4, 3, 2, 1)]
    _metric(member, 0.5, body_fat=Decimal("20"))  # nothing to chart

    assert metric_chart_entries(member=member, limit=3) == entries[2:]


@pytest.mark.django_db
def test_the_dashboard_of_a_member_with_nothing_yet():
    dashboard = member_dashboard(member=MemberFactory())

    assert dashboard.metrics.latest is None and dashboard.goals == []
    assert (dashboard.classes_attended, dashboard.outstanding_balance) == (0, Decimal("0"))
