"""Signing up over the API: the sign-up page's password rules, then member_create and its refusals."""

import pytest
from django.core import mail

from clubsite.accounts.models import User
from clubsite.testing import open_account
from clubsite.testing.api import ApiClient
from clubsite.testing.jobs import run_jobs
from members.models import Member
from members.tests.api_access import API_ACCESS

NEW = {
    "email": "nina.new@example.com",
    "password": "a sturdy passphrase 42",
    "first_name": "Nina",
    "last_name": "New",
    "date_of_birth": "1992-03-04",
    "gender": "female",
    "phone": "07700 900123",
}


@pytest.mark.django_db
def test_an_anonymous_caller_signs_up_and_the_link_mailed_opens_the_account(client):
    response = ApiClient().post("/signup", NEW)

    assert response.status_code == 202, response.content
    assert response.json() == {"email": NEW["email"], "confirmation": "sent"}
    member = Member.objects.select_related("user").get(user__email="nina.new@example.com")
    assert member.user.check_password(NEW["password"])
    assert (member.gender, member.user.is_active) == ("female", False)

    open_account(client, NEW["email"])

    member.user.refresh_from_db()
    assert member.user.is_active


@pytest.mark.django_db
def test_a_signed_in_caller_may_sign_someone_up_too(member):
    response = ApiClient(member.user, session=True).post("/signup", NEW)

    assert response.status_code == 202, response.content
    assert Member.objects.filter(user__email=NEW["email"]).exists()


@pytest.mark.django_db
def test_an_email_with_an_account_gets_the_same_answer_and_its_owner_a_mail(member):
    taken = ApiClient().post("/signup", {**NEW, "email": member.user.email.upper()})
    fresh = ApiClient().post("/signup", NEW)

    assert taken.status_code == fresh.status_code == 202
    assert taken.json().keys() == fresh.json().keys() and taken.json()["confirmation"] == "sent"
    assert User.objects.filter(email__iexact=member.user.email).count() == 1
    run_jobs()
    assert [message.subject for message in mail.outbox if message.to == [member.user.email]] == [
        "Someone tried to sign up to Clubsite Health & Fitness with your address"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1", "password_too_short"),
        ("12345678901", "password_entirely_numeric"),
        ("password123", "password_too_common"),
        ("nina.new.example", "password_too_similar"),
    ],
)
def test_a_password_the_sign_up_page_refuses_is_422_on_password(password, code):
    response = ApiClient().post("/signup", {**NEW, "password": password})

    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "password"
    assert code in {entry["code"] for entry in problem["errors"]}
    assert {entry["field"] for entry in problem["errors"]} == {"password"}
    assert not User.objects.filter(email=NEW["email"]).exists()


@pytest.mark.django_db
def test_the_password_is_checked_before_the_email(member):
    # As on the sign-up page, whose form refuses the password before the service is asked.
    response = ApiClient().post("/signup", {**NEW, "email": member.user.email, "password": "short1"})

    assert (response.status_code, response.json()["field"]) == (422, "password")


@pytest.mark.django_db
def test_the_services_refusals_keep_their_code_and_field():
    response = ApiClient().post("/signup", {**NEW, "date_of_birth": "2020-01-01"})

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("age_out_of_range", "date_of_birth")
    assert not User.objects.filter(email=NEW["email"]).exists()


@pytest.mark.django_db
def test_a_missing_field_is_a_schema_problem():
    response = ApiClient().post("/signup", {key: value for key, value in NEW.items() if key != "email"})

    assert response.status_code == 422
    assert response.json()["field"] == "email"


def test_every_member_operation_has_an_access_entry():
    from clubsite.api.main import api

    schema = api.get_openapi_schema()
    operation_ids = {
        operation["operationId"]
        for path, operations in schema["paths"].items()
        if path.startswith(("/api/v1/member/", "/api/v1/signup", "/api/v1/plans", "/api/v1/class-packs"))
        # The member's privacy endpoints are clubsite.privacy's (its own tests/api_access.py).
        and not path.startswith("/api/v1/member/privacy/")
        for operation in operations.values()
    }
    assert operation_ids == set(API_ACCESS)


@pytest.mark.django_db
def test_every_wrong_field_of_a_sign_up_is_named_at_once(member):
    response = ApiClient().post(
        "/signup",
        {**NEW, "email": member.user.email.upper(), "password": "short1", "phone": "12", "date_of_birth": "2999-01-01"},
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "invalid"
    by_field = {(entry["field"], entry["code"]) for entry in problem["errors"]}
    assert {
        ("password", "password_too_short"),
        ("phone", "phone_invalid"),
        ("date_of_birth", "birth_date_future"),
    } <= by_field
    assert "email" not in {field for field, _code in by_field}
    assert User.objects.filter(email__iexact=member.user.email).count() == 1
