"""The back office in a real browser: bill a month, issue the invoice, take the payment; the member sees it paid."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Invoice, Payment
from billing.tests.factories import MembershipFactory, MembershipPlanFactory
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import AdminStaff

from .journeys import nav, second_factor, sign_in, sign_in_to_the_admin, type_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_billing_staff_generate_an_invoice_and_record_a_payment_and_the_member_sees_it_paid(open_page, console):
    member = MemberFactory(user__first_name="Ann", user__last_name="Archer", user__email="ann@clubsite.test")
    month_start = timezone.localdate().replace(day=1)
    MembershipFactory(
        member=member,
        plan=MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00")),
        started_on=month_start - datetime.timedelta(days=40),
    )
    staff_user(AdminStaff.Role.BILLING, email="bea@clubsite.test", first_name="Bea", last_name="Biller")

    staff = open_page()
    sign_in_to_the_admin(staff, "bea@clubsite.test")  # with the code from her app: billing needs a second factor
    expect(staff.get_by_role("link", name="Invoices", exact=True)).to_be_visible()

    # Generate this month's invoices (no member: everyone with something to bill).
    staff.get_by_role("link", name="Invoices", exact=True).click()
    staff.get_by_role("link", name="Generate invoices").click()
    staff.get_by_label("From:", exact=True).fill(month_start.isoformat())
    staff.get_by_label("To:", exact=True).fill(month_end(month_start).isoformat())
    staff.get_by_role("button", name="Generate").click()
    expect_message_admin(staff, re.compile(r"One draft invoice now holds what was not billed yet"))
    invoice = Invoice.objects.get(member=member)
    assert invoice.status == Invoice.Status.DRAFT

    # Issue it from its page.
    staff.get_by_role("link", name=f"Draft invoice #{invoice.pk}").click()
    staff.get_by_role("button", name="Issue").click()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    expect_message_admin(staff, f"Invoice {invoice.number} is issued and due on")
    expect(readonly_field(staff, "balance")).to_have_text("£49.00")

    # Record the payment of the whole balance, by card.
    staff.get_by_role("link", name="Record a payment").click()
    staff.get_by_label("Amount").fill("49.00")
    staff.get_by_label("Method").select_option(label="Card")
    staff.get_by_label("Reference").fill("POS 1234")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect_message_admin(staff, re.compile(r"was added successfully"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    payment = Payment.objects.get(invoice=invoice)
    assert (payment.amount, payment.method, payment.recorded_by.email) == (
        Decimal("49.00"),
        Payment.Method.CARD,
        "bea@clubsite.test",
    )

    # The member finds it paid in their portal.
    ann = open_page()
    sign_in(ann, "ann@clubsite.test")
    nav(ann, "Invoices").click()
    expect(ann.locator("#outstanding-balance")).to_have_text("£0.00")
    card = ann.get_by_role("listitem").filter(has_text=invoice.number)
    expect(card.get_by_text("Paid", exact=True)).to_be_visible()
    card.get_by_role("link", name=f"Invoice {invoice.number}").click()
    expect(ann.locator("#invoice-total")).to_have_text("£49.00")
    expect(ann.locator("#invoice-balance")).to_have_text("£0.00")
    expect(ann.get_by_text("POS 1234")).to_be_visible()

    console.assert_clean()


def test_the_generate_page_proposes_the_current_month(page, console):
    staff_user(AdminStaff.Role.BILLING, email="bea@clubsite.test")
    month_start = timezone.localdate().replace(day=1)

    device = second_factor("bea@clubsite.test")
    page.goto("/admin/billing/invoice/generate/")
    page.get_by_label("Email").fill("bea@clubsite.test")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    type_code(page, device)

    expect(page.get_by_label("From:", exact=True)).to_have_value(month_start.isoformat(), timeout=2_000)
    expect(page.get_by_label("To:", exact=True)).to_have_value(month_end(month_start).isoformat(), timeout=2_000)
    console.assert_clean()


def month_end(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def expect_message_admin(page, text) -> None:
    """A message in the admin's message list."""
    expect(page.locator("ul.messagelist li").filter(has_text=text)).to_be_visible()


def readonly_field(page, name: str):
    return page.locator(f".field-{name} .readonly")
