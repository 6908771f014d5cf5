"""What the staff billing endpoints share: the rows as the schemas give them back."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from billing.models import Invoice, InvoiceLine, Membership, Payment
from billing.selectors import InvoiceWithTotals, invoices_with_totals, is_overdue
from clubsite.core.clock import club_today

from .schemas import (
    StaffBillingRef,
    StaffInvoiceDetailOut,
    StaffInvoiceOut,
    StaffLineOut,
    StaffMembershipOut,
    StaffPaymentOut,
)

#: The OpenAPI answer of an endpoint that returns an invoice's PDF (a download, not JSON).
PDF_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The invoice as a PDF (A4), the same as its printable page.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def membership_out(membership: Membership) -> StaffMembershipOut:
    """Load ``member__user`` and ``plan`` with it."""
    return StaffMembershipOut(
        id=membership.pk,
        member=StaffBillingRef(id=membership.member.pk, name=str(membership.member)),
        plan=StaffBillingRef(id=membership.plan.pk, name=membership.plan.name),
        started_on=membership.started_on,
        ended_on=membership.ended_on,
    )


def invoices() -> QuerySet[InvoiceWithTotals]:
    """Invoices with their member and totals, in one query (``billing.selectors.invoices_with_totals``)."""
    return invoices_with_totals(Invoice.objects.select_related("member__user"))


def invoices_in_detail() -> QuerySet[InvoiceWithTotals]:
    """As :func:`invoices`, with the lines and payments: three queries."""
    return invoices().prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("id")),
        Prefetch("payments", queryset=Payment.objects.select_related("recorded_by").order_by("received_at", "id")),
    )


def _invoice_fields(invoice: InvoiceWithTotals) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "member": StaffBillingRef(id=invoice.member.pk, name=str(invoice.member)),
        "status": invoice.status,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "created_at": invoice.created_at,
        "issued_at": invoice.issued_at,
        "due_date": invoice.due_date,
        "total": invoice.total_amount,
        "paid": invoice.paid_amount,
        "balance": invoice.balance_amount,
        "overdue": is_overdue(invoice, today=club_today()),
    }


def invoice_out(invoice: InvoiceWithTotals) -> StaffInvoiceOut:
    return StaffInvoiceOut(**_invoice_fields(invoice))


def line_out(line: InvoiceLine) -> StaffLineOut:
    return StaffLineOut(
        id=line.pk,
        invoice=line.invoice_id,
        kind=line.kind,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        amount=line.amount,
        voided=line.voided,
    )


def payment_out(payment: Payment) -> StaffPaymentOut:
    """Load ``recorded_by`` with it."""
    return StaffPaymentOut(
        id=payment.pk,
        invoice=payment.invoice_id,
        kind=payment.kind,
        amount=payment.amount,
        method=payment.method,
        received_at=payment.received_at,
        reference=payment.reference,
        recorded_by=payment.recorded_by.get_full_name() if payment.recorded_by is not None else None,
    )


def invoice_detail_out(invoice: InvoiceWithTotals) -> StaffInvoiceDetailOut:
    """Read with :func:`invoices_in_detail`."""
    return StaffInvoiceDetailOut(
        **_invoice_fields(invoice),
        lines=[line_out(line) for line in invoice.lines.all()],
        payments=[payment_out(payment) for payment in invoice.payments.all()],
    )
