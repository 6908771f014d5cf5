"""Invoices by hand: opening a draft, adding and removing its lines, issuing it, voiding it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clubsite.core.clock import club_time
from clubsite.core.db import constraint_errors
from clubsite.core.events import publish
from members.models import Member

from ..errors import BillingError
from ..models import ZERO, Invoice, InvoiceLine
from ..selectors import invoice_totals
from ._base import (
    DESCRIPTION_MAX,
    INVOICE_CONSTRAINTS,
    LINE_CONSTRAINTS,
    MAX_QUANTITY,
    lock_invoice,
    lock_member,
    money,
    period,
    require_time,
)


@transaction.atomic
def invoice_create(*, member: Member, period_start: datetime.date, period_end: datetime.date) -> Invoice:
    """Open an empty draft for a member and period, for lines added by hand."""
    period_start, period_end = period(period_start, period_end)
    member = lock_member(member)
    existing = Invoice.objects.filter(
        member=member, status=Invoice.Status.DRAFT, period_start=period_start, period_end=period_end
    ).first()
    if existing is not None:
        raise BillingError("invoice_draft_exists", invoice=existing)
    with constraint_errors(INVOICE_CONSTRAINTS, BillingError):
        return Invoice.objects.create(member=member, period_start=period_start, period_end=period_end)


@transaction.atomic
def invoice_line_add(
    *,
    invoice: Invoice,
    description: str,
    quantity: int,
    unit_price: Decimal,
    kind: str = InvoiceLine.Kind.MANUAL,
) -> InvoiceLine:
    """Add a manual charge (price >= 0) or a credit (price <= 0) to a draft invoice."""
    if kind not in (InvoiceLine.Kind.MANUAL, InvoiceLine.Kind.CREDIT):
        raise BillingError("line_kind_not_manual")
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        raise BillingError("description_required")
    if len(description) > DESCRIPTION_MAX:
        raise BillingError("description_too_long")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise BillingError("quantity_invalid")
    unit_price = money(unit_price, "unit_price")
    if kind == InvoiceLine.Kind.MANUAL and unit_price < 0:
        raise BillingError("price_negative")
    if kind == InvoiceLine.Kind.CREDIT and unit_price > 0:
        raise BillingError("credit_not_negative")
    invoice = lock_invoice(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError("invoice_not_draft")
    with constraint_errors(LINE_CONSTRAINTS, BillingError):
        return InvoiceLine.objects.create(
            invoice=invoice, kind=kind, description=description, quantity=quantity, unit_price=unit_price
        )


@transaction.atomic
def invoice_line_remove(*, line: InvoiceLine) -> None:
    """Take a line off a draft invoice; what it billed can be billed again."""
    if not isinstance(line, InvoiceLine) or line.pk is None:
        raise BillingError("line_required")
    invoice_id = InvoiceLine.objects.filter(pk=line.pk).values_list("invoice_id", flat=True).first()
    if invoice_id is None:
        raise BillingError("line_required")
    invoice = lock_invoice(Invoice(pk=invoice_id))
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError("line_remove_not_draft")
    deleted, _ = InvoiceLine.objects.filter(pk=line.pk, invoice=invoice).delete()
    if not deleted:
        raise BillingError("line_required")


def _number(invoice: Invoice, moment: datetime.datetime) -> str:
    return f"INV-{club_time(moment):%Y}-{invoice.pk:06d}"


@transaction.atomic
def invoice_issue(*, invoice: Invoice, issued_at: datetime.datetime | None = None) -> Invoice:
    """Number a draft and make it due; one that totals zero or less is settled at once (PAID)."""
    issued_at = timezone.now() if issued_at is None else require_time(issued_at, "issued_at")
    invoice = lock_invoice(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError("invoice_issue_not_draft")
    if not invoice.lines.filter(voided=False).exists():
        raise BillingError("invoice_empty")
    total, _paid = invoice_totals(invoice_id=invoice.pk)
    invoice.number = _number(invoice, issued_at)
    invoice.issued_at = issued_at
    invoice.due_date = club_time(issued_at).date() + datetime.timedelta(days=settings.INVOICE_DUE_DAYS)
    invoice.status = Invoice.Status.ISSUED if total > 0 else Invoice.Status.PAID
    with constraint_errors(INVOICE_CONSTRAINTS, BillingError):
        invoice.save(update_fields=["number", "issued_at", "due_date", "status"])
    publish("invoice.issued", invoice.pk, member_id=invoice.member_id, number=invoice.number)
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice) -> Invoice:
    """Cancel a draft or issued invoice that holds no money; what it billed can be billed again."""
    invoice = lock_invoice(invoice)
    if invoice.status not in (Invoice.Status.DRAFT, Invoice.Status.ISSUED):
        raise BillingError("void_invoice_status")
    _total, paid = invoice_totals(invoice_id=invoice.pk)
    if paid != ZERO:
        raise BillingError("void_has_payments")
    invoice.status = Invoice.Status.VOID
    with constraint_errors(INVOICE_CONSTRAINTS, BillingError):
        invoice.save(update_fields=["status"])
        invoice.lines.update(voided=True)
    return invoice
