"""Each staff role's daily task in a real browser at 1280 px, starting from its own dashboard on the admin index:
the front desk checks a member in to today's class, billing takes the payment of an overdue invoice, maintenance
resolves an open issue found by its room, the manager reads the charts and drills into the day's payments."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import dateformat, timezone
from playwright.sync_api import Page, expect

from billing.models import Invoice, InvoiceLine, Payment
from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipPlanFactory,
    PaymentFactory,
)
from clubsite.accounts.tests.factories import DEMO_PASSWORD
from clubsite.core.clock import club_datetime, club_today
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration, MaintenanceRecord
from operations.tests.factories import ClassRegistrationFactory, EquipmentFactory, MaintenanceRecordFactory, RoomFactory

from .conftest import DESKTOP
from .journeys import second_factor, type_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def midday():
    """Noon on the club's clock today (ticking): a class "in 20 minutes" is today's, whenever the suite runs."""
    with time_machine.travel(club_datetime(club_today(), datetime.time(12, 0)), tick=True):
        yield


def staff_signs_in(page: Page, email: str) -> None:
    device = second_factor(email)  # the manager and billing sign in with a code from their app
    page.goto("/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        type_code(page, device)
    expect(page.locator("#staff-dashboard")).to_be_visible()


def home(page: Page) -> None:
    page.locator(".breadcrumbs").get_by_role("link", name="Home").click()
    expect(page.locator("#staff-dashboard")).to_be_visible()


def admin_message(page: Page, text: str | re.Pattern) -> None:
    expect(page.locator("ul.messagelist li").filter(has_text=text)).to_be_visible()


def an_issued_invoice(member, *, owed: str, due: datetime.date, number: str) -> Invoice:
    invoice = InvoiceFactory(
        member=member,
        status=Invoice.Status.ISSUED,
        number=number,
        issued_at=timezone.now() - datetime.timedelta(days=30),
        due_date=due,
        period_start=due.replace(day=1),
        period_end=due.replace(day=1) + datetime.timedelta(days=27),
    )
    InvoiceLineFactory(invoice=invoice, description="Locker hire", unit_price=Decimal(owed))
    return invoice


def test_the_front_desk_sees_todays_class_and_checks_a_member_in(open_page, console, midday):
    morgan = MemberFactory(user__first_name="Morgan", user__last_name="Member")
    MembershipFactory(member=morgan, started_on=club_today() - datetime.timedelta(days=90))
    start = timezone.now() + datetime.timedelta(minutes=20)
    seat = ClassRegistrationFactory(
        member=morgan,
        group_class__name="HIIT Blast",
        group_class__capacity=12,
        group_class__booking__start_time=start,
        group_class__booking__end_time=start + datetime.timedelta(minutes=45),
    )
    staff_user("front_desk", email="dee@clubsite.test", first_name="Dee", last_name="Desk")

    desk = open_page(viewport=DESKTOP)
    staff_signs_in(desk, "dee@clubsite.test")
    expect(desk.get_by_role("heading", name="The front desk today")).to_be_visible()
    row = desk.locator(f"#class-{seat.group_class_id}")
    expect(row).to_contain_text("HIIT Blast")
    expect(row).to_contain_text("1/12")
    expect(row.locator(".checked-in")).to_have_text("0 of 1")

    desk.locator("#visits-today").get_by_role("link", name="front desk").click()
    box = desk.get_by_role("combobox", name="Scan a card, or type a member number or a name")
    box.press_sequentially("morgan mem", delay=40)
    expect(desk.get_by_role("option", name="Morgan Member")).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(desk.locator(f"#desk-class-{seat.pk}")).to_contain_text("marked present")

    home(desk)
    expect(desk.locator(f"#class-{seat.group_class_id} .checked-in")).to_have_text("1 of 1")
    expect(desk.locator("#visits-today")).to_contain_text("Visits today (1)")
    seat.refresh_from_db()
    assert seat.status == ClassRegistration.Status.ATTENDED
    console.assert_clean()


def test_billing_sees_an_overdue_invoice_and_records_its_payment(open_page, console):
    ann = MemberFactory(user__first_name="Ann", user__last_name="Archer")
    invoice = an_issued_invoice(ann, owed="45.00", due=club_today() - datetime.timedelta(days=9), number="INV-0042")
    staff_user("billing", email="bea@clubsite.test", first_name="Bea", last_name="Biller")

    staff = open_page(viewport=DESKTOP)
    staff_signs_in(staff, "bea@clubsite.test")
    overdue = staff.locator("#overdue-invoices")
    expect(overdue).to_contain_text("Overdue invoices (1)")
    expect(overdue.get_by_role("row").filter(has_text="Ann Archer")).to_contain_text("£45.00")
    expect(staff.locator("#billing-run-status")).to_contain_text("has not been billed yet")

    overdue.get_by_role("link", name="INV-0042").click()
    staff.get_by_role("link", name="Record a payment").click()
    staff.get_by_label("Amount").fill("45.00")
    staff.get_by_label("Method").select_option(label="Card")
    staff.get_by_label("Reference").fill("POS 77")
    staff.get_by_role("button", name="Save", exact=True).click()
    admin_message(staff, re.compile("added successfully"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    home(staff)
    expect(staff.locator("#overdue-invoices")).to_contain_text("Overdue invoices (0)")
    expect(staff.locator("#overdue-invoices")).to_contain_text("No overdue invoices.")
    expect(staff.locator("#revenue-month")).to_have_text("£45.00")
    console.assert_clean()


def test_maintenance_finds_an_open_issue_by_its_room_and_resolves_it(open_page, console):
    room = RoomFactory(name="Weights room")
    record = MaintenanceRecordFactory(
        equipment=EquipmentFactory(room=room, name="Squat rack"),
        issue_description="Safety pin bent",
        reported_at=timezone.now() - datetime.timedelta(days=3),
    )
    MaintenanceRecordFactory(equipment__room=RoomFactory(name="Studio 2"), issue_description="Mirror cracked")
    staff_user("maintenance", email="max@clubsite.test", first_name="Max", last_name="Fixer")

    staff = open_page(viewport=DESKTOP)
    staff_signs_in(staff, "max@clubsite.test")
    by_room = staff.locator("#issues-by-room")
    expect(by_room.get_by_role("row").filter(has_text="Weights room")).to_contain_text("1")

    by_room.get_by_role("link", name="Weights room").click()
    expect(staff.locator("#result_list")).to_contain_text("Squat rack")
    expect(staff.locator("#result_list")).not_to_contain_text("Mirror cracked")
    staff.locator("#result_list").get_by_role("link").filter(has_text="Squat rack").first.click()
    staff.get_by_label("Status").select_option(label="Resolved")
    staff.get_by_label("Resolution notes").fill("New pin fitted.")
    staff.get_by_role("button", name="Save", exact=True).click()
    admin_message(staff, re.compile("changed successfully"))
    record.refresh_from_db()
    assert record.status == MaintenanceRecord.Status.RESOLVED

    home(staff)
    expect(staff.locator("#open-issues")).to_contain_text("Open maintenance (1)")
    expect(staff.locator("#issues-by-room")).not_to_contain_text("Weights room")
    console.assert_clean()


def test_the_manager_reads_the_charts_and_drills_into_a_days_payments(open_page, console, midday):
    today = club_today()
    plan = MembershipPlanFactory(name="Gold")
    member = MemberFactory(user__first_name="Gil", user__last_name="Gold")
    membership = MembershipFactory(member=member, plan=plan, started_on=today.replace(day=1))
    invoice = an_issued_invoice(member, owed="10.00", due=today + datetime.timedelta(days=10), number="INV-0100")
    InvoiceLineFactory(
        invoice=invoice,
        kind=InvoiceLine.Kind.PLAN_MONTH,
        membership=membership,
        period_start=today.replace(day=1),
        unit_price=Decimal("49.00"),
    )
    paid_at = club_datetime(today, datetime.time(0, 30))
    PaymentFactory(
        invoice=invoice, amount=Decimal("59.00"), method=Payment.Method.CARD, reference="POS 9", received_at=paid_at
    )
    staff_user("manager", email="mia@clubsite.test", first_name="Mia", last_name="Manager")

    staff = open_page(viewport=DESKTOP)
    staff_signs_in(staff, "mia@clubsite.test")
    expect(staff.get_by_role("heading", name="The club at a glance")).to_be_visible()
    expect(staff.locator("#active-members")).to_have_text("1")
    for chart in (
        "Members joining and leaving each month",
        "Received each day this month",
        "Received this month by plan",
    ):
        expect(staff.get_by_role("img", name=re.compile(re.escape(chart)))).to_be_visible()
    expect(staff.locator("#revenue-plans")).to_contain_text("Gold")

    revenue = staff.locator("#revenue")
    revenue.get_by_text("Day by day").click()
    revenue.locator("#revenue-days").get_by_role("link", name=dateformat.format(today, "D j M")).click()
    expect(staff.locator("#result_list")).to_contain_text("POS 9")
    expect(staff.locator("#result_list")).to_contain_text("INV-0100")
    console.assert_clean()
