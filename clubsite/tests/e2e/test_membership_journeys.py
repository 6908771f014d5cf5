"""Memberships in a real browser: a visitor joins with a plan from the plans page, a member freezes two weeks and
sees the lower bill, and a member buys a class pack and books with a credit."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import CreditPack, Invoice, MembershipFreeze, MembershipPlan
from billing.tests.factories import ClassPackFactory, MembershipFactory, MembershipPlanFactory
from clubsite.core.clock import club_today
from members.models import Member
from members.portal.plans import first_invoice, freeze_month_changes
from members.templatetags.member_tags import money
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.tests.factories import GroupClassFactory, RoomFactory, local_time

from .journeys import expect_message, nav, open_account, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def gold() -> MembershipPlan:
    return MembershipPlanFactory(
        name="Gold",
        monthly_fee=Decimal("45.00"),
        joining_fee=Decimal("20.00"),
        classes=MembershipPlan.Classes.UNLIMITED,
        minimum_term_months=12,
        notice_months=1,
    )


def test_a_visitor_picks_a_plan_signs_up_and_sees_the_first_invoice(page, console):
    plan = gold()
    MembershipPlanFactory(name="Gym", monthly_fee=Decimal("25.00"))
    expected = first_invoice(plan, club_today())

    page.goto("/")
    page.locator("#main-nav").get_by_role("link", name="Plans").click()
    gold_card = page.locator(".plan-card").filter(has_text="Gold")
    expect(gold_card).to_contain_text("Unlimited classes")
    expect(gold_card).to_contain_text("Minimum term 12 months")
    expect(gold_card).to_contain_text(f"Joining today: {money(expected.total)}")
    gold_card.get_by_role("link", name="Join with this plan (Gold)").click()

    # The plan chosen on the plans page is chosen here, with its first invoice shown before signing up.
    expect(page.get_by_label("Gold · £45.00 a month")).to_be_checked()
    expect(page.locator(".plan-option").filter(has_text="Gold")).to_contain_text(money(expected.total))
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Last name").fill("Quist")
    page.get_by_label("Email").fill("nora@example.test")
    page.locator("#id_password1").fill("a long and unusual phrase")
    page.locator("#id_password2").fill("a long and unusual phrase")
    page.get_by_label("Date of birth").fill("1990-04-12")
    page.get_by_role("button", name="Sign up").click()
    open_account(page, "nora@example.test")

    expect_message(page, re.compile(r"Welcome to the club, Nora! Here is your first invoice: the joining fee and"))
    expect(page.get_by_role("cell", name="Joining fee — Gold")).to_be_visible()
    expect(page.get_by_role("cell", name=expected.lines[1].description)).to_be_visible()
    expect(page.locator("#invoice-total")).to_have_text(money(expected.total))
    member = Member.objects.get(user__email="nora@example.test")
    assert Invoice.objects.get(member=member).status == Invoice.Status.ISSUED

    console.assert_clean()


def test_a_member_freezes_two_weeks_sees_the_lower_charge_and_the_freeze_listed(page, console):
    ann = MemberFactory(user__first_name="Ann", user__email="ann@clubsite.test")
    membership = MembershipFactory(member=ann, plan=gold(), started_on=club_today() - datetime.timedelta(days=90))
    starts_on = club_today() + datetime.timedelta(days=3)
    ends_on = starts_on + datetime.timedelta(days=13)
    [first_month, *_] = freeze_month_changes(membership, [], starts_on, ends_on)

    sign_in(page, "ann@clubsite.test")
    nav(page, "Membership").click()
    expect(page.get_by_role("heading", name="Gold · £45.00 a month")).to_be_visible()
    page.get_by_role("link", name="Freeze", exact=True).click()
    page.get_by_label("First frozen day").fill(starts_on.isoformat())
    page.get_by_label("Last frozen day").fill(ends_on.isoformat())
    page.get_by_label("Reason").fill("Travelling")
    page.get_by_role("button", name="Check the dates").click()

    preview = page.locator(".freeze-preview")
    expect(preview).to_contain_text("14 days frozen")
    expect(preview).to_contain_text(
        f"{first_month.month:%B %Y}: {money(first_month.before.amount)} → {money(first_month.after.amount)}"
    )
    assert first_month.after.amount < first_month.before.amount
    assert not MembershipFreeze.objects.exists()
    page.get_by_role("button", name="Freeze these days").click()

    expect_message(page, re.compile(r"Your membership is frozen from .* \(14 days\): no charge for those days\."))
    expect(page.locator(".freeze").filter(has_text="Upcoming")).to_contain_text("14 days · Travelling")
    freeze = MembershipFreeze.objects.get()
    assert (freeze.starts_on, freeze.ends_on, freeze.created_by_id) == (starts_on, ends_on, ann.user_id)

    console.assert_clean()


def test_a_member_buys_a_pack_sees_the_credits_and_books_a_class_with_one(page, console):
    ann = MemberFactory(user__first_name="Ann", user__email="ann@clubsite.test")
    MembershipFactory(member=ann, plan=MembershipPlanFactory(name="Gym", monthly_fee=Decimal("25.00")))
    ClassPackFactory(name="5-class pack", credits=5, price=Decimal("40.00"), valid_days=90)
    group_class = GroupClassFactory(
        name="Sunrise Yoga",
        booking__room=RoomFactory(name="Studio One"),
        booking__start_time=local_time(days=2, hour=10),
        booking__end_time=local_time(days=2, hour=11),
    )

    sign_in(page, "ann@clubsite.test")
    nav(page, "Class packs").click()
    expect(page.locator("#credits-left")).to_have_text("0")
    page.get_by_role("link", name="Buy the 5-class pack").click()
    page.get_by_role("button", name="Buy for £40.00").click()

    expect_message(page, re.compile(r"You bought the 5-class pack: 5 class credits to use by"))
    expect(page.get_by_role("cell", name=re.compile(r"^5-class pack: 5 class credits"))).to_be_visible()
    expect(page.locator("#invoice-total")).to_have_text("£40.00")
    nav(page, "Class packs").click()
    expect(page.locator("#credits-left")).to_have_text("5")

    nav(page, "Classes").click()
    page.get_by_role("link", name="Sunrise Yoga").click()
    page.get_by_role("button", name="Register").click()
    expect_message(page, re.compile(r"You have a place in Sunrise Yoga .*\. Paid with a class credit: 4 left\."))
    assert ClassRegistration.objects.get(member=ann, group_class=group_class).cover.kind == "credit"
    assert CreditPack.objects.get(member=ann).credits_left == 4

    console.assert_clean()
