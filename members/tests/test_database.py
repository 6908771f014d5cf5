"""The members tables' own rules, proven against the database itself (no service in the way)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clubsite.core.db import violated_constraint
from members.models import (
    BODY_FAT_RANGE,
    HEART_RATE_RANGE,
    WEIGHT_RANGE,
    HealthMetric,
    LatestHealthMetric,
    Member,
    MetricsConsent,
)
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory

NOW = timezone.now()


def _refused(write) -> str:
    """Run a write that the database must refuse; the name of the constraint or trigger that did."""
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        write()
    return violated_constraint(raised.value)


def _insert_metric(member, **values):
    fields = {"weight": None, "heart_rate": None, "body_fat": None, "recorded_at": NOW, **values}
    return HealthMetric.objects.create(member=member, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({}, "members_healthmetric_some_value"),
        ({"weight": WEIGHT_RANGE[0] - Decimal("0.1")}, "members_healthmetric_weight_range"),
        ({"weight": WEIGHT_RANGE[1] + Decimal("0.1")}, "members_healthmetric_weight_range"),
        ({"heart_rate": HEART_RATE_RANGE[0] - 1}, "members_healthmetric_heart_rate_range"),
        ({"heart_rate": HEART_RATE_RANGE[1] + 1}, "members_healthmetric_heart_rate_range"),
        # PositiveSmallIntegerField's own CHECK (heart_rate >= 0), checked before the range by name order.
        ({"heart_rate": -1}, "members_healthmetric_heart_rate_check"),
        ({"body_fat": BODY_FAT_RANGE[0] - Decimal("0.1")}, "members_healthmetric_body_fat_range"),
        ({"body_fat": BODY_FAT_RANGE[1] + Decimal("0.1")}, "members_healthmetric_body_fat_range"),
        ({"weight": Decimal("70"), "body_fat": Decimal("80")}, "members_healthmetric_body_fat_range"),
    ],
)
def test_health_metric_check_constraints_refuse_bad_rows(values, constraint):
    member = MemberFactory()

    assert _refused(lambda: _insert_metric(member, **values)) == constraint
    assert not HealthMetric.objects.exists()


@pytest.mark.django_db
def test_health_metric_limits_themselves_are_accepted():
    member = MemberFactory()

    for low_or_high in (0, 1):
        _insert_metric(
            member,
            weight=WEIGHT_RANGE[low_or_high],
            heart_rate=HEART_RATE_RANGE[low_or_high],
            body_fat=BODY_FAT_RANGE[low_or_high],
        )

    assert HealthMetric.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("target", [Decimal("0"), Decimal("-1")])
def test_fitness_goal_target_must_be_positive(target):
    goal = FitnessGoalFactory.build(member=MemberFactory(), target_value=target)

    assert _refused(goal.save) == "members_fitnessgoal_target_positive"


@pytest.mark.django_db
def test_a_health_metric_cannot_be_updated_through_the_orm():
    metric = HealthMetricFactory(weight=Decimal("80.0"))
    metric.weight = Decimal("81.0")

    assert _refused(metric.save) == "members_healthmetric_append_only"
    assert _refused(lambda: HealthMetric.objects.filter(pk=metric.pk).update(heart_rate=60)) == (
        "members_healthmetric_append_only"
    )
    metric.refresh_from_db()
    assert metric.weight == Decimal("80.0")


@pytest.mark.django_db
def test_a_health_metric_cannot_be_updated_with_raw_sql():
    metric = HealthMetricFactory(weight=Decimal("80.0"))

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE members_healthmetric SET weight = 81 WHERE id = %s", [metric.pk])

    assert _refused(raw_update) == "members_healthmetric_append_only"
    metric.refresh_from_db()
    assert metric.weight == Decimal("80.0")


def _erasing(delete):
    """Run ``delete`` as members.services.metrics_erase does: inside a transaction that set the erasure flag."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('clubsite.metrics_erasure', 'on', true)")
        delete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('clubsite.metrics_erasure', 'off', true)")


@pytest.mark.django_db
def test_a_health_metric_is_deleted_only_by_the_sanctioned_erasure():
    metric = HealthMetricFactory()

    def raw_delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM members_healthmetric WHERE id = %s", [metric.pk])

    assert _refused(raw_delete) == "members_healthmetric_append_only"
    assert _refused(metric.delete) == "members_healthmetric_append_only"
    assert HealthMetric.objects.filter(pk=metric.pk).exists()

    _erasing(metric.delete)

    assert not HealthMetric.objects.exists()


def _last_metric_at(member) -> datetime.datetime | None:
    return Member.objects.values_list("last_metric_at", flat=True).get(pk=member.pk)


@pytest.mark.django_db
def test_last_metric_at_follows_the_latest_recorded_at_not_the_latest_insert():
    member = MemberFactory()
    other = MemberFactory()
    days = [NOW - datetime.timedelta(days=n) for n in range(6)]

    _insert_metric(member, weight=Decimal("70"), recorded_at=days[3])
    assert _last_metric_at(member) == days[3]
    latest = _insert_metric(member, weight=Decimal("70"), recorded_at=days[1])
    _insert_metric(member, weight=Decimal("70"), recorded_at=days[5])  # back-dated: must not move it back
    second = _insert_metric(member, weight=Decimal("70"), recorded_at=days[2])
    # Several rows in one statement, out of order.
    HealthMetric.objects.bulk_create(
        [HealthMetric(member=other, heart_rate=60, recorded_at=day) for day in (days[4], days[0], days[2])]
    )

    assert _last_metric_at(member) == days[1]
    assert _last_metric_at(other) == days[0]

    _erasing(latest.delete)
    assert _last_metric_at(member) == days[2]
    _erasing(second.delete)
    assert _last_metric_at(member) == days[3]
    _erasing(HealthMetric.objects.filter(member=member).delete)
    assert _last_metric_at(member) is None
    assert _last_metric_at(other) == days[0]


def _view_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT member_id, metric_id, weight, heart_rate, body_fat, recorded_at"
            " FROM members_latest_metric ORDER BY member_id"
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_latest_metric_view_has_one_row_per_member_with_the_latest_values_ties_broken_by_id():
    ann, bob, _nobody = MemberFactory(), MemberFactory(), MemberFactory()
    _insert_metric(ann, weight=Decimal("90"), recorded_at=NOW - datetime.timedelta(days=3))
    ann_latest = _insert_metric(ann, weight=Decimal("88"), heart_rate=70, recorded_at=NOW - datetime.timedelta(days=1))
    _insert_metric(ann, weight=Decimal("95"), recorded_at=NOW - datetime.timedelta(days=9))  # inserted last, older
    tie_at = NOW - datetime.timedelta(hours=5)
    _insert_metric(bob, body_fat=Decimal("20"), recorded_at=tie_at)
    bob_latest = _insert_metric(bob, body_fat=Decimal("19.5"), recorded_at=tie_at)

    assert _view_rows() == [
        (ann.pk, ann_latest.pk, Decimal("88.0"), 70, None, ann_latest.recorded_at),
        (bob.pk, bob_latest.pk, None, None, Decimal("19.5"), tie_at),
    ]


@pytest.mark.django_db
def test_the_unmanaged_model_reads_the_view():
    member = MemberFactory()
    _insert_metric(member, weight=Decimal("70"), recorded_at=NOW - datetime.timedelta(days=2))
    latest = _insert_metric(
        member, weight=Decimal("69.5"), heart_rate=58, recorded_at=NOW - datetime.timedelta(hours=1)
    )
    MemberFactory()  # no metrics: no row

    rows = list(LatestHealthMetric.objects.select_related("member", "metric"))

    assert len(rows) == 1
    [row] = rows
    assert (row.member, row.metric, row.weight, row.heart_rate, row.body_fat, row.recorded_at) == (
        member,
        latest,
        Decimal("69.5"),
        58,
        None,
        latest.recorded_at,
    )
    assert Member.objects.get(pk=member.pk).latest_metric == row


@pytest.mark.django_db
def test_every_members_check_constraint_is_proven_above():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid::regclass::text LIKE 'members\\_%%'"
        )
        in_database = {name for (name,) in cursor.fetchall()}

    assert in_database == {
        "members_fitnessgoal_target_positive",
        "members_healthmetric_some_value",
        "members_healthmetric_weight_range",
        "members_healthmetric_heart_rate_range",
        "members_healthmetric_heart_rate_check",
        "members_healthmetric_body_fat_range",
        "members_metricsconsent_withdrawn_after_given",
    }


@pytest.mark.django_db
def test_a_consent_is_withdrawn_after_it_was_given_and_one_is_in_force_at_a_time():
    member = MemberFactory()  # consented (the factory's default)
    consent = MetricsConsent.objects.get(member=member)

    assert _refused(lambda: MetricsConsent.objects.create(member=member, notice_version="2")) == (
        "members_metricsconsent_one_current"
    )
    assert _refused(
        lambda: MetricsConsent.objects.filter(pk=consent.pk).update(
            withdrawn_at=consent.given_at - datetime.timedelta(seconds=1)
        )
    ) == ("members_metricsconsent_withdrawn_after_given")
