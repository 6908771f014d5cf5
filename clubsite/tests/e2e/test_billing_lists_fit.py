"""The billing lists of the back office at 1280 px (invoices, payments, memberships): every column shows without
scrolling the table sideways, beside the filters, with the admin's navigation open, amounts with their currency."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing import services
from billing.tests.factories import InvoiceFactory, InvoiceLineFactory, MembershipFactory, MembershipPlanFactory
from clubsite.testing.roles import staff_user
from members.tests.factories import MemberFactory
from operations.models import AdminStaff

from .conftest import DESKTOP
from .journeys import sign_in_to_the_admin, table_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Names as long as real ones get: the widest cells a list meets.
PEOPLE = (
    ("Alexandra", "Montgomery-Smythe"),
    ("Bartholomew", "Fitzgerald-Okonkwo"),
    ("Christabel", "Vanderbilt-Huang"),
)


@pytest.fixture
def billing_page(open_page):
    plan = MembershipPlanFactory(name="Unlimited classes, off-peak", monthly_fee=Decimal("1249.00"))
    issued_at = timezone.now() - datetime.timedelta(days=2)
    for first, last in PEOPLE:
        member = MemberFactory(
            user__first_name=first, user__last_name=last, user__email=f"{first.lower()}.{last.lower()}@example.com"
        )
        MembershipFactory(member=member, plan=plan)
        invoice = InvoiceFactory(member=member)
        InvoiceLineFactory(invoice=invoice, unit_price=Decimal("1249.00"))
        services.invoice_issue(invoice=invoice, issued_at=issued_at)
        services.payment_record(
            invoice=invoice,
            amount=Decimal("1000.00"),
            method="bank_transfer",
            reference="Standing order 2026-11 ref 99812",
            received_at=issued_at + datetime.timedelta(hours=3),
        )
    staff_user(AdminStaff.Role.BILLING, email="bea@clubsite.test", first_name="Bea", last_name="Billing")
    page = open_page(viewport=DESKTOP)
    sign_in_to_the_admin(page, "bea@clubsite.test")
    return page


@pytest.mark.parametrize(
    ("address", "last_column", "amount"),
    [
        ("/admin/billing/invoice/", "Balance", "£249.00"),
        ("/admin/billing/payment/", "Recorded by", "£1,000.00"),
        ("/admin/billing/membership/", "Term until", None),
    ],
    ids=["invoices", "payments", "memberships"],
)
def test_the_billing_list_shows_every_column_at_1280(billing_page, address, last_column, amount):
    billing_page.goto(address)

    expect(billing_page.locator("#result_list tbody tr")).to_have_count(3)
    assert table_overflow(billing_page) <= 0
    expect(billing_page.get_by_role("columnheader", name=last_column)).to_be_in_viewport()
    if amount:
        expect(billing_page.locator("#result_list tbody").get_by_text(amount).first).to_be_in_viewport()
