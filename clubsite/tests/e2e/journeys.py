"""Steps the browser journeys share: signing in as a person does, reading the messages shown."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from clubsite.accounts.tests.factories import DEMO_PASSWORD


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
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
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def table_overflow(page: Page) -> int:
    """How many pixels of an admin list's results table hide past its box's right edge (0: every column shows)."""
    return page.evaluate(
        """() => {
            const box = document.querySelector('#changelist .results');
            return box.scrollWidth - box.clientWidth;
        }"""
    )
