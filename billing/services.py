"""Billing rules: memberships, invoice generation and lines, issuing, payments, refunds and voids."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import dateformat, timezone

from clubsite.db import constraint_errors
from members.models import Member
from operations import services as scheduling
from operations.models import Booking, ClassRegistration, GroupClass, PersonalTrainingSession

from .models import ZERO, Invoice, InvoiceLine, Membership, MembershipPlan, Payment
from .selectors import invoice_totals


class BillingError(Exception):
    """A billing rule was broken; the message says why and nothing was written."""


MEMBER_REQUIRED = "Choose a member."
PLAN_REQUIRED = "Choose a membership plan."
PLAN_INACTIVE = "This membership plan is no longer offered."
DATE_REQUIRED = "Enter a date."
TIME_INVALID = "Enter a date and time with a time zone."
MEMBERSHIP_REQUIRED = "Choose a membership."
MEMBERSHIP_ALREADY_CURRENT = "This member already has a current membership."
MEMBERSHIP_START_NOT_AFTER_CURRENT = "A new membership must start after the current membership started."
MEMBERSHIP_OVERLAPS_PREVIOUS = "A new membership cannot start before the member's previous membership ended."
MEMBERSHIP_ALREADY_ENDED = "This membership has already ended."
MEMBERSHIP_END_BEFORE_START = "A membership cannot end before it starts."
PERIOD_END_BEFORE_START = "The billing period cannot end before it starts."
PERIOD_TOO_LONG = "A billing period can be at most one year long."
PLAN_MONTH_ALREADY_BILLED = "This membership month is already billed."
CLASS_ALREADY_BILLED = "This class registration is already billed."
PT_SESSION_ALREADY_BILLED = "This personal training session is already billed."
INVOICE_REQUIRED = "Choose an invoice."
INVOICE_NOT_DRAFT = "Lines can only be added to a draft invoice."
LINE_KIND_NOT_MANUAL = "Only manual and credit lines can be added by hand."
DESCRIPTION_REQUIRED = "Enter a description."
DESCRIPTION_TOO_LONG = "A description can be at most 200 characters."
QUANTITY_INVALID = "The quantity must be a whole number from 1 to 1000."
AMOUNT_INVALID = "Enter an amount with at most two decimal places, below 100,000,000."
PRICE_NEGATIVE = "A price cannot be negative; add a credit line instead."
CREDIT_NOT_NEGATIVE = "A credit lowers the total: enter it as a negative amount."
LINE_INVALID = "A line bills exactly the thing its kind names."
INVOICE_ISSUE_NOT_DRAFT = "Only a draft invoice can be issued."
INVOICE_EMPTY = "Add at least one line before issuing the invoice."
INVOICE_NUMBER_MISSING = "An issued invoice has a number and an issue date."
INVOICE_NUMBER_TAKEN = "This invoice number is already in use."
PAYMENT_INVOICE_NOT_ISSUED = "Payments can only be recorded against an issued invoice."
PAYMENT_INVOICE_ALREADY_PAID = "This invoice is already paid in full."
AMOUNT_NOT_POSITIVE = "The amount must be more than zero."
PAYMENT_ABOVE_BALANCE = "The payment is more than the balance still due."
METHOD_INVALID = "Choose a payment method."
REFERENCE_TOO_LONG = "A reference can be at most 80 characters."
PAYMENT_IN_FUTURE = "A payment cannot be received in the future."
REFUND_INVOICE_STATUS = "Refunds can only be made on an issued or paid invoice."
REFUND_ABOVE_PAID = "A refund cannot be more than what was paid on this invoice."
VOID_INVOICE_STATUS = "Only a draft or issued invoice can be voided."
VOID_HAS_PAYMENTS = "An invoice with money received cannot be voided; refund the payments first."
INVOICE_DRAFT_EXISTS = "This member already has a draft invoice for that period: {invoice}."
LINE_REQUIRED = "This invoice line no longer exists."
LINE_REMOVE_NOT_DRAFT = "Lines can only be removed from a draft invoice."
CANCELLED_CREDIT = "Credit for {description} (cancelled)"

MAX_QUANTITY = 1000
MAX_MONEY = Decimal("100000000")  # NUMERIC(10,2)
CENT = Decimal("0.01")
DESCRIPTION_MAX = InvoiceLine._meta.get_field("description").max_length
REFERENCE_MAX = Payment._meta.get_field("reference").max_length

MEMBERSHIP_CONSTRAINTS = {
    "billing_membership_one_current": MEMBERSHIP_ALREADY_CURRENT,
    "billing_membership_end_after_start": MEMBERSHIP_END_BEFORE_START,
}
LINE_CONSTRAINTS = {
    "billing_invoiceline_plan_month_once": PLAN_MONTH_ALREADY_BILLED,
    "billing_invoiceline_class_once": CLASS_ALREADY_BILLED,
    "billing_invoiceline_pt_once": PT_SESSION_ALREADY_BILLED,
    "billing_invoiceline_quantity_positive": QUANTITY_INVALID,
    "billing_invoiceline_price_not_negative": PRICE_NEGATIVE,
    "billing_invoiceline_credit_not_positive": CREDIT_NOT_NEGATIVE,
    "billing_invoiceline_billable_matches_kind": LINE_INVALID,
    "billing_invoice_period_end_after_start": PERIOD_END_BEFORE_START,
}
INVOICE_CONSTRAINTS = {
    "billing_invoice_issued_has_number": INVOICE_NUMBER_MISSING,
    "billing_invoice_number_key": INVOICE_NUMBER_TAKEN,
    "billing_invoice_period_end_after_start": PERIOD_END_BEFORE_START,
}
PAYMENT_CONSTRAINTS = {"billing_payment_amount_positive": AMOUNT_NOT_POSITIVE}


# --- input checks -------------------------------------------------------------------------------


def _require_date(value: object) -> datetime.date:
    # A datetime is a date too; refusing it keeps a timestamp from silently becoming a day.
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise BillingError(DATE_REQUIRED)
    return value


def _require_time(value: object) -> datetime.datetime:
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise BillingError(TIME_INVALID)
    return value


def _money(value: object) -> Decimal:
    if value is None or isinstance(value, bool):
        raise BillingError(AMOUNT_INVALID)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BillingError(AMOUNT_INVALID) from None
    if not amount.is_finite() or amount != amount.quantize(CENT) or abs(amount) >= MAX_MONEY:
        raise BillingError(AMOUNT_INVALID)
    return amount.quantize(CENT)


def _positive_money(value: object) -> Decimal:
    amount = _money(value)
    if amount <= 0:
        raise BillingError(AMOUNT_NOT_POSITIVE)
    return amount


def _method(value: object) -> str:
    if value not in Payment.Method.values:
        raise BillingError(METHOD_INVALID)
    return str(value)


def _reference(value: object) -> str:
    reference = (value or "").strip() if isinstance(value, str) or value is None else None
    if reference is None or len(reference) > REFERENCE_MAX:
        raise BillingError(REFERENCE_TOO_LONG)
    return reference


def _period(period_start: object, period_end: object) -> tuple[datetime.date, datetime.date]:
    start, end = _require_date(period_start), _require_date(period_end)
    if end < start:
        raise BillingError(PERIOD_END_BEFORE_START)
    # A longer run is almost certainly a typo in the year, and would bill dozens of months at once.
    try:
        year_later = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        year_later = start.replace(year=start.year + 1, month=3, day=1)
    if end >= year_later:
        raise BillingError(PERIOD_TOO_LONG)
    return start, end


# --- locks --------------------------------------------------------------------------------------


def _lock_member(member: Member | None) -> Member:
    if not isinstance(member, Member) or member.pk is None:
        raise BillingError(MEMBER_REQUIRED)
    # order_by("pk"): the default ordering joins users, and FOR UPDATE would lock that row too.
    locked = Member.objects.select_for_update().order_by("pk").filter(pk=member.pk).first()
    if locked is None:
        raise BillingError(MEMBER_REQUIRED)
    return locked


def _lock_invoice(invoice: Invoice | None) -> Invoice:
    if not isinstance(invoice, Invoice) or invoice.pk is None:
        raise BillingError(INVOICE_REQUIRED)
    locked = Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
    if locked is None:
        raise BillingError(INVOICE_REQUIRED)
    return locked


# --- memberships --------------------------------------------------------------------------------


@transaction.atomic
def membership_start(*, member: Member, plan: MembershipPlan, started_on: datetime.date) -> Membership:
    """Start ``plan`` for ``member`` on ``started_on``, ending the current membership the day before."""
    started_on = _require_date(started_on)
    if not isinstance(plan, MembershipPlan) or plan.pk is None:
        raise BillingError(PLAN_REQUIRED)
    member = _lock_member(member)
    plan = MembershipPlan.objects.filter(pk=plan.pk).first()
    if plan is None:
        raise BillingError(PLAN_REQUIRED)
    if not plan.is_active:
        raise BillingError(PLAN_INACTIVE)

    memberships = list(Membership.objects.select_for_update().filter(member=member))
    current = next((m for m in memberships if m.ended_on is None), None)
    if current is not None and started_on <= current.started_on:
        raise BillingError(MEMBERSHIP_START_NOT_AFTER_CURRENT)
    # Overlapping memberships would bill two plans for the same days.
    if any(m.ended_on is not None and m.ended_on >= started_on for m in memberships):
        raise BillingError(MEMBERSHIP_OVERLAPS_PREVIOUS)

    with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
        if current is not None:
            current.ended_on = started_on - datetime.timedelta(days=1)
            current.save(update_fields=["ended_on"])
        # The partial unique index is the last word if a membership appeared without our lock.
        return Membership.objects.create(member=member, plan=plan, started_on=started_on)


@transaction.atomic
def membership_end(*, membership: Membership, ended_on: datetime.date) -> Membership:
    """End a current membership on ``ended_on`` (its last active day)."""
    ended_on = _require_date(ended_on)
    if not isinstance(membership, Membership) or membership.pk is None:
        raise BillingError(MEMBERSHIP_REQUIRED)
    _lock_member(membership.member)
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise BillingError(MEMBERSHIP_REQUIRED)
    if locked.ended_on is not None:
        raise BillingError(MEMBERSHIP_ALREADY_ENDED)
    if ended_on < locked.started_on:
        raise BillingError(MEMBERSHIP_END_BEFORE_START)
    locked.ended_on = ended_on
    with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
        locked.save(update_fields=["ended_on"])
    return locked


# --- invoice generation -------------------------------------------------------------------------


def _months(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """The first day of every calendar month touching [first, last]."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _club_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in the club's zone: the period as members read it."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
    )


def _club_time(moment: datetime.datetime) -> str:
    return dateformat.format(timezone.localtime(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE)), "D j M Y H:i")


def _description(text: str) -> str:
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


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
    starts_at, ends_before = _club_bounds(period_start, period_end)
    billed = InvoiceLine.objects.filter(voided=False)

    memberships = (
        Membership.objects.filter(member_id__in=member_ids, started_on__lte=period_end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period_start))
        .select_related("plan")
        .annotate(
            billed_months=ArraySubquery(
                billed.filter(kind=InvoiceLine.Kind.PLAN_MONTH, membership=OuterRef("pk")).values("period_start")
            )
        )
        .order_by("member_id", "started_on", "pk")
    )
    for membership in memberships:
        active_from = max(period_start, membership.started_on)
        active_to = min(period_end, membership.ended_on or period_end)
        already = set(membership.billed_months)
        for month in _months(active_from, active_to):
            if month in already:
                continue
            by_member[membership.member_id].append(
                InvoiceLine(
                    kind=InvoiceLine.Kind.PLAN_MONTH,
                    description=_description(f"{membership.plan.name} membership — {dateformat.format(month, 'F Y')}"),
                    quantity=1,
                    unit_price=membership.plan.monthly_fee,
                    membership=membership,
                    period_start=month,
                )
            )

    timed: dict[int, list[tuple[datetime.datetime, InvoiceLine]]] = defaultdict(list)
    sessions = (
        PersonalTrainingSession.objects.filter(
            member_id__in=member_ids,
            booking__start_time__gte=starts_at,
            booking__start_time__lt=ends_before,
        )
        .exclude(booking__status=Booking.Status.CANCELLED)
        .filter(~Exists(billed.filter(kind=InvoiceLine.Kind.PT_SESSION, pt_session=OuterRef("pk"))))
        .select_related("booking__trainer__user")
        .order_by("booking__start_time", "pk")
    )
    for session in sessions:
        trainer = session.booking.trainer
        with_whom = f" with {trainer.user.get_full_name()}" if trainer is not None else ""
        when = _club_time(session.booking.start_time)
        timed[session.member_id].append(
            (
                session.booking.start_time,
                InvoiceLine(
                    kind=InvoiceLine.Kind.PT_SESSION,
                    description=_description(f"Personal training{with_whom} — {when}"),
                    quantity=1,
                    unit_price=session.price,
                    pt_session=session,
                ),
            )
        )

    registrations = (
        ClassRegistration.objects.filter(
            member_id__in=member_ids,
            status__in=ClassRegistration.SEATED,
            group_class__price__gt=0,
            group_class__booking__start_time__gte=starts_at,
            group_class__booking__start_time__lt=ends_before,
        )
        .exclude(group_class__booking__status=Booking.Status.CANCELLED)
        .filter(~Exists(billed.filter(kind=InvoiceLine.Kind.CLASS, class_registration=OuterRef("pk"))))
        .select_related("group_class__booking")
        .order_by("group_class__booking__start_time", "pk")
    )
    for registration in registrations:
        group_class = registration.group_class
        when = _club_time(group_class.booking.start_time)
        timed[registration.member_id].append(
            (
                group_class.booking.start_time,
                InvoiceLine(
                    kind=InvoiceLine.Kind.CLASS,
                    description=_description(f"{group_class.name} class — {when}"),
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
    for draft in Invoice.objects.select_for_update().filter(
        member_id__in=member_ids, status=Invoice.Status.DRAFT, period_start=period_start, period_end=period_end
    ).order_by("member_id", "id"):
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
    period_start, period_end = _period(period_start, period_end)
    # Two generations for one member queue on this lock; the second sees the first's lines.
    member = _lock_member(member)
    invoices = _bill(_billable_lines([member.pk], period_start, period_end), period_start, period_end)
    return invoices[0] if invoices else None


@transaction.atomic
def invoice_generate_all(*, period_start: datetime.date, period_end: datetime.date) -> list[Invoice]:
    """Run :func:`invoice_generate` for every member with something to bill, in a fixed number of queries."""
    period_start, period_end = _period(period_start, period_end)
    starts_at, ends_before = _club_bounds(period_start, period_end)
    billed = InvoiceLine.objects.filter(voided=False)
    candidates = Member.objects.filter(
        Exists(
            Membership.objects.filter(member=OuterRef("pk"), started_on__lte=period_end).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=period_start)
            )
        )
        | Exists(
            PersonalTrainingSession.objects.filter(
                member=OuterRef("pk"), booking__start_time__gte=starts_at, booking__start_time__lt=ends_before
            )
            .exclude(booking__status=Booking.Status.CANCELLED)
            .filter(~Exists(billed.filter(kind=InvoiceLine.Kind.PT_SESSION, pt_session=OuterRef("pk"))))
        )
        | Exists(
            ClassRegistration.objects.filter(
                member=OuterRef("pk"),
                status__in=ClassRegistration.SEATED,
                group_class__price__gt=0,
                group_class__booking__start_time__gte=starts_at,
                group_class__booking__start_time__lt=ends_before,
            )
            .exclude(group_class__booking__status=Booking.Status.CANCELLED)
            .filter(~Exists(billed.filter(kind=InvoiceLine.Kind.CLASS, class_registration=OuterRef("pk"))))
        )
    )
    # One statement locks every candidate, in id order so that two batch runs cannot deadlock;
    # what to bill is read only afterwards, so it reflects whatever committed before the locks.
    member_ids = list(candidates.select_for_update().order_by("pk").values_list("pk", flat=True))
    return _bill(_billable_lines(member_ids, period_start, period_end), period_start, period_end)


# --- invoice lines and issuing ------------------------------------------------------------------


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
        raise BillingError(LINE_KIND_NOT_MANUAL)
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        raise BillingError(DESCRIPTION_REQUIRED)
    if len(description) > DESCRIPTION_MAX:
        raise BillingError(DESCRIPTION_TOO_LONG)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise BillingError(QUANTITY_INVALID)
    unit_price = _money(unit_price)
    if kind == InvoiceLine.Kind.MANUAL and unit_price < 0:
        raise BillingError(PRICE_NEGATIVE)
    if kind == InvoiceLine.Kind.CREDIT and unit_price > 0:
        raise BillingError(CREDIT_NOT_NEGATIVE)
    invoice = _lock_invoice(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError(INVOICE_NOT_DRAFT)
    with constraint_errors(LINE_CONSTRAINTS, BillingError):
        return InvoiceLine.objects.create(
            invoice=invoice, kind=kind, description=description, quantity=quantity, unit_price=unit_price
        )


def _number(invoice: Invoice, moment: datetime.datetime) -> str:
    return f"INV-{timezone.localdate(moment):%Y}-{invoice.pk:06d}"


@transaction.atomic
def invoice_issue(*, invoice: Invoice, issued_at: datetime.datetime | None = None) -> Invoice:
    """Number a draft and make it due; one that totals zero or less is settled at once (PAID)."""
    issued_at = timezone.now() if issued_at is None else _require_time(issued_at)
    invoice = _lock_invoice(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError(INVOICE_ISSUE_NOT_DRAFT)
    if not invoice.lines.filter(voided=False).exists():
        raise BillingError(INVOICE_EMPTY)
    total, _paid = invoice_totals(invoice_id=invoice.pk)
    invoice.number = _number(invoice, issued_at)
    invoice.issued_at = issued_at
    invoice.due_date = timezone.localdate(issued_at) + datetime.timedelta(days=settings.INVOICE_DUE_DAYS)
    invoice.status = Invoice.Status.ISSUED if total > 0 else Invoice.Status.PAID
    with constraint_errors(INVOICE_CONSTRAINTS, BillingError):
        invoice.save(update_fields=["number", "issued_at", "due_date", "status"])
    return invoice


# --- payments, refunds and voids ----------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    method: str,
    reference: str = "",
    recorded_by=None,
    received_at: datetime.datetime | None = None,
) -> Payment:
    """Record money received against an issued invoice, never more than its balance."""
    amount = _positive_money(amount)
    method = _method(method)
    reference = _reference(reference)
    received_at = timezone.now() if received_at is None else _require_time(received_at)
    if received_at > timezone.now():
        raise BillingError(PAYMENT_IN_FUTURE)
    invoice = _lock_invoice(invoice)
    if invoice.status == Invoice.Status.PAID:
        raise BillingError(PAYMENT_INVOICE_ALREADY_PAID)
    if invoice.status != Invoice.Status.ISSUED:
        raise BillingError(PAYMENT_INVOICE_NOT_ISSUED)
    # Read after the lock, in a statement of its own: a sum computed in the locking statement
    # would come from the snapshot taken before waiting and miss a payment committed meanwhile.
    total, paid = invoice_totals(invoice_id=invoice.pk)
    balance = total - paid
    if amount > balance:
        raise BillingError(PAYMENT_ABOVE_BALANCE)
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
    return payment


@transaction.atomic
def payment_refund(
    *, invoice: Invoice, amount: Decimal, method: str, reference: str = "", recorded_by=None
) -> Payment:
    """Give money back on an invoice, at most what was paid net; a paid invoice owing again is reopened."""
    amount = _positive_money(amount)
    method = _method(method)
    reference = _reference(reference)
    invoice = _lock_invoice(invoice)
    if invoice.status not in (Invoice.Status.ISSUED, Invoice.Status.PAID):
        raise BillingError(REFUND_INVOICE_STATUS)
    total, paid = invoice_totals(invoice_id=invoice.pk)
    if amount > paid:
        raise BillingError(REFUND_ABOVE_PAID)
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


@transaction.atomic
def invoice_void(*, invoice: Invoice) -> Invoice:
    """Cancel a draft or issued invoice that holds no money; what it billed can be billed again."""
    invoice = _lock_invoice(invoice)
    if invoice.status not in (Invoice.Status.DRAFT, Invoice.Status.ISSUED):
        raise BillingError(VOID_INVOICE_STATUS)
    _total, paid = invoice_totals(invoice_id=invoice.pk)
    if paid != ZERO:
        raise BillingError(VOID_HAS_PAYMENTS)
    invoice.status = Invoice.Status.VOID
    with constraint_errors(INVOICE_CONSTRAINTS, BillingError):
        invoice.save(update_fields=["status"])
        invoice.lines.update(voided=True)
    return invoice


# --- drafts by hand, and settling what was billed for something cancelled ----------------------


@transaction.atomic
def invoice_create(*, member: Member, period_start: datetime.date, period_end: datetime.date) -> Invoice:
    """Open an empty draft for a member and period, for lines added by hand."""
    period_start, period_end = _period(period_start, period_end)
    member = _lock_member(member)
    existing = Invoice.objects.filter(
        member=member, status=Invoice.Status.DRAFT, period_start=period_start, period_end=period_end
    ).first()
    if existing is not None:
        raise BillingError(INVOICE_DRAFT_EXISTS.format(invoice=existing))
    with constraint_errors(INVOICE_CONSTRAINTS, BillingError):
        return Invoice.objects.create(member=member, period_start=period_start, period_end=period_end)


@transaction.atomic
def invoice_line_remove(*, line: InvoiceLine) -> None:
    """Take a line off a draft invoice; what it billed can be billed again."""
    if not isinstance(line, InvoiceLine) or line.pk is None:
        raise BillingError(LINE_REQUIRED)
    invoice_id = InvoiceLine.objects.filter(pk=line.pk).values_list("invoice_id", flat=True).first()
    if invoice_id is None:
        raise BillingError(LINE_REQUIRED)
    invoice = _lock_invoice(Invoice(pk=invoice_id))
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError(LINE_REMOVE_NOT_DRAFT)
    deleted, _ = InvoiceLine.objects.filter(pk=line.pk, invoice=invoice).delete()
    if not deleted:
        raise BillingError(LINE_REQUIRED)


@dataclass(frozen=True)
class Settlement:
    """What cancelling did to the bills: lines taken off drafts, and credits for lines already sent."""

    removed: int = 0
    credited: int = 0

    def __str__(self) -> str:
        parts = []
        if self.removed:
            parts.append(f"{self.removed} unpaid line(s) removed from draft invoices")
        if self.credited:
            parts.append(f"{self.credited} line(s) already invoiced credited on this month's draft")
        return "; ".join(parts) or "nothing had been billed"


def _credit_draft(member_id: int, today: datetime.date) -> Invoice:
    """The member's draft for this calendar month (club time), created when there is none; locked."""
    first = today.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    draft = (
        Invoice.objects.select_for_update()
        .filter(member_id=member_id, status=Invoice.Status.DRAFT, period_start=first, period_end=last)
        .order_by("id")
        .first()
    )
    if draft is None:
        draft = Invoice.objects.create(member_id=member_id, period_start=first, period_end=last)
    return draft


def _settle_cancelled(lines) -> Settlement:
    """Remove the given lines where they sit on a draft; credit them where the invoice was already sent.

    Callers hold the members' locks; the invoices are locked here (after the members: the lock order).
    """
    invoice_ids = sorted(set(lines.values_list("invoice_id", flat=True)))
    if not invoice_ids:
        return Settlement()
    invoices = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update().filter(pk__in=invoice_ids).order_by("pk")
    }
    # Read again under the invoices' locks: a draft may have been issued or voided meanwhile.
    current = list(lines.filter(voided=False).order_by("pk"))
    on_drafts = [line.pk for line in current if invoices[line.invoice_id].status == Invoice.Status.DRAFT]
    sent = [
        line
        for line in current
        if invoices[line.invoice_id].status in (Invoice.Status.ISSUED, Invoice.Status.PAID)
    ]
    today = timezone.localdate()
    with constraint_errors(LINE_CONSTRAINTS, BillingError):
        InvoiceLine.objects.filter(pk__in=on_drafts).delete()
        drafts: dict[int, Invoice] = {}
        for line in sent:
            member_id = invoices[line.invoice_id].member_id
            if member_id not in drafts:
                drafts[member_id] = _credit_draft(member_id, today)
            InvoiceLine.objects.create(
                invoice=drafts[member_id],
                kind=InvoiceLine.Kind.CREDIT,
                description=_description(CANCELLED_CREDIT.format(description=line.description)),
                quantity=line.quantity,
                unit_price=-line.unit_price,
            )
    return Settlement(removed=len(on_drafts), credited=len(sent))


def _lock_members(member_ids: Iterable[int]) -> None:
    # In id order, and without the default ordering's join (FOR UPDATE would lock the users too).
    list(Member.objects.select_for_update().filter(pk__in=set(member_ids)).order_by("pk").values_list("pk"))


def _cancel_and_settle(*, members, cancel: Callable[[], object], billed) -> Settlement:
    """Lock the members (first, in the lock order), cancel, then settle the lines that billed what was cancelled.

    Callers run it in their transaction: all of it happens, or none.
    """
    _lock_members(members)
    try:
        cancel()
    except scheduling.SchedulingError as error:
        raise BillingError(str(error)) from error
    return _settle_cancelled(billed.filter(voided=False))


@transaction.atomic
def class_cancel_and_settle(*, group_class: GroupClass) -> Settlement:
    """Cancel a class (registrations cancelled, members told) and settle what was billed for it.

    Lines on draft invoices are removed; lines on invoices already sent are credited on the member's
    draft for this month. All of it happens, or none.
    """
    pk = getattr(group_class, "pk", None)
    # Every member with a registration: no invoice run can bill this class meanwhile.
    return _cancel_and_settle(
        members=ClassRegistration.objects.filter(group_class_id=pk).values_list("member_id", flat=True),
        cancel=lambda: scheduling.class_cancel(group_class=group_class),
        billed=InvoiceLine.objects.filter(kind=InvoiceLine.Kind.CLASS, class_registration__group_class_id=pk),
    )


@transaction.atomic
def class_registration_cancel_and_settle(*, registration: ClassRegistration) -> Settlement:
    """Give up a place in a class (the member, or the front desk for them) and settle what was billed for it.

    The waitlist moves up as ``operations.services.class_registration_cancel`` says; a charge for the place
    comes off a draft invoice, or is credited on this month's draft when the invoice was already sent.
    """
    pk = getattr(registration, "pk", None)
    return _cancel_and_settle(
        members=ClassRegistration.objects.filter(pk=pk).values_list("member_id", flat=True),
        cancel=lambda: scheduling.class_registration_cancel(registration=registration),
        billed=InvoiceLine.objects.filter(kind=InvoiceLine.Kind.CLASS, class_registration_id=pk),
    )


@transaction.atomic
def pt_session_cancel_and_settle(*, session: PersonalTrainingSession, by_member: bool = False) -> Settlement:
    """Cancel a PT session and settle what was billed for it, as for a class.

    Staff have no cut-off; a member (``by_member``) cannot cancel within it.
    """
    pk = getattr(session, "pk", None)
    return _cancel_and_settle(
        members=PersonalTrainingSession.objects.filter(pk=pk).values_list("member_id", flat=True),
        cancel=lambda: scheduling.pt_session_cancel(session=session, by_member=by_member),
        billed=InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PT_SESSION, pt_session_id=pk),
    )


def booking_cancel_and_settle(*, booking: Booking) -> Settlement:
    """Cancel any booking; a class or PT session has what was billed for it settled too."""
    pk = getattr(booking, "pk", None)
    current = Booking.objects.select_related("group_class", "pt_session").filter(pk=pk).first() if pk else None
    if current is None:
        raise BillingError(scheduling.BOOKING_REQUIRED)
    if hasattr(current, "group_class"):
        return class_cancel_and_settle(group_class=current.group_class)
    if hasattr(current, "pt_session"):
        return pt_session_cancel_and_settle(session=current.pt_session)
    try:
        scheduling.booking_cancel(booking=current)
    except scheduling.SchedulingError as error:
        raise BillingError(str(error)) from error
    return Settlement()
