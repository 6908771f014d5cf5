"""The front desk in a real browser: staff type the demo member's name, pick the suggestion with the keyboard,
and see the status panel with the class starting in 20 minutes marked present; the member's card opens offline."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from billing.tests.factories import MembershipFactory, MembershipPlanFactory
from clubsite.core.clock import club_datetime, club_today
from clubsite.frontdesk.models import Visit
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.tests.factories import ClassRegistrationFactory

from .journeys import nav, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def midday():
    """Noon on the club's clock today (ticking): a class "in 20 minutes" is today's, whenever the suite runs."""
    with time_machine.travel(club_datetime(club_today(), datetime.time(12, 0)), tick=True):
        yield


def test_front_desk_checks_the_demo_member_in_by_name_and_the_class_is_marked_present(open_page, console, midday):
    morgan = MemberFactory(user__first_name="Morgan", user__last_name="Member", user__email="member@clubsite.test")
    MembershipFactory(
        member=morgan,
        plan=MembershipPlanFactory(name="Standard", monthly_fee=Decimal("39.00")),
        started_on=club_today() - datetime.timedelta(days=90),
    )
    start = timezone.now() + datetime.timedelta(minutes=20)
    seat = ClassRegistrationFactory(
        member=morgan,
        group_class__name="HIIT Blast",
        group_class__booking__start_time=start,
        group_class__booking__end_time=start + datetime.timedelta(minutes=45),
    )
    staff_user("front_desk", email="dee@clubsite.test", first_name="Dee", last_name="Desk")

    desk = open_page()
    desk.goto("/admin/desk/")
    desk.get_by_label("Email").fill("dee@clubsite.test")
    desk.get_by_label("Password").fill("correct-horse-battery")
    desk.get_by_role("button", name="Log in").click()

    box = desk.get_by_role("combobox", name="Scan a card, or type a member number or a name")
    expect(box).to_be_focused()
    box.press_sequentially("morgan mem", delay=40)
    suggestion = desk.get_by_role("option", name="Morgan Member")
    expect(suggestion).to_be_visible()
    box.press("ArrowDown")
    expect(suggestion).to_have_attribute("aria-selected", "true")
    box.press("Enter")

    status = desk.locator("#desk-status")
    expect(status).to_contain_text("Active: Standard")
    expect(status).to_contain_text("Nothing owed")
    expect(desk.locator(f"#desk-class-{seat.pk}")).to_contain_text("HIIT Blast")
    expect(desk.locator(f"#desk-class-{seat.pk}")).to_contain_text("marked present")
    expect(desk.get_by_role("combobox", name="Scan a card, or type a member number or a name")).to_have_value("")
    expect(desk.locator("#desk-arrivals")).to_contain_text("Morgan Member")
    visit = Visit.objects.get()
    assert (visit.member, visit.method) == (morgan, "name")
    seat.refresh_from_db()
    assert seat.status == ClassRegistration.Status.ATTENDED

    # The next person scans their card: the box takes the code and checks them in at once.
    desk.get_by_role("combobox", name="Scan a card, or type a member number or a name").fill(morgan.card_code)
    desk.keyboard.press("Enter")
    expect(desk.locator("#desk-repeated")).to_contain_text("the same visit")
    assert Visit.objects.count() == 1

    console.assert_clean()


def test_the_member_card_opens_offline_once_opened(open_page, console):
    MemberFactory(user__first_name="Morgan", user__last_name="Member", user__email="member@clubsite.test")

    phone = open_page()
    sign_in(phone, "member@clubsite.test")
    nav(phone, "My card").click()
    expect(phone.locator("#member-card-code svg")).to_be_visible()
    number = phone.locator("#member-card-number").inner_text()
    # The worker is installed and has kept the page (it does so just after the page has loaded).
    kept = phone.evaluate(
        """async () => {
          for (let tries = 0; tries < 50; tries++) {
            const cache = await caches.open("member-card-v1");
            if (await cache.match("/member/card/", {ignoreVary: true})) return true;
            await new Promise(resolve => setTimeout(resolve, 100));
          }
          return false;
        }"""
    )
    assert kept
    phone.context.set_offline(True)
    phone.reload()

    expect(phone.locator("#member-card-number")).to_have_text(number)
    expect(phone.locator("#member-card-code svg")).to_be_visible()
    phone.context.set_offline(False)
    console.assert_clean()
