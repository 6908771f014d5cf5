import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import FitnessGoal, HealthMetric, Member
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory


def _form_data(response) -> dict:
    """The POST a browser would send back for an admin change page, unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            widgets = getattr(bound.field.widget, "widgets", None)
            if widgets:
                parts = value if isinstance(value, list | tuple) else bound.field.widget.decompress(value)
                for index, part in enumerate(parts):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = str(value)
    return data


def _changelist_queries(admin_client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(queries)


def _fill(count: int) -> None:
    for _ in range(count):
        member = MemberFactory()
        FitnessGoalFactory(member=member)
        HealthMetricFactory(member=member)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["member", "fitnessgoal", "healthmetric"])
def test_changelists_show_rows_without_a_query_per_row(admin_client, model):
    url = reverse(f"admin:members_{model}_changelist")
    _fill(1)
    few = _changelist_queries(admin_client, url)
    _fill(6)
    many = _changelist_queries(admin_client, url)

    assert many == few
    response = admin_client.get(url)
    assert response.context["cl"].result_count == 7


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["member", "fitnessgoal", "healthmetric"])
def test_changelist_search_and_add_pages_open(admin_client, model):
    member = MemberFactory(user__first_name="Zelda", user__last_name="Quartermaine")
    FitnessGoalFactory(member=member)
    HealthMetricFactory(member=member)

    search = admin_client.get(reverse(f"admin:members_{model}_changelist"), {"q": "quarterm"})
    add = admin_client.get(reverse(f"admin:members_{model}_add"))

    assert search.status_code == 200
    assert search.context["cl"].result_count == 1
    assert add.status_code == 200


@pytest.mark.django_db
def test_member_autocomplete_finds_members_by_name(admin_client):
    member = MemberFactory(user__first_name="Zelda", user__last_name="Quartermaine")
    MemberFactory(user__first_name="Other", user__last_name="Person")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "healthmetric", "field_name": "member", "term": "zeld"},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(member.pk)]


@pytest.mark.django_db
def test_member_change_page_shows_goals_and_metrics_and_saves_without_touching_the_history(admin_client):
    member = MemberFactory(phone="07700 900123")
    goal = FitnessGoalFactory(member=member)
    metrics = [
        HealthMetricFactory(member=member, recorded_at=timezone.now() - datetime.timedelta(days=days))
        for days in (1, 5)
    ]
    url = reverse("admin:members_member_change", args=[member.pk])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert str(goal.target_value) in page.content.decode()
    data = _form_data(page)
    data["phone"] = "020 7946 0000"
    data["goals-0-target_value"] = "70.00"
    saved = admin_client.post(url, data)

    assert saved.status_code == 302, saved.context and saved.context["errors"]
    member.refresh_from_db()
    goal.refresh_from_db()
    assert member.phone == "020 7946 0000"
    assert goal.target_value == Decimal("70.00")
    assert list(HealthMetric.objects.filter(member=member)) == metrics
    # Staff cannot edit a recorded metric from the member page: the inline is read-only.
    assert "metrics-0-weight" not in data


@pytest.mark.django_db
def test_fitness_goal_change_page_saves_and_refuses_a_non_positive_target(admin_client):
    goal = FitnessGoalFactory(target_value=Decimal("75.00"))
    url = reverse("admin:members_fitnessgoal_change", args=[goal.pk])
    data = _form_data(admin_client.get(url))

    data["target_value"] = "0"
    refused = admin_client.post(url, data)
    data["target_value"] = "74.00"
    saved = admin_client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors
    assert saved.status_code == 302
    goal.refresh_from_db()
    assert goal.target_value == Decimal("74.00")


@pytest.mark.django_db
def test_deactivate_action_goes_through_the_service(admin_client):
    active = FitnessGoalFactory()
    inactive = FitnessGoalFactory(is_active=False)

    response = admin_client.post(
        reverse("admin:members_fitnessgoal_changelist"),
        {"action": "deactivate", "_selected_action": [active.pk, inactive.pk]},
        follow=True,
    )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert "1 goal(s) deactivated." in shown
    assert "1 goal(s) were already inactive." in shown
    assert not FitnessGoal.objects.filter(is_active=True).exists()


@pytest.mark.django_db
def test_health_metric_change_page_is_view_only(admin_client):
    metric = HealthMetricFactory(weight=Decimal("80.0"))
    url = reverse("admin:members_healthmetric_change", args=[metric.pk])

    page = admin_client.get(url)
    attempt = admin_client.post(url, {"weight": "90.0"})
    delete = admin_client.get(reverse("admin:members_healthmetric_delete", args=[metric.pk]))

    assert page.status_code == 200
    assert "80.0" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert attempt.status_code == 403
    assert delete.status_code == 403
    metric.refresh_from_db()
    assert metric.weight == Decimal("80.0")


def _metric_post(member: Member, when: datetime.datetime, **values) -> dict:
    local = timezone.localtime(when)
    return {
        "member": member.pk,
        "recorded_at_0": local.strftime("%Y-%m-%d"),
        "recorded_at_1": local.strftime("%H:%M:%S"),
        "weight": "",
        "heart_rate": "",
        "body_fat": "",
        **values,
    }


@pytest.mark.django_db
def test_health_metric_add_records_through_the_service(admin_client):
    member = MemberFactory(date_of_birth=datetime.date(1990, 1, 1))
    when = (timezone.now() - datetime.timedelta(days=2)).replace(microsecond=0)

    response = admin_client.post(reverse("admin:members_healthmetric_add"), _metric_post(member, when, weight="71.4"))

    assert response.status_code == 302
    metric = HealthMetric.objects.get()
    assert (metric.member, metric.weight, metric.recorded_at) == (member, Decimal("71.4"), when)
    member.refresh_from_db()
    assert member.last_metric_at == when


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "offset", "message"),
    [
        ({}, datetime.timedelta(days=-1), services.METRIC_EMPTY),
        ({"weight": "500"}, datetime.timedelta(days=-1), services.WEIGHT_OUT_OF_RANGE),
        ({"heart_rate": "20"}, datetime.timedelta(days=-1), services.HEART_RATE_OUT_OF_RANGE),
        ({"weight": "70"}, datetime.timedelta(days=2), services.METRIC_TIME_FUTURE),
    ],
)
def test_health_metric_add_shows_a_broken_rule_as_one_form_error(admin_client, values, offset, message):
    member = MemberFactory()

    response = admin_client.post(
        reverse("admin:members_healthmetric_add"), _metric_post(member, timezone.now() + offset, **values)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [message]
    assert not HealthMetric.objects.exists()


@pytest.mark.django_db
def test_member_add_through_the_admin_links_an_existing_user(admin_client):
    from clubsite.accounts.tests.factories import UserFactory

    user = UserFactory()
    now = timezone.localtime()

    response = admin_client.post(
        reverse("admin:members_member_add"),
        {
            "user": user.pk,
            "date_of_birth": "1991-02-03",
            "gender": Member.Gender.MALE,
            "phone": "",
            "created_at_0": now.strftime("%Y-%m-%d"),
            "created_at_1": now.strftime("%H:%M:%S"),
            "goals-TOTAL_FORMS": "0",
            "goals-INITIAL_FORMS": "0",
            "metrics-TOTAL_FORMS": "0",
            "metrics-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Member.objects.get().user == user
