"""Members and trainers in a real browser: sign-up, health charts, classes and the waitlist, availability and PT."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.services import invoice_issue
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.testing.jobs import run_jobs
from members.models import HealthMetric, Member
from members.tests.factories import MemberFactory
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, RoomFactory, local_time
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerFactory

from .conftest import PHONE
from .journeys import club_day, expect_message, local_input, nav, open_account, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sunrise_yoga(**fields):
    """A class the day after tomorrow at 10:00 in a room of its own: outside the 12-hour cancellation cut-off
    whatever the time the journey runs, so a seat is given up in one tap."""
    return GroupClassFactory(
        name="Sunrise Yoga",
        booking__room=RoomFactory(name="Studio One"),
        booking__start_time=local_time(days=2, hour=10),
        booking__end_time=local_time(days=2, hour=11),
        **fields,
    )


def test_a_visitor_signs_up_logs_two_metrics_sees_the_chart_and_books_then_cancels_a_class(page, console):
    group_class = sunrise_yoga()

    # The visitor finds the sign-up page from the public home page, where the class is listed.
    page.goto("/")
    expect(page.locator(".home-class").filter(has_text="Sunrise Yoga")).to_be_visible()
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Last name").fill("Quist")
    page.get_by_label("Email").fill("Nora.Quist@Example.test")
    page.locator("#id_password1").fill("a long and unusual phrase")
    page.locator("#id_password2").fill("a long and unusual phrase")
    page.get_by_label("Date of birth").fill("1990-04-12")
    # The optional consent to processing health metrics (unticked unless she ticks it): she logs metrics below.
    page.get_by_label(re.compile("I consent to the club processing the health metrics")).check()
    page.get_by_role("button", name="Sign up").click()
    open_account(page, "Nora.Quist@Example.test")

    expect_message(page, "Welcome to the club, Nora!")
    expect(page.get_by_role("heading", name="Hello, Nora")).to_be_visible()
    member = Member.objects.get(user__email__iexact="nora.quist@example.test")

    # Two measurements: yesterday morning, then now; the history keeps both and the chart draws both.
    nav(page, "Health").click()
    page.get_by_role("link", name="Log a measurement").click()
    page.get_by_label("Weight (kg)").fill("82.5")
    page.get_by_label("Resting heart rate (bpm)").fill("64")
    page.get_by_label("Measured at").fill(local_input(club_day(-1), 8))
    page.get_by_role("button", name="Save").click()
    expect_message(page, "Your measurement has been saved.")

    page.get_by_role("link", name="Log a measurement").click()
    page.get_by_label("Weight (kg)").fill("81.0")
    page.get_by_label("Resting heart rate (bpm)").fill("62")
    page.get_by_role("button", name="Save").click()
    expect_message(page, "Your measurement has been saved.")

    weight_chart = page.locator("svg.chart-weight")
    expect(weight_chart).to_be_visible()
    expect(weight_chart.locator("circle.chart-dot")).to_have_count(2)
    expect(weight_chart.locator("desc")).to_contain_text("first 82.5 kg, latest 81.0 kg")
    expect(page.locator("svg.chart-heart-rate circle.chart-dot")).to_have_count(2)
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)  # a header and two entries
    assert HealthMetric.objects.filter(member=member).count() == 2

    # The class's page first, then a seat in one tap, then a change of mind in one more.
    nav(page, "Classes").click()
    page.get_by_role("link", name="Sunrise Yoga").click()
    expect(page.get_by_text("10 of 10 left")).to_be_visible()
    page.get_by_role("button", name="Register").click()
    expect_message(page, re.compile(r"You have a place in Sunrise Yoga"))
    expect(page.locator("#my-place")).to_contain_text("Registered")
    registration = ClassRegistration.objects.get(member=member, group_class=group_class)
    assert registration.status == ClassRegistration.Status.REGISTERED

    page.get_by_role("link", name="Back to the timetable").click()
    expect(page.get_by_text("You are registered")).to_be_visible()
    page.get_by_role("button", name="Cancel Sunrise Yoga").click()
    expect_message(page, re.compile(r"Your place in Sunrise Yoga .* has been cancelled\."))
    expect(page.get_by_role("button", name=re.compile(r"^Register for Sunrise Yoga"))).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == ClassRegistration.Status.CANCELLED

    console.assert_clean()


def test_a_member_joins_the_waitlist_of_a_full_class_and_is_promoted_when_another_cancels(
    open_page, console, mailoutbox
):
    group_class = sunrise_yoga(capacity=1)
    ann = MemberFactory(user__first_name="Ann", user__last_name="Archer", user__email="ann@clubsite.test")
    bob = MemberFactory(user__first_name="Bob", user__last_name="Baker", user__email="bob@clubsite.test")
    ClassRegistrationFactory(member=bob, group_class=group_class)

    ann_page = open_page()
    sign_in(ann_page, "ann@clubsite.test")
    nav(ann_page, "Classes").click()
    expect(ann_page.get_by_text("Full · 0 waiting")).to_be_visible()
    ann_page.get_by_role("button", name=re.compile(r"^Join waitlist for Sunrise Yoga")).click()
    expect_message(ann_page, re.compile(r"is full: you are number 1 on the waitlist"))
    expect(ann_page.get_by_text("On the waitlist: number 1")).to_be_visible()

    # Bob, on his own device, gives up his seat.
    bob_page = open_page()
    sign_in(bob_page, "bob@clubsite.test")
    nav(bob_page, "Classes").click()
    bob_page.get_by_role("button", name="Cancel Sunrise Yoga").click()
    expect_message(bob_page, re.compile(r"Your place in Sunrise Yoga .* has been cancelled\."))

    # Ann's seat is confirmed on her next visit, and she was told by mail.
    ann_page.reload()
    expect(ann_page.get_by_text("You are registered")).to_be_visible()
    expect(ann_page.get_by_text("Full · 0 waiting")).to_be_visible()
    statuses = dict(group_class.registrations.values_list("member_id", "status"))
    assert statuses == {bob.pk: ClassRegistration.Status.CANCELLED, ann.pk: ClassRegistration.Status.REGISTERED}
    # The worker sends what the pages queued. It runs only now, after the promotion: Ann is no longer waiting,
    # so the waitlist mail is not sent, and her seat's is.
    run_jobs()
    assert sorted((mail.to[0], mail.subject) for mail in mailoutbox) == [
        ("ann@clubsite.test", "You have a place in Sunrise Yoga"),
        ("bob@clubsite.test", "Your place in Sunrise Yoga is cancelled"),
    ]

    console.assert_clean()


def test_a_trainer_adds_availability_and_a_member_books_training_inside_it_which_the_trainer_sees(open_page, console):
    trainer = TrainerFactory(user__first_name="Tara", user__last_name="Mendes", user__email="tara@clubsite.test")
    MemberFactory(user__first_name="Ann", user__last_name="Archer", user__email="ann@clubsite.test")
    day = club_day(2)

    # The trainer works from a phone: the week shows one card per day.
    tara = open_page(viewport=PHONE)
    sign_in(tara, "tara@clubsite.test")
    expect(tara.get_by_role("heading", name="My schedule")).to_be_visible()
    tara.get_by_role("link", name="Add availability").click()
    tara.get_by_label("Start").fill(local_input(day, 9))
    tara.get_by_label("End").fill(local_input(day, 17))
    tara.get_by_role("button", name="Save").click()
    expect_message(tara, re.compile(r"Availability added: .*09:00"))
    assert TrainerAvailability.objects.filter(trainer=trainer).count() == 1

    tara.goto(f"/trainer/?week={day.isoformat()}")
    day_card = tara.locator("section.card").filter(has_text=day.strftime("%A %-d %B"))
    expect(day_card.get_by_text("Available 09:00–17:00")).to_be_visible()
    expect(day_card.get_by_text("Nothing scheduled.")).to_be_visible()

    # A member books an hour inside that window, online.
    ann = open_page()
    sign_in(ann, "ann@clubsite.test")
    nav(ann, "Training").click()
    ann.get_by_role("link", name="See free times of Tara Mendes").click()
    ann.get_by_role("textbox", name="Day").fill(day.isoformat())
    ann.get_by_role("button", name="Show free times").click()
    ann.get_by_role("link", name="10:00–11:00").click()
    expect(ann.locator("#session-price")).to_have_text("£40.00")
    ann.get_by_label("Notes for the trainer").fill("Deadlift form, please")
    ann.get_by_role("button", name="Book for £40.00").click()
    expect_message(ann, re.compile(r"Booked: .* with Tara Mendes, £40\.00\."))
    expect(ann.locator(".pt-session")).to_contain_text("With Tara Mendes · Online")
    session = PersonalTrainingSession.objects.select_related("booking").get()
    assert (session.booking.trainer_id, session.booking.start_time, session.booking.status) == (
        trainer.pk,
        local_time(days=2, hour=10),
        Booking.Status.SCHEDULED,
    )

    # The trainer's week now holds the session, and its page names the member and the notes.
    tara.reload()
    expect(day_card.get_by_text("10:00–11:00 · Online")).to_be_visible()
    day_card.get_by_role("link", name="Personal training").click()
    expect(tara.get_by_text("Ann Archer").first).to_be_visible()
    expect(tara.get_by_text("Deadlift form, please")).to_be_visible()

    console.assert_clean()


# What a phone cuts off: the document wider than the screen, or a box (a scrolling table) hiding part of itself.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  const describe = (el) => el.tagName.toLowerCase() + (typeof el.className === "string" ? "." + el.className : "");
  if (document.documentElement.scrollWidth > width) {
    cut.push("document " + document.documentElement.scrollWidth);
    for (const el of document.body.querySelectorAll("*")) {
      const right = el.getBoundingClientRect().right;
      if (right > width + 1 && el.parentElement && el.parentElement.getBoundingClientRect().right <= width + 1) {
        cut.push(describe(el) + " to " + Math.round(right));
      }
    }
  }
  for (const box of document.querySelectorAll("main *, .container *")) {
    const style = getComputedStyle(box);
    if (["auto", "scroll"].includes(style.overflowX) && box.scrollWidth > box.clientWidth + 1
        && !box.classList.contains("day-strip")) {
      cut.push(describe(box) + " " + box.scrollWidth + ">" + box.clientWidth);
    }
  }
  return cut;
}"""


def test_on_a_phone_a_member_books_and_cancels_a_class_in_one_tap_and_a_late_cancel_says_its_cost(open_page, console):
    group_class = sunrise_yoga()
    soon = GroupClassFactory(
        name="Lunch Spin",
        booking__room=RoomFactory(name="Studio Two"),
        booking__start_time=timezone.now() + datetime.timedelta(hours=3),
        booking__end_time=timezone.now() + datetime.timedelta(hours=4),
    )
    member = MemberFactory(user__first_name="Pia", user__email="pia@clubsite.test")
    late_seat = ClassRegistrationFactory(member=member, group_class=soon)

    phone = open_page(viewport=PHONE)
    sign_in(phone, "pia@clubsite.test")
    phone.goto("/member/classes/")

    # The day strip: the class's day is one tap away, and the page fits the screen.
    day = club_day(2)
    phone.get_by_role("navigation", name="Days").get_by_role("link", name=day.strftime("%A %-d %B")).click()
    expect(phone.get_by_role("heading", name=day.strftime("%A %-d %B"))).to_be_visible()
    cut_off = phone.evaluate(CUT_OFF)
    assert not cut_off, "\n".join(cut_off)

    # One tap books; one more gives the seat up (it is days away: no confirmation).
    phone.get_by_role("button", name=re.compile(r"^Register for Sunrise Yoga")).click()
    expect_message(phone, re.compile(r"You have a place in Sunrise Yoga"))
    registration = ClassRegistration.objects.get(member=member, group_class=group_class)
    assert registration.status == ClassRegistration.Status.REGISTERED
    phone.get_by_role("button", name="Cancel Sunrise Yoga").click()
    expect_message(phone, re.compile(r"Your place in Sunrise Yoga .* has been cancelled\."))
    registration.refresh_from_db()
    assert registration.status == ClassRegistration.Status.CANCELLED
    assert "/member/classes/?date=" in phone.url

    # A seat three hours away is late to give up: the tap opens the page that says so, and only its button cancels.
    phone.goto("/member/classes/week/")
    cut_off = phone.evaluate(CUT_OFF)
    assert not cut_off, "\n".join(cut_off)
    phone.get_by_role("link", name=re.compile(r"^Cancel… Lunch Spin")).click()
    expect(phone.locator(".late-warning")).to_contain_text("Cancelling now is late")
    late_seat.refresh_from_db()
    assert late_seat.status == ClassRegistration.Status.REGISTERED
    phone.get_by_role("button", name="Cancel my place").click()
    expect_message(phone, re.compile(r"Your place in Lunch Spin .* has been cancelled\."))
    late_seat.refresh_from_db()
    assert late_seat.status == ClassRegistration.Status.CANCELLED

    console.assert_clean()


def test_on_a_phone_the_home_timetable_and_the_invoice_list_show_everything(open_page, console):
    sunrise_yoga()
    member = MemberFactory(user__email="ivy@clubsite.test")
    invoice = InvoiceFactory(member=member, period_start=club_day(-40), period_end=club_day(-12))
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("1249.50"))
    invoice_issue(invoice=invoice)

    phone = open_page(viewport=PHONE)
    phone.goto("/")
    expect(phone.locator(".home-class").filter(has_text="Sunrise Yoga")).to_contain_text("10 seats left")
    cut_off = phone.evaluate(CUT_OFF)
    assert not cut_off, "\n".join(cut_off)

    sign_in(phone, "ivy@clubsite.test")
    phone.goto("/member/invoices/")
    expect(phone.locator(".invoice-item")).to_contain_text("£1,249.50")
    cut_off = phone.evaluate(CUT_OFF)
    assert not cut_off, "\n".join(cut_off)

    console.assert_clean()
