"""Two-factor sign-in over HTTP: the code step after the password, recovery codes, the lockout, enrolment, the
back office's gate for the roles that need it, and the staff API's token and session checks."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clubsite.accounts.errors import AccountError
from clubsite.accounts.roles import TWO_FACTOR_ROLES, two_factor_required
from clubsite.accounts.tests.factories import DEMO_PASSWORD, UserFactory
from clubsite.accounts.twofactor.services import recovery_codes_regenerate, second_factor_verify
from clubsite.testing.api import ApiClient
from clubsite.testing.roles import ROLES, staff_user
from clubsite.testing.twofactor import code_from_secret, enrol, fresh_code, sign_in
from members.tests.factories import MemberFactory
from operations.models import AdminStaff

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:two-factor-code")
ENROL = reverse("accounts:two-factor-enrol")
SECURITY = reverse("accounts:two-factor")


def text(code: str, **params) -> str:
    return AccountError(code, **params).message


def password_step(client: Client, user, next_url: str = "") -> object:
    data = {"username": user.email, "password": DEMO_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def verified(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def required_person(kind: str):
    if kind == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    return staff_user(kind)


# -- who must ----------------------------------------------------------------------------------------------------


def test_the_roles_that_need_a_second_factor_are_real_staff_roles():
    assert TWO_FACTOR_ROLES <= set(AdminStaff.Role.values)
    people = {role: staff_user(role) for role in ROLES}
    needs = {role: two_factor_required(type(user).objects.get(pk=user.pk)) for role, user in people.items()}
    assert needs == {"manager": True, "billing": True, "front_desk": False, "maintenance": False}
    assert two_factor_required(UserFactory(is_staff=True, is_superuser=True))
    assert not two_factor_required(MemberFactory().user)


# -- the code step -----------------------------------------------------------------------------------------------


def test_with_a_device_the_password_alone_signs_nobody_in_and_the_code_does(client):
    user = MemberFactory().user
    device = enrol(user)

    response = password_step(client, user, next_url="/member/profile/")

    assert response.status_code == 302 and response["Location"] == CODE
    assert "_auth_user_id" not in client.session  # not signed in yet
    assert client.get(SECURITY)["Location"].startswith(LOGIN)
    page = client.get(CODE)
    assert page.status_code == 200 and user.email in page.content.decode()

    wrong = client.post(CODE, {"code": "000000" if fresh_code(device) != "000000" else "111111"})
    assert text("two_factor_code_wrong") in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    done = client.post(CODE, {"code": fresh_code(device)})
    assert done.status_code == 302 and done["Location"] == "/member/profile/"
    assert int(client.session["_auth_user_id"]) == user.pk and verified(client)


def test_a_recovery_code_signs_in_once(client):
    user = MemberFactory().user
    enrol(user)
    codes = recovery_codes_regenerate(user=user)

    password_step(client, user)
    response = client.post(CODE, {"code": f"{codes[0][:4]}-{codes[0][4:].upper()}"}, follow=True)
    assert verified(client)
    assert "9 left" in response.content.decode()

    client.post(reverse("accounts:logout"))
    password_step(client, user)
    again = client.post(CODE, {"code": codes[0]})
    assert text("two_factor_code_wrong") in again.content.decode() and not verified(client)


def test_new_recovery_codes_end_the_old_ones():
    user = MemberFactory().user
    enrol(user)
    old = recovery_codes_regenerate(user=user)
    new = recovery_codes_regenerate(user=user)
    assert not set(old) & set(new) and len(new) == 10
    with pytest.raises(AccountError) as refused:
        second_factor_verify(user=user, code=old[1])
    assert refused.value.code == "two_factor_code_wrong"
    assert second_factor_verify(user=user, code=new[1])


def test_after_five_wrong_codes_the_code_step_pauses_even_for_the_right_code_and_a_new_password(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC), tick=False)
    user = MemberFactory().user
    device = enrol(user)
    right = fresh_code(device)
    wrong = "123456" if right != "123456" else "654321"

    password_step(client, user)
    for _ in range(4):
        assert text("two_factor_code_wrong") in client.post(CODE, {"code": wrong}).content.decode()
    fifth = client.post(CODE, {"code": wrong}).content.decode()
    assert text("two_factor_locked", wait="5 minutes") in fifth

    assert text("two_factor_locked", wait="5 minutes") in client.post(CODE, {"code": right}).content.decode()
    password_step(client, user)  # the password again does not lift it
    assert text("two_factor_locked", wait="5 minutes") in client.post(CODE, {"code": right}).content.decode()
    assert "_auth_user_id" not in client.session

    time_machine.move_to(datetime.datetime(2026, 11, 24, 9, 5, 1, tzinfo=datetime.UTC), tick=False)
    password_step(client, user)
    done = client.post(CODE, {"code": fresh_code(device)})
    assert done.status_code == 302 and verified(client)


def test_a_second_lockout_in_a_row_lasts_twice_as_long(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC), tick=False)
    user = MemberFactory().user
    enrol(user)
    for round_, wait in ((1, "5 minutes"), (2, "10 minutes")):
        for _attempt in range(5):
            with pytest.raises(AccountError) as refused:
                second_factor_verify(user=user, code="99999999")
        assert refused.value.code == "two_factor_locked" and refused.value.params == {"wait": wait}, round_
        time_machine.shift(datetime.timedelta(minutes=11))


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "two_factor_code_required"),
        ("not a code!", "two_factor_code_invalid"),
        ("1" * 100_000, "two_factor_code_invalid"),
        ("١٢٣٤٥٦", "two_factor_code_invalid"),  # Arabic-Indic digits are not the app's digits
    ],
)
def test_garbage_at_the_code_step_is_a_message_under_the_field(client, typed, code):
    user = MemberFactory().user
    enrol(user)
    password_step(client, user)

    response = client.post(CODE, {"code": typed})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [text(code)]


def test_a_nul_byte_at_the_code_step_is_refused_before_any_view(client):
    user = MemberFactory().user
    enrol(user)
    password_step(client, user)
    assert client.post(CODE, {"code": "12\x003456"}).status_code == 400


def test_the_code_step_without_a_password_step_sends_back_to_sign_in(client):
    response = client.get(CODE)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_the_code_step_reads_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = MemberFactory().user
    enrol(user)
    password_step(client, user)
    # The session, the waiting person.
    with django_assert_num_queries(2):
        assert client.get(CODE).status_code == 200


# -- enrolment ---------------------------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_secret_and_a_current_code_turns_it_on_with_ten_recovery_codes(client):
    user = MemberFactory().user
    client.force_login(user)

    page = client.get(ENROL)
    again = client.get(ENROL)
    secret = page.context["secret"]
    assert again.context["secret"] == secret  # the same device until confirmed
    body = page.content.decode()
    assert "<svg" in body and secret in body and "no-store" in page["Cache-Control"]

    refused = client.post(ENROL, {"code": "12345"})
    assert refused.context["form"].errors["code"] == [text("two_factor_code_invalid")]
    done = client.post(ENROL, {"code": code_from_secret(secret)})

    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert TOTPDevice.objects.get(user=user).confirmed and verified(client)
    assert done.context["codes"][0] in done.content.decode()
    assert "no-store" in done["Cache-Control"]
    # Shown once: the security page shows how many are left, never the codes.
    security = client.get(SECURITY).content.decode()
    assert "Recovery codes left: <strong>10</strong>" in security and done.context["codes"][0] not in security


def test_turning_it_off_needs_a_current_code(client):
    user = MemberFactory().user
    device = enrol(user)
    sign_in(client, user)
    turn_off = reverse("accounts:two-factor-disable")

    refused = client.post(turn_off, {"code": "nonsense!"})
    assert refused.context["form"].errors["code"] == [text("two_factor_code_invalid")]
    assert TOTPDevice.objects.filter(user=user).exists()

    assert client.post(turn_off, {"code": fresh_code(device)})["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=user).exists()
    fresh = Client()
    assert password_step(fresh, user)["Location"] != CODE and int(fresh.session["_auth_user_id"]) == user.pk


def test_every_portal_links_the_security_page(client):
    for user in (MemberFactory().user, staff_user("front_desk")):
        client.force_login(user)
        assert f'href="{SECURITY}"' in client.get(reverse("accounts:tokens")).content.decode()
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{SECURITY}"' in admin_page


# -- the back office ---------------------------------------------------------------------------------------------


def admin_addresses() -> list[str]:
    """The index, each registered model's list and add page, the desk and the billing runs."""
    addresses = [reverse("admin:index"), reverse("admin:password_change"), "/admin/desk/", "/admin/billing-runs/"]
    for model in admin.site._registry:
        for view in ("changelist", "add"):
            try:
                addresses.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"))
            except NoReverseMatch:
                pass
    return addresses


@pytest.mark.parametrize("kind", ["manager", "billing", "superuser"])
def test_a_required_role_without_a_second_factor_opens_no_admin_page_and_is_sent_to_set_it_up(client, kind):
    user = required_person(kind)
    client.force_login(user)

    for address in admin_addresses():
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(f"{ENROL}?next="), address


@pytest.mark.parametrize("kind", ["manager", "billing", "superuser"])
def test_with_a_device_but_an_unconfirmed_session_the_admin_sends_to_the_code_step_and_back(client, kind):
    user = required_person(kind)
    device = enrol(user)
    client.force_login(user)

    response = client.get(reverse("admin:billing_invoice_changelist"))
    assert response["Location"] == f"{CODE}?next=%2Fadmin%2Fbilling%2Finvoice%2F"
    done = client.post(CODE, {"code": fresh_code(device), "next": "/admin/billing/invoice/"})
    assert done["Location"] == "/admin/billing/invoice/"
    assert client.get("/admin/billing/invoice/").status_code == 200


def test_signing_in_as_a_required_role_without_a_device_leads_to_enrolment(client):
    user = staff_user("billing")
    response = password_step(client, user, next_url="/admin/")
    assert response["Location"] == f"{ENROL}?next=/admin/"


def test_the_admin_sign_in_page_goes_on_to_the_code_step(client):
    user = staff_user("manager")
    enrol(user)
    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": DEMO_PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == CODE and "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["front_desk", "maintenance"])
def test_an_optional_role_opens_the_admin_without_a_second_factor(client, role):
    client.force_login(staff_user(role))
    assert client.get(reverse("admin:index")).status_code == 200


def test_signing_out_of_the_admin_is_never_held_up(client):
    client.force_login(staff_user("manager"))
    assert client.post(reverse("admin:logout"))["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


# -- the staff API -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["manager", "billing", "superuser"])
def test_a_staff_token_of_a_required_role_works_only_once_enrolled(kind):
    from clubsite.accounts.services import token_create

    user = required_person(kind)
    _token, raw = token_create(user=user, name="script")
    api = ApiClient(token=raw)

    refused = api.get("/staff/members")
    assert refused.status_code == 403
    assert refused.json()["code"] == "two_factor_required"
    assert refused["Content-Type"] == "application/problem+json"

    enrol(user)
    assert api.get("/staff/members").status_code == 200


def test_an_optional_roles_token_needs_no_second_factor():
    assert ApiClient(staff_user("front_desk")).get("/staff/members").status_code == 200


def test_the_api_session_of_a_required_role_needs_a_verified_session():
    user = staff_user("manager")
    unverified = ApiClient(MemberFactory().user, session=True)  # a session with its CSRF token
    unverified.client.force_login(user)
    assert unverified.get("/staff/members").json()["code"] == "two_factor_required"
    enrol(user)
    assert unverified.get("/staff/members").json()["code"] == "two_factor_unverified"
    assert ApiClient(user, session=True).get("/staff/members").status_code == 200
