"""Invoice generation: the plan months, PT sessions and paid classes of a period not billed yet, onto drafts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import OuterRef

from clubsite.core.db import constraint_errors
from members.models import Member

from ..errors import BillingError
from ..models import Invoice, InvoiceLine
from ..selectors import billable_items, billable_members, plan_month_charge, plan_month_text
from ._base import LINE_CONSTRAINTS, description, lock_member, period, when


def _months(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """The first day of every calendar month touching [first, last]."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _billable_lines(
    member_ids: Iterable[int], period_start: datetime.date, period_end: datetime.date
) -> dict[int, list[InvoiceLine]]:
    """Unsaved lines for everything of these members not billed yet: three queries, however many members.

    Callers hold the members' row locks, so no other generation can bill the same things meanwhile.
    """
    member_ids = list(member_ids)
    by_member: dict[int, list[InvoiceLine]] = defaultdict(list)
    if not member_ids:
        return by_member
    items = billable_items(period_start=period_start, period_end=period_end)
    billed_months = InvoiceLine.objects.filter(voided=False, kind=InvoiceLine.Kind.PLAN_MONTH)

    memberships = (
        items.memberships.filter(member_id__in=member_ids)
        .select_related("plan")
        .prefetch_related("freezes")
        .annotate(billed_months=ArraySubquery(billed_months.filter(membership=OuterRef("pk")).values("period_start")))
        .order_by("member_id", "started_on", "pk")
    )
    for membership in memberships:
        active_from = max(period_start, membership.started_on)
        active_to = min(period_end, membership.ended_on or period_end)
        already = set(membership.billed_months)
        freezes = list(membership.freezes.all())
        for month in _months(active_from, active_to):
            if month in already:
                continue
            charge = plan_month_charge(membership=membership, month=month, freezes=freezes)
            # A month frozen throughout costs nothing and needs no line.
            if charge.days_billed <= 0:
                continue
            by_member[membership.member_id].append(
                InvoiceLine(
                    kind=InvoiceLine.Kind.PLAN_MONTH,
                    description=description(plan_month_text(membership, charge)),
                    quantity=1,
                    unit_price=charge.amount,
                    membership=membership,
                    period_start=month,
                )
            )

    timed: dict[int, list[tuple[datetime.datetime, InvoiceLine]]] = defaultdict(list)
    sessions = (
        items.pt_sessions.filter(member_id__in=member_ids)
        .select_related("booking__trainer__user")
        .order_by("booking__start_time", "pk")
    )
    for session in sessions:
        trainer = session.booking.trainer
        with_whom = f" with {trainer.user.get_full_name()}" if trainer is not None else ""
        timed[session.member_id].append(
            (
                session.booking.start_time,
                InvoiceLine(
                    kind=InvoiceLine.Kind.PT_SESSION,
                    description=description(f"Personal training{with_whom} — {when(session.booking.start_time)}"),
                    quantity=1,
                    unit_price=session.price,
                    pt_session=session,
                ),
            )
        )

    registrations = (
        items.class_registrations.filter(member_id__in=member_ids)
        .select_related("group_class__booking")
        .order_by("group_class__booking__start_time", "pk")
    )
    for registration in registrations:
        group_class = registration.group_class
        timed[registration.member_id].append(
            (
                group_class.booking.start_time,
                InvoiceLine(
                    kind=InvoiceLine.Kind.CLASS,
                    description=description(f"{group_class.name} class — {when(group_class.booking.start_time)}"),
                    quantity=1,
                    unit_price=group_class.price,
                    class_registration=registration,
                ),
            )
        )
    for member_id, entries in timed.items():
        entries.sort(key=lambda entry: entry[0])
        by_member[member_id].extend(line for _, line in entries)
    return by_member


def _bill(
    lines_by_member: dict[int, list[InvoiceLine]], period_start: datetime.date, period_end: datetime.date
) -> list[Invoice]:
    """Put each member's lines on their draft for exactly this period, creating drafts where needed."""
    member_ids = sorted(member_id for member_id, lines in lines_by_member.items() if lines)
    if not member_ids:
        return []
    drafts: dict[int, Invoice] = {}
    # Locked after the members (the lock order); a draft issued meanwhile no longer matches here.
    for draft in (
        Invoice.objects.select_for_update()
        .filter(member_id__in=member_ids, status=Invoice.Status.DRAFT, period_start=period_start, period_end=period_end)
        .order_by("member_id", "id")
    ):
        drafts.setdefault(draft.member_id, draft)
    with constraint_errors(LINE_CONSTRAINTS, BillingError):
        new = [
            Invoice(member_id=member_id, period_start=period_start, period_end=period_end)
            for member_id in member_ids
            if member_id not in drafts
        ]
        for invoice in Invoice.objects.bulk_create(new):
            drafts[invoice.member_id] = invoice
        lines = []
        for member_id in member_ids:
            for line in lines_by_member[member_id]:
                line.invoice = drafts[member_id]
                lines.append(line)
        InvoiceLine.objects.bulk_create(lines)
    return [drafts[member_id] for member_id in member_ids]


@transaction.atomic
def invoice_generate(*, member: Member, period_start: datetime.date, period_end: datetime.date) -> Invoice | None:
    """Bill the member's plan months, PT sessions and paid classes of the period not billed yet.

    Returns the draft the new lines went onto, or None when there was nothing new to bill.
    """
    period_start, period_end = period(period_start, period_end)
    # Two generations for one member queue on this lock; the second sees the first's lines.
    member = lock_member(member)
    invoices = _bill(_billable_lines([member.pk], period_start, period_end), period_start, period_end)
    return invoices[0] if invoices else None


@transaction.atomic
def invoice_generate_all(*, period_start: datetime.date, period_end: datetime.date) -> list[Invoice]:
    """Run :func:`invoice_generate` for every member with something to bill, in a fixed number of queries."""
    period_start, period_end = period(period_start, period_end)
    candidates = billable_members(period_start=period_start, period_end=period_end)
    # One statement locks every candidate, in id order so that two batch runs cannot deadlock;
    # what to bill is read only afterwards, so it reflects whatever committed before the locks.
    member_ids = list(candidates.select_for_update().order_by("pk").values_list("pk", flat=True))
    return _bill(_billable_lines(member_ids, period_start, period_end), period_start, period_end)
