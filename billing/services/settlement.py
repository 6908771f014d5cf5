"""Settling the bill when a class place or a PT session is cancelled, whoever cancelled it.

Operations cannot call billing (billing sits above it), so every cancellation service of operations sends
``operations.events.places_cancelled`` inside its transaction, with the members concerned locked already.
``on_places_cancelled`` (connected in ``BillingConfig.ready``) settles what was billed for what was cancelled:
a line on a draft is removed; a line on an invoice already sent is credited on the member's draft for this
month. It runs in the cancellation's transaction, so the cancellation and its settlement happen together or
not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from django.conf import settings
from django.db.models import Q, QuerySet

from clubsite.core.clock import club_today
from clubsite.core.db import constraint_errors

from ..errors import BillingError
from ..models import ClassCover, Invoice, InvoiceLine
from ._base import LINE_CONSTRAINTS, description, month_draft
from .coverage import LATE_CANCEL_FEE, NO_SHOW_FEE, charge_fees, release_covers

#: What a cancellation did to the bill, in one word, as every door tells the member.
SettlementOutcome = Literal["removed", "credited", "nothing"]

#: The description of the credit for a line already invoiced when what it billed is cancelled.
CANCELLED_CREDIT = "Credit for {description} (cancelled)"


@dataclass(frozen=True)
class Settlement:
    """What cancelling did to the bills: lines taken off drafts, and credits for lines already sent.

    False when nothing had been billed, so a caller can write ``if settlement:``.
    """

    removed: int = 0
    credited: int = 0
    #: Class credits given back (a seat given up in time) and kept (given up late: the credit paid for it).
    credits_returned: int = 0
    credits_kept: int = 0
    #: Late-cancel fees charged (on this month's draft).
    fees_charged: int = 0

    @property
    def outcome(self) -> SettlementOutcome:
        """ "credited" when a line already invoiced was credited, "removed" when lines came off drafts,
        "nothing" when nothing had been billed: what a door tells the member."""
        if self.credited:
            return "credited"
        if self.removed:
            return "removed"
        return "nothing"

    def __bool__(self) -> bool:
        return bool(self.removed or self.credited)

    def __str__(self) -> str:
        parts = []
        if self.credits_returned:
            parts.append(f"{self.credits_returned} class credit(s) given back")
        if self.credits_kept:
            parts.append(f"{self.credits_kept} class credit(s) kept for a late cancellation")
        if self.fees_charged:
            parts.append(f"{self.fees_charged} late-cancel fee(s) added to this month's bill")
        if self.removed:
            parts.append(f"{self.removed} unpaid line(s) removed from draft invoices")
        if self.credited:
            parts.append(f"{self.credited} line(s) already invoiced credited on this month's draft")
        return "; ".join(parts) or "nothing had been billed"


def settle_lines(lines: QuerySet[InvoiceLine]) -> Settlement:
    """Remove the given lines where they sit on a draft; credit them where the invoice was already sent.

    Callers hold the members' locks; the invoices are locked here (after the members: the lock order).
    """
    invoice_ids = sorted(set(lines.values_list("invoice_id", flat=True)))
    if not invoice_ids:
        return Settlement()
    invoices = {
        invoice.pk: invoice for invoice in Invoice.objects.select_for_update().filter(pk__in=invoice_ids).order_by("pk")
    }
    # Read again under the invoices' locks: a draft may have been issued or voided meanwhile.
    current = list(lines.filter(voided=False).order_by("pk"))
    on_drafts = [line.pk for line in current if invoices[line.invoice_id].status == Invoice.Status.DRAFT]
    sent = [
        line for line in current if invoices[line.invoice_id].status in (Invoice.Status.ISSUED, Invoice.Status.PAID)
    ]
    today = club_today()
    with constraint_errors(LINE_CONSTRAINTS, BillingError):
        InvoiceLine.objects.filter(pk__in=on_drafts).delete()
        drafts: dict[int, Invoice] = {}
        for line in sent:
            member_id = invoices[line.invoice_id].member_id
            if member_id not in drafts:
                drafts[member_id] = month_draft(member_id, today)
            InvoiceLine.objects.create(
                invoice=drafts[member_id],
                kind=InvoiceLine.Kind.CREDIT,
                description=description(CANCELLED_CREDIT.format(description=line.description)),
                quantity=line.quantity,
                unit_price=-line.unit_price,
            )
    return Settlement(removed=len(on_drafts), credited=len(sent))


def settle_cancelled(*, registration_ids: Iterable[int] = (), pt_session_ids: Iterable[int] = ()) -> Settlement:
    """Settle the lines that billed these cancelled class registrations and PT sessions.

    Run inside the cancellation's transaction, with the members concerned locked (operations does both).
    """
    registration_ids, pt_session_ids = tuple(registration_ids), tuple(pt_session_ids)
    if not registration_ids and not pt_session_ids:
        return Settlement()
    billed = Q(kind=InvoiceLine.Kind.CLASS, class_registration_id__in=registration_ids) | Q(
        kind=InvoiceLine.Kind.PT_SESSION, pt_session_id__in=pt_session_ids
    )
    return settle_lines(InvoiceLine.objects.filter(billed, voided=False))


def on_places_cancelled(
    sender: object,
    *,
    registration_ids: Iterable[int] = (),
    pt_session_ids: Iterable[int] = (),
    late_registration_ids: Iterable[int] = (),
    **kwargs: Any,
) -> Settlement:
    """The receiver of ``operations.events.places_cancelled``: what it returns is the cancellation's effect.

    What was billed is settled; credits come back, except for a seat given up late, which keeps its credit or,
    when no credit paid for it, is charged the late-cancel fee.
    """
    registration_ids = tuple(registration_ids)
    settlement = settle_cancelled(registration_ids=registration_ids, pt_session_ids=pt_session_ids)
    returned, kept, owe_fee = release_covers(registration_ids, late_ids=late_registration_ids)
    fees = charge_fees(owe_fee, fee=settings.CLUB_CLASS_LATE_CANCEL_FEE, text=LATE_CANCEL_FEE)
    return replace(settlement, credits_returned=returned, credits_kept=kept, fees_charged=fees)


def on_attendance_marked(
    sender: object, *, attended_ids: Iterable[int] = (), no_show_ids: Iterable[int] = (), **kwargs: Any
) -> int:
    """The receiver of ``operations.events.attendance_marked``: a no-show of a seat the plan paid for owes the
    no-show fee (a credit or a drop-in price was paid already); a place corrected to attended has its fee taken
    back (off the draft, or credited once sent). Returns how many fees it charged."""
    attended_ids, no_show_ids = tuple(attended_ids), tuple(no_show_ids)
    if attended_ids:
        settle_lines(InvoiceLine.objects.filter(kind=InvoiceLine.Kind.FEE, class_registration_id__in=attended_ids))
    plan_paid = ClassCover.objects.filter(registration_id__in=no_show_ids, kind=ClassCover.Kind.PLAN)
    return charge_fees(
        list(plan_paid.values_list("registration_id", flat=True)),
        fee=settings.CLUB_CLASS_NO_SHOW_FEE,
        text=NO_SHOW_FEE,
    )
