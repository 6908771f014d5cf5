"""Concurrent billing writes: row locks keep money and billed items exact however requests interleave."""

import datetime
from decimal import Decimal

import pytest

from billing import services
from billing.models import Invoice, InvoiceLine, Payment
from billing.tests.factories import (
    InvoiceFactory,
    MembershipFactory,
    MembershipPlanFactory,
    class_registration,
    club_time,
    pt_session,
)
from clubsite.testing.races import race
from members.tests.factories import MemberFactory

NOV_1, NOV_30 = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_payments_of_the_full_balance_record_exactly_one():
    invoice = InvoiceFactory()
    services.invoice_line_add(invoice=invoice, description="Annual fee", quantity=1, unit_price=Decimal("120.00"))
    services.invoice_issue(invoice=invoice)

    outcome = race(
        lambda i: services.payment_record(invoice=invoice, amount=Decimal("120.00"), method=Payment.Method.CARD),
        workers=20,
    )

    assert len(outcome.results) == 1
    assert len(outcome.errors) == 19
    assert all(isinstance(error, services.BillingError) for error in outcome.errors), outcome.errors
    assert {error.code for error in outcome.errors} == {"payment_invoice_already_paid"}
    assert Payment.objects.filter(invoice=invoice).count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.balance == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_generations_for_one_member_bill_every_item_exactly_once():
    member = MemberFactory()
    membership = MembershipFactory(
        member=member, plan=MembershipPlanFactory(name="Gold"), started_on=datetime.date(2026, 9, 1)
    )
    sessions = [pt_session(member, club_time(2026, 11, day, 9)) for day in (3, 10, 17)]
    registrations = [class_registration(member, club_time(2026, 11, day, 18)) for day in (4, 11)]

    outcome = race(
        lambda i: services.invoice_generate(member=member, period_start=NOV_1, period_end=NOV_30),
        workers=10,
    )

    assert outcome.errors == []
    invoices = [invoice for invoice in outcome.results if invoice is not None]
    assert len(invoices) == 1
    assert outcome.results.count(None) == 9
    lines = InvoiceLine.objects.filter(voided=False)
    assert Invoice.objects.count() == 1
    assert lines.count() == 6
    assert list(lines.filter(membership=membership).values_list("period_start", flat=True)) == [NOV_1]
    assert sorted(lines.exclude(pt_session=None).values_list("pt_session", flat=True)) == [s.pk for s in sessions]
    assert sorted(lines.exclude(class_registration=None).values_list("class_registration", flat=True)) == [
        r.pk for r in registrations
    ]
