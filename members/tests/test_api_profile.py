"""The member's profile over the API: the same service, and the same refusals, as the profile page."""

from __future__ import annotations

import pytest

from clubsite.testing.api import ApiClient
from members.models import Member


@pytest.mark.django_db
def test_a_member_reads_their_profile(member: Member, django_assert_max_num_queries):
    api = ApiClient(member.user)

    with django_assert_max_num_queries(3):  # the token, its last use, the member
        response = api.get("/member/profile")

    assert response.status_code == 200
    assert response.json()["email"] == member.user.email
    assert response.json()["date_of_birth"] == "1990-05-01"


@pytest.mark.django_db
@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
def test_a_member_changes_their_profile(member: Member, session: bool):
    api = ApiClient(member.user, session=session)

    response = api.put(
        "/member/profile",
        {"first_name": "Anne", "last_name": "Archer", "date_of_birth": "1990-05-01", "gender": member.gender},
    )

    assert response.status_code == 200, response.content
    member.user.refresh_from_db()
    assert member.user.first_name == "Anne"


@pytest.mark.django_db
def test_a_refused_change_is_a_problem_document_with_the_code_and_field(member: Member):
    response = ApiClient(member.user).put(
        "/member/profile",
        {"first_name": "Anne", "last_name": "Archer", "date_of_birth": "1990-05-01", "gender": "x", "phone": "12"},
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["field"], problem["status"]) == ("gender_invalid", "gender", 422)
    member.user.refresh_from_db()
    assert member.user.first_name == "Ann"


@pytest.mark.django_db
def test_a_session_write_without_the_csrf_token_is_refused(member: Member):
    api = ApiClient(member.user, session=True)
    api.headers.pop("X-CSRFToken")

    response = api.put("/member/profile", {"first_name": "X"})

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.django_db
def test_without_credentials_the_profile_is_401_and_for_a_trainer_403(trainer):
    assert ApiClient().get("/member/profile").status_code == 401
    assert ApiClient(trainer.user).get("/member/profile").status_code == 403


@pytest.mark.django_db
def test_a_wrong_role_is_refused_before_its_body_is_read(trainer):
    response = ApiClient(trainer.user).put("/member/profile", "not json at all")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
