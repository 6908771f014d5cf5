"""The mail about a member's bills: their invoice when it is issued, and payment reminders when it is overdue.

Importing this module registers the two notices and connects the receiver that queues the invoice mail on
``invoice.issued`` (``NotificationsConfig.ready`` imports it). Payment reminders are queued by the dunning job
(``billing.tasks.dunning``), once per (invoice, days overdue) by the notice key. Bills always go: a member
cannot turn them off, so they carry no preferences link.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import dateformat

from billing.models import Invoice
from billing.selectors import InvoiceWithTotals, days_overdue, invoices_with_totals, is_overdue, period_text
from clubsite.core.clock import club_today
from clubsite.core.events import Event, happened
from members.templatetags.member_tags import money

from .mail import Mail, site_url
from .notices import notice
from .tasks import queue_notice

INVOICE_ISSUED = "invoice_issued"
PAYMENT_REMINDER = "payment_reminder"


def _invoice(invoice_id: int) -> InvoiceWithTotals | None:
    return invoices_with_totals(Invoice.objects.filter(pk=invoice_id)).select_related("member__user").first()


def _name(invoice: Invoice) -> str:
    return invoice.member.user.first_name or str(invoice.member)


def _link(invoice: Invoice) -> tuple[str, str]:
    return "See your invoice", site_url(reverse("members:invoice-detail", args=[invoice.pk]))


def _day(value: Any) -> str:
    return dateformat.format(value, "j F Y")


@notice(INVOICE_ISSUED)
def invoice_issued(invoice_id: int) -> Mail | None:
    invoice = _invoice(invoice_id)
    # Voided since it was issued (or never issued): the mail would name a bill that is not owed.
    if invoice is None or invoice.status not in (Invoice.Status.ISSUED, Invoice.Status.PAID) or not invoice.number:
        return None
    details = [
        ("Invoice", invoice.number),
        ("Period", period_text(invoice.period_start, invoice.period_end)),
        ("Total", money(invoice.total_amount)),
        ("Amount due", money(invoice.balance_amount)),
    ]
    if invoice.status == Invoice.Status.PAID:
        lead = f"Your invoice {invoice.number} for {period_text(invoice.period_start, invoice.period_end)} is ready."
        paragraphs = ["There is nothing to pay: it is settled."]
    else:
        lead = (
            f"Your invoice {invoice.number} for {period_text(invoice.period_start, invoice.period_end)} is ready: "
            f"{money(invoice.balance_amount)} to pay."
        )
        if invoice.due_date is not None:
            details.append(("Due by", _day(invoice.due_date)))
        paragraphs = ["You can see every line of it, and how to pay, on your invoices page."]
    return Mail(
        to=invoice.member.user.email,
        name=_name(invoice),
        subject=f"Your invoice {invoice.number}",
        lead=lead,
        details=details,
        paragraphs=paragraphs,
        action=_link(invoice),
    )


@notice(PAYMENT_REMINDER)
def payment_reminder(invoice_id: int) -> Mail | None:
    invoice = _invoice(invoice_id)
    today = club_today()
    # Paid (or voided) since the reminder was queued: no reminder.
    if invoice is None or not is_overdue(invoice, today=today) or invoice.due_date is None:
        return None
    days = days_overdue(invoice.due_date, today=today)
    return Mail(
        to=invoice.member.user.email,
        name=_name(invoice),
        subject=f"Reminder: invoice {invoice.number} is {days} days overdue",
        lead=f"Your invoice {invoice.number} was due on {_day(invoice.due_date)} and is now {days} days overdue.",
        details=[
            ("Invoice", invoice.number or ""),
            ("Period", period_text(invoice.period_start, invoice.period_end)),
            ("Due on", _day(invoice.due_date)),
            ("Days overdue", str(days)),
            ("Balance", money(invoice.balance_amount)),
        ],
        paragraphs=["Please pay the balance, or talk to us at the desk if something is wrong with the bill."],
        action=_link(invoice),
    )


def on_invoice_issued(sender: object, event: Event, **kwargs: Any) -> None:
    """Queue the invoice mail in the issuing transaction (a rolled-back issue mails nothing)."""
    if event.name == "invoice.issued":
        queue_notice(INVOICE_ISSUED, event.object_id)


def queue_payment_reminder(invoice_id: int, days: int) -> None:
    """Queue the reminder for ``days`` overdue, in the caller's transaction; sent once per (invoice, days)."""
    queue_notice(PAYMENT_REMINDER, invoice_id, key=f"{invoice_id}:{days}")


happened.connect(on_invoice_issued, dispatch_uid="notifications.billing.on_invoice_issued")
