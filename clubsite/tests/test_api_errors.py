"""Every refusal of the API is an RFC 9457 problem document (application/problem+json) with the club's code and
field: 400 malformed, 401 no or dead credentials, 403 wrong role, 404 no such thing (or not yours), 409 a
conflict, 413 a body over 1 MB, 422 values that do not fit (one entry per field), 429 too fast (Retry-After).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from clubsite.accounts.models import AccessToken
from clubsite.accounts.services import token_create, token_revoke
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import staff_user
from members.models import FitnessGoal
from members.tests.factories import FitnessGoalFactory
from operations.models import ClassRegistration
from operations.tests.factories import GroupClassFactory, local_time

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code", "field", "errors"}

pytestmark = pytest.mark.django_db


def problem_of(response, status: int, code: str | None = None) -> dict:
    """The response's problem document, checked: the status, the media type and RFC 9457's members."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert PROBLEM_MEMBERS <= set(problem), problem
    assert problem["status"] == status
    assert problem["type"] == f"urn:clubsite:problem:{problem['code']}"
    assert problem["title"] and problem["detail"]
    if code is not None:
        assert problem["code"] == code, problem
    return problem


def test_malformed_json_is_400(member):
    response = ApiClient(member.user).post("/member/goals", '{"goal_type": "lose_weight", ')

    problem = problem_of(response, 400, "malformed")
    assert FitnessGoal.objects.count() == 0
    assert problem["field"] is None


def test_without_credentials_it_is_401_with_a_challenge():
    response = ApiClient().get("/member/profile")

    problem_of(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["cs_nope_nope", "not a token", "cs_0123456789ab_wrongsecret"])
def test_a_token_that_is_not_one_is_401(token):
    problem_of(ApiClient(token=token).get("/member/profile"), 401, "not_authenticated")


def test_a_revoked_token_is_401_from_the_next_request_on(member):
    made, raw = token_create(user=member.user, name="phone")
    api = ApiClient(token=raw)
    assert api.get("/member/profile").status_code == 200

    token_revoke(token=made)

    problem_of(api.get("/member/profile"), 401, "not_authenticated")


def test_an_expired_token_is_401(member, time_machine):
    _token, raw = token_create(user=member.user, name="phone", expires_at=timezone.now() + datetime.timedelta(hours=1))
    api = ApiClient(token=raw)
    assert api.get("/member/profile").status_code == 200

    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))

    problem_of(api.get("/member/profile"), 401, "not_authenticated")
    assert AccessToken.objects.get().is_active is False


def test_a_deactivated_users_token_is_401(member):
    _token, raw = token_create(user=member.user, name="phone")
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])

    problem_of(ApiClient(token=raw).get("/member/profile"), 401, "not_authenticated")


def test_the_wrong_role_is_403(trainer, member):
    problem = problem_of(ApiClient(trainer.user).get("/member/profile"), 403, "forbidden")
    assert "members" in problem["detail"]
    problem_of(ApiClient(member.user).get("/trainer/schedule"), 403, "forbidden")


def test_a_session_write_without_csrf_is_403(member):
    api = ApiClient(member.user, session=True)
    api.headers.pop("X-CSRFToken")

    problem_of(api.post("/member/goals", {"goal_type": "other", "target_value": "5", "unit": "km"}), 403, "csrf_failed")
    assert FitnessGoal.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/no-such-thing", "/api/v2/member/profile"])
def test_an_unknown_path_is_404(member, path):
    problem_of(ApiClient(member.user).get(path), 404, "not_found")


def test_another_members_object_is_404_and_left_alone(member, other_member):
    goal = FitnessGoalFactory(member=other_member)

    problem_of(ApiClient(member.user).post(f"/member/goals/{goal.pk}/deactivate"), 404, "not_found")

    goal.refresh_from_db()
    assert goal.is_active is True


def test_a_conflict_is_409_with_the_services_code(member):
    group_class = GroupClassFactory(booking__start_time=local_time(days=2, hour=18))
    api = ApiClient(member.user)
    assert api.post(f"/member/classes/{group_class.pk}/registration").status_code == 201

    problem = problem_of(api.post(f"/member/classes/{group_class.pk}/registration"), 409)

    assert problem["code"] == problem["errors"][0]["code"]
    assert problem["detail"] == problem["errors"][0]["message"]
    assert ClassRegistration.objects.filter(member=member, group_class=group_class).count() == 1


def test_a_body_over_one_megabyte_is_413_and_never_read(member):
    body = '{"goal_type": "other", "target_value": "5", "unit": "' + "k" * 1_000_001 + '"}'

    problem = problem_of(ApiClient(member.user).post("/member/goals", body), 413, "body_too_large")

    assert "1 MB" in problem["detail"]
    assert FitnessGoal.objects.count() == 0


def test_values_that_do_not_fit_the_schema_are_422_with_one_entry_per_field(member):
    response = ApiClient(member.user).post("/member/goals", {"target_value": "lots", "unit": "kg"})

    problem = problem_of(response, 422, "invalid")
    fields = {entry["field"]: entry for entry in problem["errors"]}
    assert set(fields) == {"goal_type", "target_value"}, problem["errors"]
    assert all(entry["code"] and entry["message"] for entry in problem["errors"])
    assert problem["field"] == problem["errors"][0]["field"]
    assert FitnessGoal.objects.count() == 0


def test_a_refused_value_is_422_with_the_services_code_and_field(member):
    response = ApiClient(member.user).post(
        "/member/goals", {"goal_type": "lose_weight", "target_value": "5", "unit": "kg", "target_date": "2001-01-01"}
    )

    problem = problem_of(response, 422)
    assert problem["field"] == "target_date"
    assert problem["errors"] == [{"field": "target_date", "code": problem["code"], "message": problem["detail"]}]


@pytest.fixture
def slow_api(settings):
    settings.CLUB_API_RATE = "3/min"
    settings.CLUB_API_ANON_RATE = "2/min"
    cache.clear()
    yield
    cache.clear()


def test_too_many_calls_are_429_with_retry_after(member, slow_api):
    api = ApiClient(member.user)
    assert [api.get("/member/profile").status_code for _ in range(3)] == [200, 200, 200]

    response = api.get("/member/profile")

    problem = problem_of(response, 429, "throttled")
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    assert f"{wait} seconds" in problem["detail"]
    # The limit is per person: another member is not slowed down by this one.
    assert ApiClient(FitnessGoalFactory().member.user).get("/member/profile").status_code == 200


def test_calls_without_credentials_are_throttled_per_address(slow_api):
    api = ApiClient()
    assert [api.post("/signup", {}).status_code for _ in range(2)] == [422, 422]

    response = api.post("/signup", {})

    problem_of(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_an_enormous_amount_is_422_not_a_server_error():
    # Found by Schemathesis: a fee of 1e136 once reached Decimal.quantize and raised InvalidOperation (a 500).
    manager = staff_user("manager")

    response = ApiClient(manager).post("/staff/billing/plans", {"name": "Huge", "monthly_fee": -2.3e136})

    problem = problem_of(response, 422)
    assert problem["field"] == "monthly_fee"
