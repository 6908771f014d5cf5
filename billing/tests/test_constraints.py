"""The database refuses broken billing rows whatever writes them, bypassing every service."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Invoice, InvoiceLine, Payment
from billing.tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipPlanFactory,
    PaymentFactory,
    class_registration,
    club_time,
    pt_session,
)
from clubsite.core.db import violated_constraint
from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
NOV_1 = datetime.date(2026, 11, 1)


def refused(constraint: str, create) -> None:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        create()
    assert violated_constraint(error.value) == constraint


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-1.00")])
def test_payment_amount_must_be_positive(amount):
    invoice = InvoiceFactory()

    refused("billing_payment_amount_positive", lambda: PaymentFactory(invoice=invoice, amount=amount))
    refused(
        "billing_payment_amount_positive",
        lambda: PaymentFactory(invoice=invoice, amount=amount, kind=Payment.Kind.REFUND),
    )
    assert not Payment.objects.exists()


def test_line_quantity_must_be_positive():
    invoice = InvoiceFactory()

    refused("billing_invoiceline_quantity_positive", lambda: InvoiceLineFactory(invoice=invoice, quantity=0))
    assert not InvoiceLine.objects.exists()


def test_line_price_cannot_be_negative_except_on_a_credit():
    invoice = InvoiceFactory()

    refused(
        "billing_invoiceline_price_not_negative",
        lambda: InvoiceLineFactory(invoice=invoice, unit_price=Decimal("-0.01")),
    )
    refused(
        "billing_invoiceline_credit_not_positive",
        lambda: InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.CREDIT, unit_price=Decimal("0.01")),
    )
    InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.CREDIT, unit_price=Decimal("-5.00"))
    assert invoice.lines.count() == 1


def test_plan_fee_cannot_be_negative():
    refused("billing_membershipplan_fee_not_negative", lambda: MembershipPlanFactory(monthly_fee=Decimal("-1")))


def test_line_bills_exactly_the_thing_its_kind_names():
    invoice = InvoiceFactory(member=MemberFactory())
    membership = MembershipFactory(member=invoice.member)
    session = pt_session(invoice.member, club_time(2026, 11, 10, 9))
    registration = class_registration(invoice.member, club_time(2026, 11, 11, 18))
    name = "billing_invoiceline_billable_matches_kind"

    refused(name, lambda: InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.PLAN_MONTH))
    refused(name, lambda: InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.PLAN_MONTH, membership=membership))
    refused(name, lambda: InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.PT_SESSION))
    refused(name, lambda: InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.CLASS))
    refused(name, lambda: InvoiceLineFactory(invoice=invoice, pt_session=session))
    refused(
        name,
        lambda: InvoiceLineFactory(
            invoice=invoice, kind=InvoiceLine.Kind.PT_SESSION, pt_session=session, class_registration=registration
        ),
    )
    refused(name, lambda: InvoiceLineFactory(invoice=invoice, kind=InvoiceLine.Kind.CLASS, pt_session=session))
    assert not InvoiceLine.objects.exists()


def test_plan_month_is_billed_once_unless_the_first_line_is_voided():
    invoice = InvoiceFactory()
    membership = MembershipFactory(member=invoice.member)
    plan_line = {"kind": InvoiceLine.Kind.PLAN_MONTH, "membership": membership, "period_start": NOV_1}
    first = InvoiceLineFactory(invoice=invoice, **plan_line)

    refused("billing_invoiceline_plan_month_once", lambda: InvoiceLineFactory(invoice=InvoiceFactory(), **plan_line))

    InvoiceLineFactory(invoice=invoice, **{**plan_line, "period_start": datetime.date(2026, 12, 1)})
    InvoiceLine.objects.filter(pk=first.pk).update(voided=True)
    InvoiceLineFactory(invoice=InvoiceFactory(), **plan_line)
    assert InvoiceLine.objects.filter(period_start=NOV_1).count() == 2


def test_class_registration_is_billed_once_unless_the_first_line_is_voided():
    member = MemberFactory()
    registration = class_registration(member, club_time(2026, 11, 11, 18))
    line = {"kind": InvoiceLine.Kind.CLASS, "class_registration": registration}
    first = InvoiceLineFactory(invoice=InvoiceFactory(member=member), **line)

    refused("billing_invoiceline_class_once", lambda: InvoiceLineFactory(invoice=InvoiceFactory(member=member), **line))

    InvoiceLine.objects.filter(pk=first.pk).update(voided=True)
    InvoiceLineFactory(invoice=InvoiceFactory(member=member), **line)


def test_pt_session_is_billed_once_unless_the_first_line_is_voided():
    member = MemberFactory()
    session = pt_session(member, club_time(2026, 11, 10, 9))
    line = {"kind": InvoiceLine.Kind.PT_SESSION, "pt_session": session}
    first = InvoiceLineFactory(invoice=InvoiceFactory(member=member), **line)

    refused("billing_invoiceline_pt_once", lambda: InvoiceLineFactory(invoice=InvoiceFactory(member=member), **line))

    InvoiceLine.objects.filter(pk=first.pk).update(voided=True)
    InvoiceLineFactory(invoice=InvoiceFactory(member=member), **line)


def test_a_member_has_at_most_one_current_membership():
    member = MemberFactory()
    MembershipFactory(member=member, started_on=datetime.date(2026, 1, 1))

    refused("billing_membership_one_current", lambda: MembershipFactory(member=member, started_on=NOV_1))

    MembershipFactory(member=member, started_on=datetime.date(2025, 1, 1), ended_on=datetime.date(2025, 12, 31))
    assert member.memberships.count() == 2


def test_a_membership_cannot_end_before_it_starts():
    refused(
        "billing_membership_end_after_start",
        lambda: MembershipFactory(started_on=NOV_1, ended_on=datetime.date(2026, 10, 31)),
    )
    MembershipFactory(started_on=NOV_1, ended_on=NOV_1)


@pytest.mark.parametrize("status", [Invoice.Status.ISSUED, Invoice.Status.PAID])
def test_an_issued_or_paid_invoice_has_a_number_and_an_issue_time(status):
    name = "billing_invoice_issued_has_number"

    refused(name, lambda: InvoiceFactory(status=status))
    refused(name, lambda: InvoiceFactory(status=status, number="INV-2026-999999"))
    refused(name, lambda: InvoiceFactory(status=status, issued_at=timezone.now()))
    InvoiceFactory(status=status, number="INV-2026-999999", issued_at=timezone.now())


def test_a_draft_voided_before_issue_needs_no_number():
    InvoiceFactory(status=Invoice.Status.VOID)
    assert Invoice.objects.get().number is None


def test_invoice_period_cannot_end_before_it_starts():
    refused(
        "billing_invoice_period_end_after_start",
        lambda: InvoiceFactory(period_start=NOV_1, period_end=datetime.date(2026, 10, 31)),
    )
    InvoiceFactory(period_start=NOV_1, period_end=NOV_1)
    assert Invoice.objects.count() == 1
