"""Money received and given back on an invoice."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import dateformat, timezone

from clubsite.accounts.models import User
from clubsite.core.clock import club_time
from clubsite.core.db import constraint_errors
from clubsite.core.events import publish

from ..errors import BillingError
from ..models import Invoice, Payment
from ..selectors import invoice_totals
from ._base import PAYMENT_CONSTRAINTS, check_reference, lock_invoice, payment_method, positive_money, require_time


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    method: str,
    reference: str = "",
    recorded_by: User | None = None,
    received_at: datetime.datetime | None = None,
) -> Payment:
    """Record money received against an issued invoice, never more than its balance."""
    amount = positive_money(amount)
    method = payment_method(method)
    reference = check_reference(reference)
    received_at = timezone.now() if received_at is None else require_time(received_at, "received_at")
    if received_at > timezone.now():
        raise BillingError("payment_in_future")
    invoice = lock_invoice(invoice)
    if invoice.status == Invoice.Status.PAID:
        raise BillingError("payment_invoice_already_paid")
    if invoice.status != Invoice.Status.ISSUED:
        raise BillingError("payment_invoice_not_issued")
    # Compared as instants (a day of year 1 in the club's zone may not exist in every offset); an issued invoice
    # always has its issue time (CHECK billing_invoice_issued_has_number). To the minute, as the forms show and
    # take times: a payment typed (or defaulted) in the minute the invoice was issued is not "before" it.
    if invoice.issued_at is not None and received_at < invoice.issued_at.replace(second=0, microsecond=0):
        issued_on = dateformat.format(club_time(invoice.issued_at), "j M Y H:i")
        raise BillingError("payment_before_issue", issued_on=issued_on)
    # Read after the lock, in a statement of its own: a sum computed in the locking statement
    # would come from the snapshot taken before waiting and miss a payment committed meanwhile.
    total, paid = invoice_totals(invoice_id=invoice.pk)
    balance = total - paid
    if amount > balance:
        raise BillingError("payment_above_balance")
    with constraint_errors(PAYMENT_CONSTRAINTS, BillingError):
        payment = Payment.objects.create(
            invoice=invoice,
            kind=Payment.Kind.PAYMENT,
            amount=amount,
            method=method,
            reference=reference,
            recorded_by=recorded_by,
            received_at=received_at,
        )
        if amount == balance:
            invoice.status = Invoice.Status.PAID
            invoice.save(update_fields=["status"])
    publish("payment.recorded", payment.pk, invoice_id=invoice.pk, amount=str(amount))
    return payment


@transaction.atomic
def payment_refund(
    *,
    invoice: Invoice,
    amount: Decimal,
    method: str,
    reference: str = "",
    recorded_by: User | None = None,
) -> Payment:
    """Give money back on an invoice, at most what was paid net; a paid invoice owing again is reopened."""
    amount = positive_money(amount)
    method = payment_method(method)
    reference = check_reference(reference)
    invoice = lock_invoice(invoice)
    if invoice.status not in (Invoice.Status.ISSUED, Invoice.Status.PAID):
        raise BillingError("refund_invoice_status")
    total, paid = invoice_totals(invoice_id=invoice.pk)
    if amount > paid:
        raise BillingError("refund_above_paid")
    with constraint_errors(PAYMENT_CONSTRAINTS, BillingError):
        refund = Payment.objects.create(
            invoice=invoice,
            kind=Payment.Kind.REFUND,
            amount=amount,
            method=method,
            reference=reference,
            recorded_by=recorded_by,
        )
        if invoice.status == Invoice.Status.PAID and total - (paid - amount) > 0:
            invoice.status = Invoice.Status.ISSUED
            invoice.save(update_fields=["status"])
    return refund
