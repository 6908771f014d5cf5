import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clubsite.accounts.errors import AccountError
from clubsite.accounts.models import User
from clubsite.accounts.tests.factories import UserFactory
from clubsite.core.errors import ClubError
from clubsite.testing import sign_in
from members import services
from members.errors import MemberError
from members.models import FitnessGoal, HealthMetric, Member
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory

PASSWORD = "a-long-enough-secret"
# What accounts decides for every person (the email and the names); members decide the rest.
ACCOUNT_CODES = {"email_invalid", "email_taken", "name_required", "name_too_long"}


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        today -= datetime.timedelta(days=1)
    return today.replace(year=today.year - years)


def _sign_up(**overrides) -> Member:
    arguments = {
        "email": "ann@club.test",
        "password": PASSWORD,
        "first_name": "Ann",
        "last_name": "Lee",
        "date_of_birth": datetime.date(1990, 5, 17),
        "gender": Member.Gender.FEMALE,
        "phone": "+44 (0)7700 900-123",
        **overrides,
    }
    return services.member_create(**arguments)


def _assert_refused(call, code: str) -> ClubError:
    """The call is refused with ``code`` (a MemberError, or an AccountError for the email and the names)."""
    with pytest.raises(ClubError) as raised:
        call()
    assert raised.value.code == code
    assert type(raised.value) is (AccountError if code in ACCOUNT_CODES else MemberError)
    return raised.value


# -- member_create -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_member_create_signs_up_a_user_and_a_member_who_can_sign_in(client):
    member = _sign_up(email=" Ann@Club.test ", phone="  07700 900123 ")

    member.refresh_from_db()
    assert member.user.email == "Ann@club.test"
    assert member.full_name == "Ann Lee"
    assert member.date_of_birth == datetime.date(1990, 5, 17)
    assert member.gender == Member.Gender.FEMALE
    assert member.phone == "07700 900123"
    assert member.last_metric_at is None
    assert sign_in(client, email="ann@club.test", password=PASSWORD)


@pytest.mark.django_db
def test_member_create_accepts_no_phone():
    assert _sign_up(phone="").phone == ""


@pytest.mark.django_db
@pytest.mark.parametrize("years", [13, 120])
def test_member_create_accepts_the_age_limits(years):
    assert _sign_up(date_of_birth=_years_ago(years)).pk is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"email": "ann-at-club.test"}, "email_invalid"),
        ({"first_name": " "}, "name_required"),
        ({"last_name": "L" * 151}, "name_too_long"),
        ({"date_of_birth": None}, "birth_date_required"),
        ({"date_of_birth": "1990-05-17"}, "birth_date_required"),
        ({"date_of_birth": timezone.localdate() + datetime.timedelta(days=1)}, "birth_date_future"),
        ({"date_of_birth": _years_ago(13) + datetime.timedelta(days=1)}, "age_out_of_range"),
        ({"date_of_birth": _years_ago(121)}, "age_out_of_range"),
        ({"date_of_birth": datetime.date(1800, 1, 1)}, "age_out_of_range"),
        ({"gender": "robot"}, "gender_invalid"),
        ({"phone": "123456"}, "phone_invalid"),
        ({"phone": "1234567890123456"}, "phone_invalid"),
        ({"phone": "07700 900123 ext. 4"}, "phone_invalid"),
        ({"phone": "0770O 900123"}, "phone_invalid"),
        ({"phone": "1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6"}, "phone_invalid"),
        ({"phone": "0" + " " * 30 + "7700900"}, "phone_invalid"),
    ],
)
def test_member_create_refuses_bad_input_and_writes_nothing(overrides, code):
    _assert_refused(lambda: _sign_up(**overrides), code)

    assert not User.objects.exists()
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_member_create_refuses_a_taken_email_in_another_case_and_writes_nothing():
    _sign_up(email="Ann@club.test")

    _assert_refused(lambda: _sign_up(email="ann@CLUB.TEST", first_name="Other"), "email_taken")

    assert User.objects.count() == 1
    assert Member.objects.count() == 1


# -- member_update -------------------------------------------------------------------------------


def _update(**overrides):
    arguments = {
        "first_name": "Bea",
        "last_name": "Moss",
        "date_of_birth": datetime.date(1985, 1, 2),
        "gender": Member.Gender.OTHER,
        "phone": "020 7946 0000",
        **overrides,
    }
    return services.member_update(**arguments)


@pytest.mark.django_db
def test_member_update_changes_the_name_and_profile():
    member = MemberFactory()

    _update(member=member, first_name=" Bea ")

    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.last_name) == ("Bea", "Moss")
    assert member.date_of_birth == datetime.date(1985, 1, 2)
    assert member.gender == Member.Gender.OTHER
    assert member.phone == "020 7946 0000"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"member": None}, "member_required"),
        ({"last_name": ""}, "name_required"),
        ({"first_name": "B" * 151}, "name_too_long"),
        ({"date_of_birth": timezone.localdate() + datetime.timedelta(days=3)}, "birth_date_future"),
        ({"date_of_birth": _years_ago(5)}, "age_out_of_range"),
        ({"gender": ""}, "gender_invalid"),
        ({"phone": "call me"}, "phone_invalid"),
    ],
)
def test_member_update_refuses_bad_input_and_changes_nothing(overrides, code):
    member = MemberFactory(user__first_name="Ann", user__last_name="Lee", phone="07700 900123")
    before = (member.date_of_birth, member.gender)

    _assert_refused(lambda: _update(**{"member": member, **overrides}), code)

    member.refresh_from_db()
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.last_name, member.phone) == ("Ann", "Lee", "07700 900123")
    assert (member.date_of_birth, member.gender) == before


@pytest.mark.django_db
def test_member_update_of_a_deleted_member_says_so():
    member = MemberFactory()
    Member.objects.filter(pk=member.pk).delete()

    _assert_refused(lambda: _update(member=member), "member_not_found")


# -- goals ---------------------------------------------------------------------------------------


def _goal(**overrides):
    arguments = {
        "goal_type": FitnessGoal.GoalType.LOSE_WEIGHT,
        "target_value": Decimal("72.5"),
        "unit": "kg",
        "target_date": timezone.localdate() + datetime.timedelta(days=60),
        **overrides,
    }
    return services.goal_create(**arguments)


@pytest.mark.django_db
def test_goal_create_sets_an_active_goal():
    member = MemberFactory()

    goal = _goal(member=member, target_value="72.555", unit=" kg ")

    goal.refresh_from_db()
    assert goal.member == member
    assert goal.is_active
    assert goal.target_value == Decimal("72.56")
    assert goal.unit == "kg"


@pytest.mark.django_db
def test_goal_create_accepts_no_target_date_and_today():
    member = MemberFactory()

    assert _goal(member=member, target_date=None).target_date is None
    assert _goal(member=member, target_date=timezone.localdate()).target_date == timezone.localdate()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"member": None}, "member_required"),
        ({"goal_type": "fly"}, "goal_type_invalid"),
        ({"target_value": 0}, "goal_target_invalid"),
        ({"target_value": Decimal("-5")}, "goal_target_invalid"),
        ({"target_value": Decimal("0.001")}, "goal_target_invalid"),
        ({"target_value": Decimal("10000.01")}, "goal_target_invalid"),
        ({"target_value": Decimal("NaN")}, "goal_target_invalid"),
        ({"target_value": "Infinity"}, "goal_target_invalid"),
        ({"target_value": "lots"}, "goal_target_invalid"),
        ({"target_value": None}, "goal_target_invalid"),
        ({"target_value": True}, "goal_target_invalid"),
        ({"unit": "  "}, "goal_unit_required"),
        ({"unit": "k" * 17}, "goal_unit_too_long"),
        ({"target_date": timezone.localdate() - datetime.timedelta(days=1)}, "goal_date_past"),
        ({"target_date": timezone.localdate() + datetime.timedelta(days=3700)}, "goal_date_too_far"),
        ({"target_date": "2030-01-01"}, "goal_date_invalid"),
    ],
)
def test_goal_create_refuses_bad_input_and_writes_nothing(overrides, code):
    member = MemberFactory()

    _assert_refused(lambda: _goal(**{"member": member, **overrides}), code)

    assert not FitnessGoal.objects.exists()


def _update_goal(**overrides):
    arguments = {
        "goal_type": FitnessGoal.GoalType.GAIN_MUSCLE,
        "target_value": Decimal("80"),
        "unit": "kg",
        "target_date": timezone.localdate() + datetime.timedelta(days=30),
        **overrides,
    }
    return services.goal_update(**arguments)


@pytest.mark.django_db
def test_goal_update_changes_the_goal():
    goal = FitnessGoalFactory()

    _update_goal(goal=goal, target_date=None)

    goal.refresh_from_db()
    assert (goal.goal_type, goal.target_value, goal.unit, goal.target_date) == (
        FitnessGoal.GoalType.GAIN_MUSCLE,
        Decimal("80.00"),
        "kg",
        None,
    )


@pytest.mark.django_db
def test_goal_update_keeps_an_overdue_target_date_but_refuses_a_new_past_one():
    overdue = timezone.localdate() - datetime.timedelta(days=10)
    goal = FitnessGoalFactory(target_date=overdue)

    _update_goal(goal=goal, target_date=overdue, target_value=Decimal("70"))
    goal.refresh_from_db()
    assert (goal.target_value, goal.target_date) == (Decimal("70.00"), overdue)

    _assert_refused(lambda: _update_goal(goal=goal, target_date=overdue - datetime.timedelta(days=1)), "goal_date_past")
    goal.refresh_from_db()
    assert goal.target_date == overdue


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"goal": None}, "goal_required"),
        ({"goal_type": "nap"}, "goal_type_invalid"),
        ({"target_value": Decimal("-1")}, "goal_target_invalid"),
        ({"unit": ""}, "goal_unit_required"),
        ({"target_date": timezone.localdate() - datetime.timedelta(days=1)}, "goal_date_past"),
    ],
)
def test_goal_update_refuses_bad_input_and_changes_nothing(overrides, code):
    goal = FitnessGoalFactory(target_value=Decimal("75.00"), unit="kg")

    _assert_refused(lambda: _update_goal(**{"goal": goal, **overrides}), code)

    goal.refresh_from_db()
    assert (goal.goal_type, goal.target_value, goal.unit) == (FitnessGoal.GoalType.LOSE_WEIGHT, Decimal("75.00"), "kg")


@pytest.mark.django_db
def test_goal_update_refuses_an_inactive_goal():
    goal = FitnessGoalFactory(is_active=False, target_value=Decimal("75.00"))

    _assert_refused(lambda: _update_goal(goal=goal), "goal_inactive")

    goal.refresh_from_db()
    assert goal.target_value == Decimal("75.00")


@pytest.mark.django_db
def test_goal_update_of_a_deleted_goal_says_so():
    goal = FitnessGoalFactory()
    FitnessGoal.objects.filter(pk=goal.pk).delete()

    _assert_refused(lambda: _update_goal(goal=goal), "goal_not_found")


@pytest.mark.django_db
def test_goal_deactivate_retires_the_goal_once():
    goal = FitnessGoalFactory()

    services.goal_deactivate(goal=goal)

    goal.refresh_from_db()
    assert not goal.is_active
    _assert_refused(lambda: services.goal_deactivate(goal=goal), "goal_already_inactive")
    _assert_refused(lambda: services.goal_deactivate(goal=None), "goal_required")
    assert FitnessGoal.objects.count() == 1


# -- metric_record -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metric_record_appends_a_measurement_now_and_moves_last_metric_at():
    member = MemberFactory()
    before = timezone.now()

    metric = services.metric_record(member=member, weight="72.46", heart_rate=61, body_fat=Decimal("18.25"))

    metric.refresh_from_db()
    member.refresh_from_db()
    assert (metric.weight, metric.heart_rate, metric.body_fat) == (Decimal("72.5"), 61, Decimal("18.3"))
    assert before <= metric.recorded_at <= timezone.now()
    assert member.last_metric_at == metric.recorded_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"weight": Decimal("20")},
        {"weight": 400},
        {"heart_rate": 25},
        {"heart_rate": "250"},
        {"body_fat": 2},
        {"body_fat": Decimal("75.0")},
    ],
)
def test_metric_record_accepts_one_value_at_the_limits(values):
    metric = services.metric_record(member=MemberFactory(), **values)

    assert HealthMetric.objects.get() == metric


@pytest.mark.django_db
def test_metric_record_may_be_back_dated_and_a_minute_ahead():
    member = MemberFactory(date_of_birth=datetime.date(1990, 1, 1))
    back_dated = timezone.now() - datetime.timedelta(days=30)
    skewed = timezone.now() + datetime.timedelta(seconds=45)

    services.metric_record(member=member, weight=70, recorded_at=back_dated)
    services.metric_record(member=member, weight=71, recorded_at=skewed)

    assert set(HealthMetric.objects.values_list("recorded_at", flat=True)) == {back_dated, skewed}


@pytest.mark.django_db
def test_metric_record_reads_a_naive_time_on_the_club_clock():
    member = MemberFactory(date_of_birth=datetime.date(1990, 1, 1))

    metric = services.metric_record(member=member, weight=70, recorded_at=datetime.datetime(2024, 7, 1, 9, 30))

    assert timezone.localtime(metric.recorded_at).replace(tzinfo=None) == datetime.datetime(2024, 7, 1, 9, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({}, "metric_empty"),
        ({"weight": None, "heart_rate": "", "body_fat": None}, "metric_empty"),
        ({"weight": Decimal("19.9")}, "weight_out_of_range"),
        ({"weight": 401}, "weight_out_of_range"),
        ({"weight": -70}, "weight_out_of_range"),
        ({"weight": "heavy"}, "weight_out_of_range"),
        ({"weight": Decimal("Infinity")}, "weight_out_of_range"),
        ({"heart_rate": 24}, "heart_rate_out_of_range"),
        ({"heart_rate": 251}, "heart_rate_out_of_range"),
        ({"heart_rate": Decimal("60.5")}, "heart_rate_out_of_range"),
        ({"heart_rate": True}, "heart_rate_out_of_range"),
        ({"body_fat": Decimal("1.9")}, "body_fat_out_of_range"),
        ({"body_fat": 76}, "body_fat_out_of_range"),
        ({"weight": 70, "body_fat": 90}, "body_fat_out_of_range"),
        ({"weight": 70, "recorded_at": "yesterday"}, "metric_time_invalid"),
    ],
)
def test_metric_record_refuses_bad_values_and_writes_nothing(values, code):
    member = MemberFactory()

    _assert_refused(lambda: services.metric_record(member=member, **values), code)

    assert not HealthMetric.objects.exists()
    member.refresh_from_db()
    assert member.last_metric_at is None


@pytest.mark.django_db
def test_metric_record_refuses_the_future_and_before_birth_and_no_member():
    member = MemberFactory(date_of_birth=datetime.date(1990, 6, 1))
    future = timezone.now() + datetime.timedelta(minutes=2)
    before_birth = timezone.make_aware(datetime.datetime(1990, 5, 31, 23, 0))

    _assert_refused(lambda: services.metric_record(member=member, weight=70, recorded_at=future), "metric_time_future")
    _assert_refused(
        lambda: services.metric_record(member=member, weight=70, recorded_at=before_birth),
        "metric_time_before_birth",
    )
    _assert_refused(lambda: services.metric_record(member=None, weight=70), "member_required")

    assert not HealthMetric.objects.exists()
    # The day of birth itself is fine.
    services.metric_record(member=member, weight=70, recorded_at=before_birth + datetime.timedelta(hours=2))
    assert HealthMetric.objects.count() == 1


@pytest.mark.django_db
def test_metric_record_turns_a_database_refusal_into_the_code(monkeypatch):
    member = MemberFactory()
    # Skip the service's own range check to prove the CHECK constraint is mapped, not shown raw.
    monkeypatch.setattr(
        services, "_decimal_in", lambda value, bounds, *, places, code: None if value is None else Decimal(value)
    )

    _assert_refused(lambda: services.metric_record(member=member, weight="500"), "weight_out_of_range")

    assert not HealthMetric.objects.exists()


@pytest.mark.django_db
def test_the_service_messages_name_the_database_limits():
    assert MemberError("weight_out_of_range").message == "Weight must be a number between 20 and 400 kg."
    assert MemberError("heart_rate_out_of_range").message == "Heart rate must be a whole number between 25 and 250 bpm."
    assert MemberError("body_fat_out_of_range").message == "Body fat must be a number between 2 and 75 %."


def test_every_refusal_names_the_field_a_person_would_correct():
    assert MemberError("phone_invalid").field == "phone"
    assert MemberError("age_out_of_range").field == "date_of_birth"
    assert MemberError("goal_target_invalid").field == "target_value"
    assert MemberError("metric_time_future").field == "recorded_at"
    assert MemberError("metric_empty").field is None


@pytest.mark.django_db
def test_a_member_with_metrics_has_its_history_untouched_by_a_refused_entry():
    member = MemberFactory()
    HealthMetricFactory(member=member, recorded_at=timezone.now() - datetime.timedelta(days=1))
    member.refresh_from_db()
    last = member.last_metric_at

    _assert_refused(lambda: services.metric_record(member=member, heart_rate=300), "heart_rate_out_of_range")

    member.refresh_from_db()
    assert member.last_metric_at == last
    assert HealthMetric.objects.count() == 1


@pytest.mark.django_db
def test_an_unsaved_member_is_refused():
    user = UserFactory()

    _assert_refused(lambda: services.metric_record(member=Member(user=user), weight=70), "member_required")

    assert not Member.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_racing_for_one_email_leave_one_member_and_no_orphan_user():
    from clubsite.testing.races import race

    for round_number in range(3):
        emails = [f"Twin{round_number}@club.test", f"twin{round_number}@CLUB.test"]

        outcome = race(lambda i, emails=emails: _sign_up(email=emails[i], first_name=f"Twin{i}"), workers=2)

        assert len(outcome.results) == 1, outcome.errors
        assert [type(error) for error in outcome.errors] == [AccountError]
        assert outcome.errors[0].code == "email_taken"

    assert Member.objects.count() == 3
    assert User.objects.count() == 3
    assert not User.objects.filter(member__isnull=True).exists()
