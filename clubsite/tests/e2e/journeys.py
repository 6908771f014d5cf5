"""Steps the browser journeys share: signing in as a person does, reading the messages shown."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from clubsite.accounts.models import User
from clubsite.accounts.roles import two_factor_required
from clubsite.accounts.tests.factories import DEMO_PASSWORD
from clubsite.testing import sign_up_link
from clubsite.testing.jobs import run_jobs
from clubsite.testing.twofactor import enrolled_device, fresh_code


def second_factor(email: str):
    """The authenticator device of whoever signs in with ``email``: made for a person who must use two-factor
    sign-in and has none yet (as if they had enrolled before), None for anyone else without one."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return None
    if two_factor_required(user):
        return enrolled_device(user)
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def type_code(page: Page, device) -> None:
    """The code step: the code an authenticator app given the device's key shows now."""
    page.wait_for_url("**/accounts/login/code/**")
    page.get_by_label("Code", exact=True).fill(fresh_code(device))
    page.get_by_role("button", name="Confirm").click()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    device = second_factor(email)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        type_code(page, device)
    # Signed in: sent on to the person's portal (the header's sign-out button is folded away on a phone).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_be_attached()


def nav(page: Page, name: str):
    """A link of the site's header menu."""
    return page.locator("#main-nav").get_by_role("link", name=name, exact=True)


def expect_message(page: Page, text: str | re.Pattern) -> None:
    """A Django message (success, info or error) is shown at the top of the page."""
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def club_day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def local_input(day: datetime.date, hour: int, minute: int = 0) -> str:
    """What a person types into a datetime-local field (club time)."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def sign_in_to_the_admin(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    device = second_factor(email)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        type_code(page, device)
    expect(page.locator("#site-name")).to_be_visible()


def table_overflow(page: Page) -> int:
    """How many pixels of an admin list's results table hide past its box's right edge (0: every column shows)."""
    return page.evaluate(
        """() => {
            const box = document.querySelector('#changelist .results');
            return box.scrollWidth - box.clientWidth;
        }"""
    )


def open_account(page: Page, email: str) -> None:
    """After signing up: the worker sends the sign-up mail; the person follows its link and opens the account."""
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    run_jobs()
    page.goto(sign_up_link(email))
    page.get_by_role("button", name="Open my account").click()
