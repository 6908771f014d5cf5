import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from members.selectors import latest_metrics, member_search, metric_history
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory


def _member(first: str, last: str, **kwargs):
    return MemberFactory(user__first_name=first, user__last_name=last, **kwargs)


def _read(members):
    """What a trainer's lookup page shows for each member."""
    return [
        (
            member.user.get_full_name(),
            [goal.goal_type for goal in member.active_goals],
            getattr(getattr(member, "latest_metric", None), "weight", None),
        )
        for member in members
    ]


@pytest.mark.django_db
def test_member_search_matches_every_word_in_first_or_last_name_case_insensitively():
    robert = _member("Robert", "Smith")
    bobby = _member("Ann", "Bobson")
    rob = _member("Rob", "Jones")
    alice = _member("Alice", "Walker")

    assert list(member_search(term="oB")) == [bobby, rob, robert]
    assert list(member_search(term="WALK")) == [alice]
    assert list(member_search(term="  rob   SMI ")) == [robert]
    assert list(member_search(term="smith ann")) == []
    assert list(member_search(term="zzz")) == []


@pytest.mark.django_db
def test_member_search_with_no_words_finds_nobody(django_assert_num_queries):
    _member("Robert", "Smith")

    with django_assert_num_queries(0):
        assert list(member_search(term="   ")) == []
        assert list(member_search(term="")) == []


@pytest.mark.django_db
def test_member_search_brings_active_goals_and_the_latest_metric_in_three_queries(django_assert_num_queries):
    def add(count: int) -> None:
        for index in range(count):
            member = _member("Sam", f"Taylor{index}")
            FitnessGoalFactory(member=member)
            FitnessGoalFactory(member=member, is_active=False)
            HealthMetricFactory(member=member, recorded_at=timezone.now() - datetime.timedelta(days=2))
            HealthMetricFactory(member=member)

    add(1)
    with django_assert_num_queries(3):
        first = _read(member_search(term="sam"))
    add(4)
    _member("Sam", "Nometrics")
    with django_assert_num_queries(3):
        grown = _read(member_search(term="sam"))

    assert len(first) == 1
    assert len(grown) == 6
    assert grown[0] == ("Sam Nometrics", [], None)
    assert [goals for _, goals, _ in grown[1:]] == [["lose_weight"]] * 5
    assert all(weight is not None for _, _, weight in grown[1:])


@pytest.mark.django_db
def test_member_search_shows_the_latest_metric_and_only_active_goals():
    member = _member("Dana", "Scully")
    now = timezone.now()
    HealthMetricFactory(member=member, weight=Decimal("70.0"), recorded_at=now - datetime.timedelta(days=1))
    HealthMetricFactory(member=member, weight=Decimal("80.0"), recorded_at=now - datetime.timedelta(days=9))
    active = FitnessGoalFactory(member=member, unit="kg")
    FitnessGoalFactory(member=member, is_active=False)

    [found] = member_search(term="scully")

    assert found.latest_metric.weight == Decimal("70.0")
    assert found.active_goals == [active]


@pytest.mark.django_db
def test_metric_history_is_newest_first_in_one_query(django_assert_num_queries):
    member = MemberFactory()
    other = MemberFactory()
    now = timezone.now()
    old = HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(days=5))
    new = HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(hours=1))
    middle = HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(days=2))
    HealthMetricFactory(member=other)

    with django_assert_num_queries(1):
        assert list(metric_history(member=member)) == [new, middle, old]
    for days in range(6, 16):
        HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(days=days))
    with django_assert_num_queries(1):
        assert len(list(metric_history(member=member))) == 13


@pytest.mark.django_db
def test_latest_metrics_gives_the_latest_and_previous_entry_and_the_change(django_assert_num_queries):
    member = MemberFactory()
    now = timezone.now()
    HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(days=30))
    previous = HealthMetricFactory(
        member=member,
        weight=Decimal("82.0"),
        heart_rate=70,
        body_fat=None,
        recorded_at=now - datetime.timedelta(days=7),
    )
    # Entered after the latest one, but measured earlier: order is by recorded_at.
    HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(days=10))
    latest = HealthMetricFactory(
        member=member, weight=Decimal("80.5"), heart_rate=66, body_fat=Decimal("20.0"), recorded_at=now
    )

    with django_assert_num_queries(1):
        result = latest_metrics(member=member)

    assert (result.latest, result.previous) == (latest, previous)
    assert result.change("weight") == Decimal("-1.5")
    assert result.change("heart_rate") == -4
    assert result.change("body_fat") is None


@pytest.mark.django_db
def test_latest_metrics_with_one_or_no_entries(django_assert_num_queries):
    member = MemberFactory()

    with django_assert_num_queries(1):
        empty = latest_metrics(member=member)
    assert (empty.latest, empty.previous, empty.change("weight")) == (None, None, None)

    only = HealthMetricFactory(member=member)
    single = latest_metrics(member=member)
    assert (single.latest, single.previous, single.change("weight")) == (only, None, None)


@pytest.mark.django_db
def test_staff_find_a_member_by_every_word_in_name_email_or_phone():
    from members.selectors import member_staff_search

    ann = MemberFactory(
        user__first_name="Ann", user__last_name="Lee", user__email="ann.lee@club.test", phone="07700 900123"
    )
    MemberFactory(user__first_name="Ann", user__last_name="Other", user__email="other@club.test", phone="")

    assert list(member_staff_search(term="ann 900123")) == [ann]
    assert list(member_staff_search(term="LEE@club")) == [ann]
    assert member_staff_search(term="").count() == 2
    assert not member_staff_search(term="ann nobody").exists()
