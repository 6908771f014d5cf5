"""Two-factor sign-in in a real browser: a manager sets it up from the admin by reading the secret off the page
(as scanning the QR code would give it to an app), signs in with a code, with a recovery code that then cannot be
used again, and is paused after repeated wrong codes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from clubsite.accounts.errors import AccountError
from clubsite.accounts.tests.factories import DEMO_PASSWORD
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import code_from_secret, enrolled_device, fresh_code
from members.tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def password_step(page: Page, email: str, next_url: str = "") -> None:
    page.goto(f"/accounts/login/{'?next=' + next_url if next_url else ''}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", include_hidden=True).first.evaluate("button => button.click()")
    page.wait_for_url(re.compile(r"/$"))


def code_step(page: Page, code: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/login/code/"))
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Confirm").click()


def test_a_manager_sets_up_two_factor_then_signs_in_with_a_code_and_once_with_a_recovery_code(page):
    staff_user("manager", email="mia@clubsite.test", first_name="Mia", last_name="Manager")

    # The password is right, yet the back office does not open: the manager is sent to set it up.
    password_step(page, "mia@clubsite.test", "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("svg.two-factor-qr")).to_be_visible()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/\?next=%2Fadmin%2F$"))

    # "Scanning": the app is given the secret the page shows, and shows a code.
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code", exact=True).fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm and turn on").click()

    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    expect(page.get_by_role("link", name="Download as a text file")).to_have_attribute("download", "recovery-codes.txt")
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.locator("#site-name")).to_be_visible()  # the back office opens now

    # Next time: the password, then the code from the app.
    page.get_by_role("button", name="Log out").click()
    password_step(page, "mia@clubsite.test", "/admin/")
    device = enrolled_device(staff_user_of("mia@clubsite.test"))
    code_step(page, fresh_code(device))
    expect(page.locator("#site-name")).to_be_visible()

    # A lost phone: a recovery code signs in once.
    page.get_by_role("button", name="Log out").click()
    password_step(page, "mia@clubsite.test", "/admin/")
    code_step(page, codes[0])
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator(".messagelist")).to_contain_text("9 left")
    page.get_by_role("button", name="Log out").click()
    password_step(page, "mia@clubsite.test", "/admin/")
    code_step(page, codes[0])
    expect(page.locator("#id_code_error, .invalid-feedback")).to_contain_text(
        AccountError("two_factor_code_wrong").message
    )


def staff_user_of(email: str):
    from clubsite.accounts.models import User

    return User.objects.get(email=email)


def test_a_member_who_types_wrong_codes_is_paused_and_a_new_password_does_not_lift_it(page):
    member = MemberFactory(user__email="wes@clubsite.test", user__first_name="Wes", user__last_name="Wrong")
    device = enrolled_device(member.user)
    right = fresh_code(device)
    wrong = "000000" if right != "000000" else "111111"

    password_step(page, "wes@clubsite.test")
    for _ in range(4):
        code_step(page, wrong)
        expect(page.locator(".invalid-feedback")).to_contain_text(AccountError("two_factor_code_wrong").message)
    code_step(page, wrong)
    locked = AccountError("two_factor_locked", wait="5 minutes").message
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text(locked)

    password_step(page, "wes@clubsite.test")
    code_step(page, right)
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text(locked)
    page.goto("/member/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
