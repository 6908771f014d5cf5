"""Trainers in a real browser: a member found despite a typo, their client page, notes after a session; the roll
call on a phone; the weekly template and time off."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clubsite.testing.scenes import ago, session_at
from members.models import FitnessGoal
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, RoomFactory
from trainers.models import TimeOff, TrainerAvailability
from trainers.tests.factories import TrainerFactory

from .conftest import PHONE
from .journeys import club_day, expect_message, nav, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: The smallest target a finger hits reliably (WCAG 2.5.5).
TAP_TARGET_PX = 44


def tara():
    return TrainerFactory(user__first_name="Tara", user__last_name="Mendes", user__email="tara@clubsite.test")


def test_a_trainer_finds_a_member_despite_a_typo_opens_the_client_page_and_writes_session_notes(page):
    trainer = tara()
    morgan = MemberFactory(user__first_name="Morgan", user__last_name="Lee")
    FitnessGoalFactory(member=morgan, goal_type=FitnessGoal.GoalType.LOSE_WEIGHT, target_value=Decimal("72"), unit="kg")
    HealthMetricFactory(member=morgan, weight=Decimal("80.4"), heart_rate=66, recorded_at=ago(days=14))
    HealthMetricFactory(member=morgan, weight=Decimal("78.6"), heart_rate=63, recorded_at=ago(days=2))
    session = session_at(trainer=trainer, member=morgan, start=ago(days=1), status=Booking.Status.COMPLETED)

    sign_in(page, "tara@clubsite.test")
    nav(page, "Member lookup").click()
    expect(nav(page, "Member lookup")).to_have_attribute("aria-current", "page")
    page.get_by_label("Member name").fill("morgn")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 member matching “morgn”.")).to_be_visible()

    # The client page: the chart, the goal and the session with this trainer.
    page.get_by_role("link", name="Morgan Lee").click()
    expect(page.get_by_role("heading", name="Morgan Lee", level=1)).to_be_visible()
    weight_chart = page.locator("svg.chart-weight")
    expect(weight_chart).to_be_visible()
    expect(weight_chart.locator("circle.chart-dot")).to_have_count(2)
    expect(page.get_by_text("Lose weight: 72 kg")).to_be_visible()
    past = page.locator(".client-past-sessions")
    expect(past.get_by_text("Completed")).to_be_visible()

    # Notes after the session, from its page.
    past.get_by_role("link").first.click()
    page.get_by_label("Your notes on the session").fill("Goblet squats 3x10 at 16 kg. Next: add lunges.")
    page.get_by_role("button", name="Save notes").click()
    expect_message(page, "Your notes on the session are saved.")
    expect(page.locator(".session-notes")).to_contain_text("Goblet squats 3x10")
    session.refresh_from_db()
    assert session.trainer_notes == "Goblet squats 3x10 at 16 kg. Next: add lunges."

    # ... and on the client page, under the session.
    page.get_by_role("link", name=re.compile(r"Morgan Lee's page")).click()
    expect(page.locator(".client-past-sessions .session-notes")).to_contain_text("Next: add lunges.")


def test_on_a_phone_each_member_of_the_roll_call_is_a_44px_target_that_ticks_the_box(open_page):
    trainer = tara()
    group_class = GroupClassFactory(
        name="Spin",
        booking__trainer=trainer,
        booking__room=RoomFactory(name="Studio One"),
        booking__start_time=ago(minutes=30),
        booking__end_time=ago(minutes=-30),
    )
    for first in ("Ann", "Bea"):
        ClassRegistrationFactory(
            group_class=group_class, member=MemberFactory(user__first_name=first, user__last_name="Roll")
        )

    phone = open_page(viewport=PHONE)
    sign_in(phone, "tara@clubsite.test")
    phone.goto(f"/trainer/classes/{group_class.pk}/")

    rows = phone.locator("label.roll-call-row")
    expect(rows).to_have_count(2)
    for index in range(2):
        box = rows.nth(index).bounding_box()
        assert box is not None and box["height"] >= TAP_TARGET_PX and box["width"] >= TAP_TARGET_PX, box
    # A tap anywhere on the row (here its right edge, far from the box) ticks it.
    first = rows.nth(0)
    box = first.bounding_box()
    first.click(position={"x": box["width"] - 10, "y": box["height"] / 2})
    expect(phone.get_by_role("checkbox", name="Ann Roll")).to_be_checked()
    expect(phone.get_by_role("checkbox", name="Bea Roll")).not_to_be_checked()
    phone.get_by_role("button", name="Save attendance").click()
    expect_message(phone, "Attendance saved: 1 of 2 attended.")
    assert (
        ClassRegistration.objects.filter(group_class=group_class, status=ClassRegistration.Status.ATTENDED).count() == 1
    )


def test_a_trainer_keeps_a_weekly_template_applies_it_and_takes_time_off(page):
    trainer = tara()
    today = club_day(0)
    monday = today + datetime.timedelta(days=7 - today.weekday())

    sign_in(page, "tara@clubsite.test")
    nav(page, "Availability").click()
    page.get_by_role("link", name="Weekly template").click()
    page.get_by_label("Day").select_option(label="Monday")
    page.get_by_label("From").first.fill("09:00")
    page.get_by_label("Until").fill("12:00")
    page.get_by_role("button", name="Add row").click()
    expect_message(page, "Added to your weekly template: Monday 09:00–12:00.")

    # An overlapping row is refused where it was typed.
    page.get_by_label("Day").select_option(label="Monday")
    page.get_by_label("From").first.fill("11:00")
    page.get_by_label("Until").fill("13:00")
    page.get_by_role("button", name="Add row").click()
    expect(page.get_by_text("This overlaps your row Monday 09:00–12:00.")).to_be_visible()

    page.locator("#id_first_day").fill(monday.isoformat())
    page.get_by_label("For how many weeks").fill("2")
    page.get_by_role("button", name="Apply template").click()
    expect(page.get_by_text(re.compile(r"2 windows added from"))).to_be_visible()
    assert TrainerAvailability.objects.filter(trainer=trainer).count() == 2

    # Time off on the first Monday takes that window away.
    page.get_by_role("link", name="Time off").click()
    page.get_by_label("First day off").fill(monday.isoformat())
    page.get_by_label("Last day off").fill(monday.isoformat())
    page.get_by_label("Note (optional)").fill("Dentist")
    page.get_by_role("button", name="Take time off").click()
    expect_message(page, re.compile(r"saved\. 1 availability window removed"))
    expect(page.locator(".time-off-list")).to_contain_text("Dentist")
    assert TimeOff.objects.filter(trainer=trainer).count() == 1
    assert TrainerAvailability.objects.filter(trainer=trainer).count() == 1
    assert not PersonalTrainingSession.objects.exists()
