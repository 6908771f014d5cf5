"""Dunning: marking invoices overdue (and announcing it once), and recording which payment reminder is due.

One rule decides what is overdue: ``billing.selectors.overdue_invoices`` (issued, past its due date, money
owed). The marking writes down when each invoice it returns became so (``overdue_since``, the day after the
due date, ``selectors.first_overdue_day``) and publishes ``invoice.overdue`` in the same transaction; the field
is the receipt that makes the announcement happen once. Pages keep asking the selector, so an invoice shows
overdue on its first overdue day even before the job ran, and stops being overdue once paid.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from clubsite.core.events import publish

from ..models import Invoice
from ..selectors import first_overdue_day, newly_overdue_invoice_ids, overdue_invoices, reminder_threshold
from ._base import lock_invoice


def invoice_mark_overdue(*, invoice: Invoice, today: datetime.date) -> bool:
    """Mark one invoice overdue and publish ``invoice.overdue``, once; False when it is not (or no longer) due
    for marking: paid meanwhile, or marked by another run first."""
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        # Read again under the lock: a payment committed meanwhile counts, and so does another run's mark.
        if not overdue_invoices(today=today).filter(pk=invoice.pk, overdue_since__isnull=True).exists():
            return False
        assert invoice.due_date is not None  # an overdue invoice has one
        invoice.overdue_since = first_overdue_day(invoice.due_date)
        invoice.save(update_fields=["overdue_since"])
        publish(
            "invoice.overdue",
            invoice.pk,
            member_id=invoice.member_id,
            number=invoice.number,
            due_date=invoice.due_date.isoformat(),
        )
        return True


def invoices_mark_overdue(*, today: datetime.date) -> list[int]:
    """Mark every newly overdue invoice, each in its own transaction; the ids marked now."""
    return [
        pk for pk in newly_overdue_invoice_ids(today=today) if invoice_mark_overdue(invoice=Invoice(pk=pk), today=today)
    ]


def invoice_mark_reminded(*, invoice: Invoice, days: int, thresholds: list[int], today: datetime.date) -> bool:
    """Record that the reminder for ``days`` overdue goes out; False if it is not due (paid meanwhile, or that
    reminder, or a later one, already recorded by another run).

    The caller queues the mail in the same transaction, so the record and the mail stand or fall together.
    """
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        current = (
            overdue_invoices(today=today)
            .filter(pk=invoice.pk)
            .annotate(threshold=reminder_threshold(today=today, days=thresholds))
            .values_list("threshold", flat=True)
            .first()
        )
        if current != days:
            return False
        if invoice.reminded_days_overdue is not None and invoice.reminded_days_overdue >= days:
            return False
        invoice.reminded_days_overdue = days
        invoice.save(update_fields=["reminded_days_overdue"])
        return True
