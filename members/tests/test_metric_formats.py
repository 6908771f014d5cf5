"""One way to write a measurement: 76.9 kg (never 76.90), body fat with one decimal (24.0 beside 23.1), a unit
typed "KG" kept as kg; the same on the pages, over the API and on the charts."""

import datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.api import ApiClient
from members.charts import metric_charts
from members.models import FitnessGoal
from members.services import goal_create
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory
from members.units import metric_text, normalise_unit


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("76.90"), "kg", "76.9"),
        (Decimal("80"), "kg", "80.0"),
        (Decimal("24"), "%", "24.0"),
        (Decimal("23.1"), "%", "23.1"),
        (62, "bpm", "62"),
        (Decimal("5.00"), "km", "5"),
        (Decimal("5.50"), "KM", "5.5"),
        (None, "kg", ""),
    ],
)
def test_a_measurement_is_written_with_its_units_decimals(value, unit, text):
    assert metric_text(value, unit) == text


def test_a_change_is_written_with_its_sign_and_its_units_decimals():
    assert metric_text(Decimal("-1"), "kg", signed=True) == "−1.0"
    assert metric_text(Decimal("0.5"), "%", signed=True) == "+0.5"
    assert metric_text(0, "bpm", signed=True) == "±0"


@pytest.mark.parametrize(("typed", "kept"), [("KG", "kg"), (" Kilos ", "kg"), ("Percent", "%"), ("BPM", "bpm")])
def test_units_are_spelled_one_way(typed, kept):
    assert normalise_unit(typed) == kept


@pytest.mark.django_db
def test_a_goal_typed_in_capitals_is_kept_in_the_clubs_spelling_and_tracked(member):
    HealthMetricFactory(member=member, weight=Decimal("80.0"), recorded_at=_ago(3))

    goal = goal_create(member=member, goal_type=FitnessGoal.GoalType.LOSE_WEIGHT, target_value="75", unit="KG")

    goal.refresh_from_db()
    assert goal.unit == "kg"


@pytest.mark.django_db
def test_the_dashboard_writes_weight_and_body_fat_with_one_decimal(member_client, member):
    HealthMetricFactory(member=member, weight=Decimal("77.9"), body_fat=Decimal("23.1"), recorded_at=_ago(7))
    HealthMetricFactory(member=member, weight=Decimal("76.9"), body_fat=Decimal("24.0"), recorded_at=_ago(1))
    FitnessGoalFactory(member=member, target_value=Decimal("75.00"), unit="kg")

    page = member_client.get(reverse("members:dashboard")).content.decode()

    assert "24.0" in page
    assert "+0.9 %" in page
    assert "−1.0 kg" in page
    assert "now 76.9 kg" in page
    assert "76.90" not in page
    assert "75.00" not in page


@pytest.mark.django_db
def test_the_history_writes_body_fat_with_one_decimal(member_client, member):
    HealthMetricFactory(member=member, weight=Decimal("80.0"), body_fat=Decimal("24.0"), recorded_at=_ago(1))

    page = member_client.get(reverse("members:metrics")).content.decode()

    assert ">24.0<" in page
    assert ">80.0<" in page


@pytest.mark.django_db
def test_the_api_writes_values_in_a_goals_unit_with_that_units_decimals(member):
    HealthMetricFactory(member=member, weight=Decimal("76.9"), body_fat=Decimal("24.0"), recorded_at=_ago(1))
    FitnessGoalFactory(member=member, target_value=Decimal("75.00"), unit="kg")

    body = ApiClient(member.user).get("/member/dashboard").json()

    goal = body["goals"][0]
    assert (goal["target_value"], goal["start_value"], goal["current_value"], goal["to_go"]) == (
        "75.0",
        "76.9",
        "76.9",
        "1.9",
    )
    assert (body["latest_metric"]["weight"], body["latest_metric"]["body_fat"]) == ("76.9", "24.0")


@pytest.mark.django_db
def test_the_weight_chart_writes_weights_with_one_decimal(member):
    entries = [
        HealthMetricFactory(member=member, weight=Decimal("80.0"), recorded_at=_ago(7)),
        HealthMetricFactory(member=member, weight=Decimal("79.5"), recorded_at=_ago(1)),
    ]

    chart = metric_charts(entries)["weight"]

    assert "first 80.0 kg, latest 79.5 kg" in chart


@pytest.mark.django_db
def test_the_migration_spells_the_units_of_goals_set_before_one_way(member):
    goal = FitnessGoalFactory(member=member, unit="KG")
    other = FitnessGoalFactory(member=member, unit="Laps")

    import_module("members.migrations.0006_goal_units_spelled_one_way").spell_units_one_way(apps, None)

    goal.refresh_from_db()
    other.refresh_from_db()
    assert (goal.unit, other.unit) == ("kg", "laps")
