"""The member back office at scale: lists ordered along an index, dates filtered rather than drilled into."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import FitnessGoal, HealthMetric, Member
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory

pytestmark = pytest.mark.django_db


def rows(admin_client, model: str, params: dict | None = None) -> list:
    response = admin_client.get(reverse(f"admin:members_{model}_changelist"), params or {})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_the_metric_history_lists_the_newest_entries_first(admin_client):
    member = MemberFactory()
    first, second = HealthMetricFactory(member=member), HealthMetricFactory(member=member)

    assert rows(admin_client, "healthmetric") == [second, first]
    assert HealthMetric.objects.count() == 2


def test_goals_are_listed_newest_first_and_the_active_ones_are_a_filter_away(admin_client):
    old, new = FitnessGoalFactory(), FitnessGoalFactory()
    FitnessGoal.objects.filter(pk=old.pk).update(is_active=False)

    assert rows(admin_client, "fitnessgoal") == [new, old]
    assert rows(admin_client, "fitnessgoal", {"is_active__exact": "1"}) == [new]


def test_members_who_joined_this_year_are_a_date_filter(admin_client):
    joined_now, joined_long_ago = MemberFactory(), MemberFactory()
    Member.objects.filter(pk=joined_long_ago.pk).update(created_at=timezone.now() - datetime.timedelta(days=800))
    changelist = reverse("admin:members_member_changelist")
    cl = admin_client.get(changelist).context["cl"]

    # The link staff click: "This year" under "By created at".
    (this_year,) = [
        choice["query_string"]
        for spec in cl.filter_specs
        if spec.title == "created at"
        for choice in spec.choices(cl)
        if choice["display"] == "This year"
    ]
    joined = admin_client.get(changelist + this_year).context["cl"]

    assert list(joined.result_list) == [joined_now]
