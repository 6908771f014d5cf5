"""Goals and health metrics over the API: the same services and selectors as the portal's pages."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clubsite.testing.api import ApiClient
from members.models import FitnessGoal, HealthMetric
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory

GOAL = {"goal_type": "lose_weight", "target_value": "75.00", "unit": "kg"}


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# -- goals --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
def test_a_member_sets_a_goal_and_gets_it_with_its_progress(member, session):
    HealthMetricFactory(member=member, weight=Decimal("80.0"), recorded_at=_ago(3))

    response = ApiClient(member.user, session=session).post("/member/goals", GOAL)

    assert response.status_code == 201, response.content
    body = response.json()
    goal = FitnessGoal.objects.get(member=member)
    assert body["id"] == goal.pk
    assert (body["goal_type"], body["goal_type_label"], body["is_active"]) == ("lose_weight", "Lose weight", True)
    assert Decimal(body["target_value"]) == Decimal("75.00")
    assert body["tracked"] is True
    assert Decimal(body["start_value"]) == Decimal("80.0")
    assert body["percent"] == 0
    assert Decimal(body["to_go"]) == Decimal("5.0")


@pytest.mark.django_db
def test_a_refused_goal_keeps_the_services_code_and_field(member):
    response = ApiClient(member.user).post("/member/goals", {**GOAL, "target_date": "2001-01-01"})

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("goal_date_past", "target_date")
    assert not FitnessGoal.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_the_goal_list_is_paged_active_first_with_progress_in_a_fixed_number_of_queries(
    member, other_member, django_assert_max_num_queries
):
    retired = FitnessGoalFactory(member=member, is_active=False, created_at=_ago(30))
    goals = [FitnessGoalFactory(member=member, created_at=_ago(days)) for days in (5, 4, 3)]
    FitnessGoalFactory(member=other_member)
    HealthMetricFactory(member=member, weight=Decimal("82.0"), recorded_at=_ago(10))
    HealthMetricFactory(member=member, weight=Decimal("79.0"), recorded_at=_ago(1))
    api = ApiClient(member.user)
    api.get("/member/profile")  # the token's first use is recorded once

    with django_assert_max_num_queries(4):  # the token, the member, the count, the page
        response = api.get("/member/goals", limit=3)

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 4
    assert [goal["id"] for goal in page["items"]] == [goals[2].pk, goals[1].pk, goals[0].pk]
    assert page["items"][0]["current_value"] is not None
    assert api.get("/member/goals", active="false").json()["items"][0]["id"] == retired.pk


@pytest.mark.django_db
def test_a_member_changes_and_retires_a_goal(member):
    goal = FitnessGoalFactory(member=member)
    api = ApiClient(member.user)

    changed = api.put(f"/member/goals/{goal.pk}", {**GOAL, "target_value": "70", "target_date": None})
    retired = api.post(f"/member/goals/{goal.pk}/deactivate")
    again = api.post(f"/member/goals/{goal.pk}/deactivate")
    edit_retired = api.put(f"/member/goals/{goal.pk}", GOAL)

    assert changed.status_code == 200, changed.content
    assert Decimal(changed.json()["target_value"]) == Decimal("70.00")
    assert (retired.status_code, retired.json()["is_active"]) == (200, False)
    assert (again.status_code, again.json()["code"]) == (409, "goal_already_inactive")
    assert (edit_retired.status_code, edit_retired.json()["code"]) == (409, "goal_inactive")
    goal.refresh_from_db()
    assert (goal.target_value, goal.target_date, goal.is_active) == (Decimal("70.00"), None, False)


@pytest.mark.django_db
def test_another_members_goal_is_404(member, other_member):
    theirs = FitnessGoalFactory(member=other_member)
    api = ApiClient(member.user)

    assert api.put(f"/member/goals/{theirs.pk}", GOAL).status_code == 404
    assert api.post(f"/member/goals/{theirs.pk}/deactivate").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


# -- health metrics -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_logs_a_measurement(member):
    response = ApiClient(member.user).post("/member/metrics", {"weight": "81.26", "heart_rate": 64})

    assert response.status_code == 201, response.content
    metric = HealthMetric.objects.get(member=member)
    assert response.json()["id"] == metric.pk
    assert (metric.weight, metric.heart_rate, metric.body_fat) == (Decimal("81.3"), 64, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, "metric_empty", None),
        ({"weight": "900"}, "weight_out_of_range", "weight"),
        ({"heart_rate": 70, "recorded_at": "2999-01-01T10:00:00+00:00"}, "metric_time_future", "recorded_at"),
        ({"heart_rate": 70, "recorded_at": "1980-01-01T10:00:00+00:00"}, "metric_time_before_birth", "recorded_at"),
    ],
)
def test_a_refused_measurement_is_a_problem_with_the_services_code(member, body, code, field):
    response = ApiClient(member.user).post("/member/metrics", body)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not HealthMetric.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_the_history_is_newest_first_paged_and_filtered_by_day(member, other_member, django_assert_max_num_queries):
    old, middle, new = (HealthMetricFactory(member=member, recorded_at=_ago(days)) for days in (20, 10, 1))
    HealthMetricFactory(member=other_member, recorded_at=_ago(2))
    api = ApiClient(member.user)
    api.get("/member/profile")

    with django_assert_max_num_queries(4):  # the token, the member, the count, the page
        everything = api.get("/member/metrics", limit=2)
    narrowed = api.get(
        "/member/metrics",
        **{"from": timezone.localdate(_ago(15)).isoformat(), "to": timezone.localdate(_ago(5)).isoformat()},
    )

    assert everything.status_code == 200
    assert everything.json()["count"] == 3
    assert [entry["id"] for entry in everything.json()["items"]] == [new.pk, middle.pk]
    assert [entry["id"] for entry in narrowed.json()["items"]] == [middle.pk]
    backwards = api.get("/member/metrics", **{"from": "2026-02-01", "to": "2026-01-01"})
    assert (backwards.status_code, backwards.json()["field"]) == (422, "to")
    assert old.pk  # the oldest is on the next page


@pytest.mark.django_db
def test_the_latest_measurement_comes_from_the_view_and_is_404_until_one_is_logged(
    member, other_member, django_assert_max_num_queries
):
    api = ApiClient(member.user)
    HealthMetricFactory(member=other_member)

    none_yet = api.get("/member/metrics/latest")
    HealthMetricFactory(member=member, recorded_at=_ago(3))
    latest = HealthMetricFactory(member=member, recorded_at=_ago(1), weight=Decimal("77.7"))
    with django_assert_max_num_queries(3):  # the token, the member, the view
        response = api.get("/member/metrics/latest")

    assert (none_yet.status_code, none_yet.json()["code"]) == (404, "not_found")
    assert response.status_code == 200
    assert response.json()["id"] == latest.pk
    assert Decimal(response.json()["weight"]) == Decimal("77.7")
