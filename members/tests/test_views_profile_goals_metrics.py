"""Member portal: the profile, fitness goals and health metrics pages, their successes and refusals."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing import messages_of
from clubsite.testing.portal import field_errors, form_errors
from members.errors import MemberError
from members.models import FitnessGoal, HealthMetric
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory

# -- profile ------------------------------------------------------------------------------------


def _profile(**changes):
    data = {
        "first_name": "Annie",
        "last_name": "Archer-Smith",
        "date_of_birth": "1990-04-01",
        "gender": "female",
        "phone": "+44 20 7946 0000",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_profile_shows_the_current_details(member_client, member):
    response = member_client.get(reverse("members:profile"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["first_name"] == "Ann"
    assert form.initial["date_of_birth"] == member.date_of_birth
    assert member.user.email in response.content.decode()
    assert reverse("accounts:password-change") in response.content.decode()


@pytest.mark.django_db
def test_profile_saves_through_the_service(member_client, member):
    response = member_client.post(reverse("members:profile"), _profile(), follow=True)

    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.last_name) == ("Annie", "Archer-Smith")
    assert (member.date_of_birth, member.gender, member.phone) == (
        datetime.date(1990, 4, 1),
        "female",
        "+44 20 7946 0000",
    )
    assert messages_of(response) == ["Your details have been saved."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "call me"}, "phone", MemberError.messages["phone_invalid"].text),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", MemberError.messages["birth_date_future"].text),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", MemberError.messages["age_out_of_range"].text),
        ({"first_name": "   "}, "first_name", "This field is required."),
    ],
)
def test_profile_refusals_show_on_the_field_and_keep_what_was_typed(member_client, member, changes, field, message):
    before = (member.phone, member.date_of_birth)

    response = member_client.post(reverse("members:profile"), _profile(**changes))

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert response.context["form"].data["last_name"] == "Archer-Smith"
    member.refresh_from_db()
    assert (member.phone, member.date_of_birth) == before


# -- goals --------------------------------------------------------------------------------------


def _goal(**changes):
    data = {"goal_type": "lose_weight", "target_value": "72.5", "unit": "kg", "target_date": ""}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_member_adds_a_goal(member_client, member):
    by = timezone.localdate() + datetime.timedelta(days=60)

    response = member_client.post(reverse("members:goal-create"), _goal(target_date=by.isoformat()), follow=True)

    goal = FitnessGoal.objects.get(member=member)
    assert (goal.goal_type, goal.target_value, goal.unit, goal.target_date, goal.is_active) == (
        "lose_weight",
        Decimal("72.50"),
        "kg",
        by,
        True,
    )
    assert response.redirect_chain[-1][0] == reverse("members:goals")
    assert messages_of(response) == [f"Goal set: {goal}."]


@pytest.mark.django_db
def test_a_goal_without_a_target_date(member_client, member):
    member_client.post(reverse("members:goal-create"), _goal())

    assert FitnessGoal.objects.get(member=member).target_date is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target_value": "0"}, "target_value", MemberError.messages["goal_target_invalid"].text),
        ({"target_value": "-3"}, "target_value", MemberError.messages["goal_target_invalid"].text),
        ({"target_value": "1e50"}, "target_value", MemberError.messages["goal_target_invalid"].text),
        ({"unit": "kilograms-per-week"}, "unit", MemberError.messages["goal_unit_too_long"].text),
        ({"target_date": "2000-01-01"}, "target_date", MemberError.messages["goal_date_past"].text),
        ({"target_date": "2099-01-01"}, "target_date", MemberError.messages["goal_date_too_far"].text),
        ({"goal_type": "fly"}, "goal_type", "Select a valid choice. fly is not one of the available choices."),
    ],
)
def test_goal_refusals_show_on_the_field(member_client, member, changes, field, message):
    response = member_client.post(reverse("members:goal-create"), _goal(**changes))

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert not FitnessGoal.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_a_member_edits_a_goal(member_client, member):
    goal = FitnessGoalFactory(member=member)

    by = timezone.localdate() + datetime.timedelta(days=120)

    page = member_client.get(reverse("members:goal-update", args=[goal.pk]))
    response = member_client.post(
        reverse("members:goal-update", args=[goal.pk]), _goal(target_value="70", target_date=by.isoformat())
    )

    assert page.context["form"].initial["target_value"] == goal.target_value
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.target_value, goal.target_date) == (Decimal("70.00"), by)


@pytest.mark.django_db
def test_an_inactive_goal_cannot_be_edited(member_client, member):
    goal = FitnessGoalFactory(member=member, is_active=False)

    response = member_client.post(reverse("members:goal-update", args=[goal.pk]), _goal(target_value="70"))

    assert response.status_code == 200
    assert form_errors(response) == [MemberError.messages["goal_inactive"].text]
    goal.refresh_from_db()
    assert goal.target_value == Decimal("75.00")


@pytest.mark.django_db
def test_a_member_deactivates_a_goal_and_it_stays_in_the_list(member_client, member):
    goal = FitnessGoalFactory(member=member)

    confirm = member_client.get(reverse("members:goal-deactivate", args=[goal.pk]))
    response = member_client.post(reverse("members:goal-deactivate", args=[goal.pk]), follow=True)

    assert confirm.status_code == 200
    goal.refresh_from_db()
    assert goal.is_active is False
    assert [item.goal for item in response.context["goals"]] == [goal]
    assert "Inactive" in response.content.decode()


@pytest.mark.django_db
def test_deactivating_twice_says_so(member_client, member):
    goal = FitnessGoalFactory(member=member, is_active=False)

    response = member_client.post(reverse("members:goal-deactivate", args=[goal.pk]))

    assert response.status_code == 200
    assert form_errors(response) == [MemberError.messages["goal_already_inactive"].text]
    assert MemberError.messages["goal_already_inactive"].text in response.content.decode()


@pytest.mark.django_db
def test_goal_list_shows_progress_toward_the_target(member_client, member):
    created = timezone.now() - datetime.timedelta(days=30)
    HealthMetricFactory(member=member, weight=Decimal("80.0"), recorded_at=created - datetime.timedelta(days=1))
    HealthMetricFactory(member=member, weight=Decimal("77.0"), recorded_at=timezone.now())
    FitnessGoalFactory(member=member, target_value=Decimal("75"), unit="kg", created_at=created)

    response = member_client.get(reverse("members:goals"))

    [item] = response.context["goals"]
    assert (item.start_value, item.current_value, item.percent) == (Decimal("80.0"), Decimal("77.0"), 60)
    assert 'aria-valuenow="60"' in response.content.decode()
    assert "2.0 kg to go" in response.content.decode()


# -- health metrics -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_metric_form_defaults_to_now_on_the_club_clock(member_client):
    response = member_client.get(reverse("members:metric-create"))

    shown = datetime.datetime.strptime(response.context["form"].initial["recorded_at"], "%Y-%m-%dT%H:%M")
    now = timezone.localtime(timezone.now()).replace(tzinfo=None)
    assert abs(now - shown) < datetime.timedelta(minutes=2)
    assert 'type="datetime-local"' in response.content.decode()


@pytest.mark.django_db
def test_a_member_logs_a_measurement_now(member_client, member):
    response = member_client.post(
        reverse("members:metric-create"), {"weight": "81.25", "heart_rate": "", "body_fat": "", "recorded_at": ""}
    )

    assert response.status_code == 302
    metric = HealthMetric.objects.get(member=member)
    assert (metric.weight, metric.heart_rate, metric.body_fat) == (Decimal("81.3"), None, None)
    assert timezone.now() - metric.recorded_at < datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_a_member_back_dates_a_measurement_in_club_time(member_client, member):
    member_client.post(
        reverse("members:metric-create"),
        {"weight": "", "heart_rate": "62", "body_fat": "21.4", "recorded_at": "2024-07-01T07:30"},
    )

    metric = HealthMetric.objects.get(member=member)
    assert timezone.localtime(metric.recorded_at).strftime("%Y-%m-%d %H:%M") == "2024-07-01 07:30"
    assert (metric.heart_rate, metric.body_fat) == (62, Decimal("21.4"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"weight": "12"}, "weight", MemberError.messages["weight_out_of_range"].text),
        ({"weight": "401"}, "weight", MemberError.messages["weight_out_of_range"].text),
        ({"heart_rate": "300"}, "heart_rate", MemberError.messages["heart_rate_out_of_range"].text),
        ({"heart_rate": "10"}, "heart_rate", MemberError.messages["heart_rate_out_of_range"].text),
        ({"body_fat": "90"}, "body_fat", MemberError.messages["body_fat_out_of_range"].text),
        ({"weight": "heavy"}, "weight", "Enter a number."),
        # Too many digits to round used to escape the service as decimal.InvalidOperation (a 500).
        ({"weight": "1e400"}, "weight", MemberError.messages["weight_out_of_range"].text),
        ({"body_fat": "-1e99"}, "body_fat", MemberError.messages["body_fat_out_of_range"].text),
        (
            {"heart_rate": "99999999999999999999999999999999"},
            "heart_rate",
            MemberError.messages["heart_rate_out_of_range"].text,
        ),
        (
            {"weight": "80", "recorded_at": "2999-01-01T10:00"},
            "recorded_at",
            MemberError.messages["metric_time_future"].text,
        ),
        (
            {"weight": "80", "recorded_at": "1900-01-01T10:00"},
            "recorded_at",
            MemberError.messages["metric_time_before_birth"].text,
        ),
    ],
)
def test_bad_metric_values_are_refused_on_their_field(member_client, member, data, field, message):
    response = member_client.post(reverse("members:metric-create"), data)

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not HealthMetric.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_an_empty_measurement_is_refused_above_the_form(member_client, member):
    response = member_client.post(reverse("members:metric-create"), {"weight": "", "heart_rate": "", "body_fat": ""})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [MemberError.messages["metric_empty"].text]
    assert not HealthMetric.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_the_history_lists_every_entry_newest_first_in_pages(member_client, member):
    now = timezone.now()
    entries = [HealthMetricFactory(member=member, recorded_at=now - datetime.timedelta(days=day)) for day in range(25)]

    first = member_client.get(reverse("members:metrics"))
    second = member_client.get(reverse("members:metrics"), {"page": 2})
    beyond = member_client.get(reverse("members:metrics"), {"page": "99"})

    assert list(first.context["page_obj"]) == entries[:20]
    assert list(second.context["page_obj"]) == entries[20:]
    assert list(beyond.context["page_obj"]) == entries[20:]
    assert first.context["page_obj"].paginator.count == 25
    assert "?page=2" in first.content.decode()


@pytest.mark.django_db
def test_the_history_draws_weight_and_heart_rate_charts(member_client, member):
    now = timezone.now()
    nine_days_ago = now - datetime.timedelta(days=9)
    HealthMetricFactory(member=member, weight=Decimal("82.0"), heart_rate=70, recorded_at=nine_days_ago)
    HealthMetricFactory(member=member, weight=Decimal("80.5"), heart_rate=None, recorded_at=now)

    content = member_client.get(reverse("members:metrics")).content.decode()

    assert content.count("<svg") == 2
    assert "2 entries" in content and "first 82.0 kg, latest 80.5 kg" in content
    assert "1 entry" in content and "first 70 bpm, latest 70 bpm" in content


@pytest.mark.django_db
def test_the_history_without_entries_invites_a_first_one(member_client):
    response = member_client.get(reverse("members:metrics"))

    assert "<svg" not in response.content.decode()
    assert "No measurements yet." in response.content.decode()
