"""Reads of invoices with their totals, paid amounts and balances, each in a fixed number of queries; and what a
period has to bill."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypeAlias, TypedDict

from django.conf import settings
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import dateformat
from django_stubs_ext import WithAnnotations

from clubsite.core.clock import add_months, club_zone, day_bounds, month_end, month_start
from members.models import Member
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.selectors import cancellation_is_late, class_cutoff_hours

from .models import (
    ZERO,
    BillingRun,
    ClassCover,
    CreditPack,
    Invoice,
    InvoiceLine,
    Membership,
    MembershipFreeze,
    MembershipPlan,
    Payment,
)

# Sums of money can exceed a single NUMERIC(10,2) column; give them room.
MONEY: DecimalField[Any, Decimal] = DecimalField(max_digits=14, decimal_places=2)


class InvoiceTotals(TypedDict):
    total_amount: Decimal
    paid_amount: Decimal
    balance_amount: Decimal


#: An invoice read with :func:`invoices_with_totals`.
InvoiceWithTotals: TypeAlias = "WithAnnotations[Invoice, InvoiceTotals]"


def period_text(period_start: datetime.date, period_end: datetime.date) -> str:
    """A period as staff and members read it: "March 2025" for a calendar month, else its first and last day."""
    month_end = (period_start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    if period_start.day == 1 and period_end == month_end:
        return dateformat.format(period_start, "F Y")
    return f"{dateformat.format(period_start, 'j M Y')} – {dateformat.format(period_end, 'j M Y')}"


def _zero() -> Value:
    return Value(ZERO, output_field=MONEY)


def _lines_total() -> Subquery:
    # A correlated subquery per invoice, not a join: joining lines and payments together would
    # multiply each sum by the row count of the other table.
    lines = (
        InvoiceLine.objects.filter(invoice=OuterRef("pk"), voided=False)
        .order_by()
        .values("invoice")
        .annotate(total=Sum(ExpressionWrapper(F("quantity") * F("unit_price"), output_field=MONEY)))
        .values("total")
    )
    return Subquery(lines, output_field=MONEY)


def _paid_net() -> Subquery:
    payments = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(
            net=Sum(
                Case(
                    When(kind=Payment.Kind.REFUND, then=-F("amount")),
                    default=F("amount"),
                    output_field=MONEY,
                )
            )
        )
        .values("net")
    )
    return Subquery(payments, output_field=MONEY)


def invoices_with_totals(queryset: QuerySet[Invoice] | None = None) -> QuerySet[InvoiceWithTotals]:
    """Annotate ``total_amount``, ``paid_amount`` (net of refunds) and ``balance_amount`` in the same query.

    The names differ from the model's ``total``/``balance`` properties, which cannot be overwritten.
    A void invoice owes nothing, as its ``balance`` property says.
    """
    queryset = Invoice.objects.all() if queryset is None else queryset
    return queryset.annotate(
        total_amount=Coalesce(_lines_total(), _zero(), output_field=MONEY),
        paid_amount=Coalesce(_paid_net(), _zero(), output_field=MONEY),
    ).annotate(
        balance_amount=Case(
            When(status=Invoice.Status.VOID, then=_zero()),
            default=ExpressionWrapper(F("total_amount") - F("paid_amount"), output_field=MONEY),
            output_field=MONEY,
        )
    )


def invoice_totals(*, invoice_id: int) -> tuple[Decimal, Decimal]:
    """(total, net paid) of one invoice, read fresh: services call this after locking the invoice row."""
    row = invoices_with_totals(Invoice.objects.filter(pk=invoice_id)).values("total_amount", "paid_amount").get()
    return row["total_amount"], row["paid_amount"]


def _member_invoices(member: Member) -> QuerySet[Invoice]:
    # Drafts are staff work in progress: a member sees an invoice once it is issued.
    return Invoice.objects.filter(member=member).exclude(status=Invoice.Status.DRAFT)


def invoice_list_for_member(*, member: Member) -> QuerySet[InvoiceWithTotals]:
    """The member's issued, paid and void invoices, newest period first, with totals; one query."""
    return invoices_with_totals(_member_invoices(member)).order_by("-period_start", "-id")


def member_outstanding_balance(*, member: Member) -> Decimal:
    """What the member still owes on issued invoices; one query."""
    result = invoices_with_totals(Invoice.objects.filter(member=member, status=Invoice.Status.ISSUED)).aggregate(
        outstanding=Sum("balance_amount")
    )
    return result["outstanding"] or ZERO


def invoices_in_full(queryset: QuerySet[Invoice] | None = None) -> QuerySet[InvoiceWithTotals]:
    """Invoices with their member, totals, lines and payments, as a page or a document shows one: three queries,
    whatever the number of lines."""
    queryset = Invoice.objects.all() if queryset is None else queryset
    return invoices_with_totals(queryset.select_related("member__user")).prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("id")),
        Prefetch("payments", queryset=Payment.objects.order_by("received_at", "id")),
    )


def invoice_detail(*, member: Member, invoice_id: int) -> InvoiceWithTotals | None:
    """One of the member's invoices with its lines and payments (three queries), or None if not theirs."""
    try:
        invoice_id = int(invoice_id)
    except (TypeError, ValueError):
        return None
    return invoices_in_full(_member_invoices(member)).filter(pk=invoice_id).first()


def first_overdue_day(due_date: datetime.date) -> datetime.date:
    """The day an invoice due on ``due_date`` becomes overdue (``Invoice.overdue_since``): the day after."""
    return due_date + datetime.timedelta(days=1)


def days_overdue(due_date: datetime.date, *, today: datetime.date) -> int:
    """How many days past its due date an invoice is today: 1 on its first overdue day."""
    return (today - due_date).days


def is_overdue(invoice: InvoiceWithTotals, *, today: datetime.date) -> bool:
    """The test ``overdue_invoices`` applies in SQL, for one invoice already read with its totals: issued,
    past its due date, money still owed."""
    return (
        invoice.status == Invoice.Status.ISSUED
        and invoice.due_date is not None
        and invoice.due_date < today
        and invoice.balance_amount > ZERO
    )


def overdue_invoices(*, today: datetime.date) -> QuerySet[InvoiceWithTotals]:
    """Issued invoices past their due date with money still owed, oldest due first; one query."""
    return (
        invoices_with_totals(Invoice.objects.filter(status=Invoice.Status.ISSUED, due_date__lt=today))
        .filter(balance_amount__gt=ZERO)
        .select_related("member__user")
        .order_by("due_date", "id")
    )


def newly_overdue_invoice_ids(*, today: datetime.date) -> list[int]:
    """Overdue invoices (:func:`overdue_invoices`) not yet marked with ``overdue_since``, in id order; one query."""
    fresh = overdue_invoices(today=today).filter(overdue_since__isnull=True)
    return list(fresh.order_by("pk").values_list("pk", flat=True))


def reminder_threshold(*, today: datetime.date, days: Iterable[int]) -> Case | Value:
    """SQL for the highest of ``days`` an invoice's days overdue has reached (NULL below the lowest)."""
    whens = [
        When(due_date__lte=today - datetime.timedelta(days=threshold), then=Value(threshold))
        for threshold in sorted(set(days), reverse=True)
    ]
    return Case(*whens, default=Value(None)) if whens else Value(None)


def payment_reminders_due(*, today: datetime.date, days: Iterable[int]) -> list[tuple[int, int]]:
    """(invoice id, threshold) for each overdue invoice whose highest reached reminder day has not been
    reminded of yet, in id order; one query.

    Only the highest threshold reached counts: after a worker was down over day 7 and day 14, the next run
    sends the day-14 reminder alone, not the three it missed.
    """
    due = (
        overdue_invoices(today=today)
        .annotate(threshold=reminder_threshold(today=today, days=days))
        .filter(threshold__isnull=False)
        .filter(Q(reminded_days_overdue__isnull=True) | Q(reminded_days_overdue__lt=F("threshold")))
        .order_by("pk")
        .values_list("pk", "threshold")
    )
    return [(pk, int(threshold)) for pk, threshold in due]


def overdue_invoice_count(*, today: datetime.date) -> int:
    """How many issued invoices are past their due date, counted from the index alone; one query.

    An issued invoice always owes money (the payment that settles it marks it paid), so no sums are needed.
    """
    return Invoice.objects.filter(status=Invoice.Status.ISSUED, due_date__lt=today).count()


def revenue_by_day(*, first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, Decimal]]:
    """Money received on each day from ``first`` to ``last`` (club time), net of refunds; one query.

    Every day is listed, a day without payments as zero.
    """
    start, end = day_bounds(first, last)
    received = dict(
        Payment.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(day=TruncDate("received_at", tzinfo=club_zone()))
        .order_by()
        .values("day")
        .annotate(
            net=Sum(Case(When(kind=Payment.Kind.REFUND, then=-F("amount")), default=F("amount"), output_field=MONEY))
        )
        .values_list("day", "net")
    )
    days = (first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1))
    return [(day, received.get(day, ZERO)) for day in days]


def scheduled_run_finished(*, period_start: datetime.date, period_end: datetime.date) -> bool:
    """Whether the schedule has already billed this period to the end (a staff run does not count); one query."""
    return BillingRun.objects.filter(
        trigger=BillingRun.Trigger.SCHEDULE,
        status=BillingRun.Status.FINISHED,
        period_start=period_start,
        period_end=period_end,
    ).exists()


def billing_runs() -> QuerySet[BillingRun]:
    """Every billing run, newest first, with who started it; one query (a page of it)."""
    return BillingRun.objects.select_related("started_by").order_by("-started_at", "-id")


@dataclass(frozen=True)
class BillableItems:
    """What a period may bill, for every member; a caller narrows each to its members
    (``.filter(member_id__in=ids)``, or ``.filter(member=OuterRef("pk"))`` to find who has something to bill)."""

    #: Memberships active on some day of the period; which of their months are billed already is the caller's to see.
    memberships: QuerySet[Membership]
    #: PT sessions starting in the period, not cancelled, not billed yet.
    pt_sessions: QuerySet[PersonalTrainingSession]
    #: Seats taken in paid classes starting in the period, the class not cancelled, paid neither by the plan nor
    #: by a credit, not billed yet.
    class_registrations: QuerySet[ClassRegistration]


def billable_items(*, period_start: datetime.date, period_end: datetime.date) -> BillableItems:
    """The one rule of what is billable in [period_start, period_end] (whole days on the club's clock)."""
    starts_at, ends_before = day_bounds(period_start, period_end)
    billed = InvoiceLine.objects.filter(voided=False)
    return BillableItems(
        memberships=Membership.objects.filter(started_on__lte=period_end).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=period_start)
        ),
        pt_sessions=PersonalTrainingSession.objects.filter(
            booking__start_time__gte=starts_at, booking__start_time__lt=ends_before
        )
        .exclude(booking__status=Booking.Status.CANCELLED)
        .filter(~Exists(billed.filter(kind=InvoiceLine.Kind.PT_SESSION, pt_session=OuterRef("pk")))),
        # A seat the plan or a credit paid for is not billed again; a drop-in (and a seat taken before covers
        # were recorded) is billed at the class's price.
        class_registrations=ClassRegistration.objects.filter(
            status__in=ClassRegistration.TAKEN,
            group_class__price__gt=0,
            group_class__booking__start_time__gte=starts_at,
            group_class__booking__start_time__lt=ends_before,
        )
        .exclude(group_class__booking__status=Booking.Status.CANCELLED)
        .exclude(cover__kind__in=[ClassCover.Kind.PLAN, ClassCover.Kind.CREDIT])
        .filter(~Exists(billed.filter(kind=InvoiceLine.Kind.CLASS, class_registration=OuterRef("pk")))),
    )


def billable_members(*, period_start: datetime.date, period_end: datetime.date) -> QuerySet[Member]:
    """Every member with something :func:`billable_items` may bill in the period (a plan month may already be
    billed: generation sees that), by id; the run for all and the monthly run start here."""
    items = billable_items(period_start=period_start, period_end=period_end)
    return Member.objects.filter(
        Exists(items.memberships.filter(member=OuterRef("pk")))
        | Exists(items.pt_sessions.filter(member=OuterRef("pk")))
        | Exists(items.class_registrations.filter(member=OuterRef("pk")))
    ).order_by("pk")


def period_drafts(*, period_start: datetime.date, period_end: datetime.date) -> QuerySet[Invoice]:
    """Drafts for exactly the period holding at least one line (staff's "Generate invoices" not issued yet)."""
    return Invoice.objects.filter(
        status=Invoice.Status.DRAFT,
        period_start=period_start,
        period_end=period_end,
    ).filter(Exists(InvoiceLine.objects.filter(invoice=OuterRef("pk"), voided=False)))


def billing_run_members(*, period_start: datetime.date, period_end: datetime.date) -> QuerySet[Member]:
    """Whom a billing run tries, by id: :func:`billable_members`, and every member whose draft for exactly the
    period has lines (billed there by "Generate invoices" and not issued: nothing is left to bill, the draft
    still has to go out)."""
    drafts = period_drafts(period_start=period_start, period_end=period_end)
    with_draft = Member.objects.filter(Exists(drafts.filter(member=OuterRef("pk"))))
    return (billable_members(period_start=period_start, period_end=period_end) | with_draft).order_by("pk")


# --- memberships, freezes and credits -----------------------------------------------------------------------

MembershipStatus = Literal["active", "frozen", "ended", "none"]


@dataclass(frozen=True)
class MembershipState:
    """A member's membership on one day, as the front desk and the portal show it at a glance."""

    #: active: a plan runs that day; frozen: it runs but is on hold; ended: no plan that day, one before;
    #: none: never had one (or only one starting later).
    status: MembershipStatus
    #: The membership that day (or the last one, when ended); None when there is none.
    membership: Membership | None = None
    #: The freeze holding that day, when frozen.
    freeze: MembershipFreeze | None = None
    #: The membership arranged to follow (a plan change taking effect at the next period), if any.
    next_membership: Membership | None = None

    @property
    def plan_name(self) -> str:
        return self.membership.plan.name if self.membership is not None else ""


def membership_states(*, member_ids: Iterable[int], day: datetime.date) -> dict[int, MembershipState]:
    """Each member's :class:`MembershipState` on ``day``; three queries however many members."""
    ids = sorted(set(member_ids))
    states: dict[int, MembershipState] = {member_id: MembershipState(status="none") for member_id in ids}
    if not ids:
        return states
    memberships = (
        Membership.objects.filter(member_id__in=ids).select_related("plan").order_by("member_id", "-started_on")
    )
    current: dict[int, Membership] = {}
    latest_past: dict[int, Membership] = {}
    upcoming: dict[int, Membership] = {}
    for membership in memberships:
        member_id = membership.member_id
        if membership.started_on > day:
            upcoming[member_id] = membership  # ordered newest first: the last seen is the soonest
        elif membership.ended_on is None or membership.ended_on >= day:
            current[member_id] = membership
        else:
            latest_past.setdefault(member_id, membership)
    freezes = {
        freeze.membership_id: freeze
        for freeze in MembershipFreeze.objects.filter(
            membership__in=[m.pk for m in current.values()], starts_on__lte=day, ends_on__gte=day
        )
    }
    for member_id in ids:
        if member_id in current:
            membership = current[member_id]
            freeze = freezes.get(membership.pk)
            states[member_id] = MembershipState(
                status="frozen" if freeze is not None else "active",
                membership=membership,
                freeze=freeze,
                next_membership=upcoming.get(member_id),
            )
        elif member_id in latest_past:
            states[member_id] = MembershipState(
                status="ended", membership=latest_past[member_id], next_membership=upcoming.get(member_id)
            )
        else:
            states[member_id] = MembershipState(status="none", next_membership=upcoming.get(member_id))
    return states


def membership_state(*, member: Member, day: datetime.date) -> MembershipState:
    """One member's :class:`MembershipState` on ``day``; two or three queries."""
    return membership_states(member_ids=[member.pk], day=day)[member.pk]


def membership_freezes(*, membership: Membership) -> QuerySet[MembershipFreeze]:
    """The membership's freezes, first first; one query."""
    return MembershipFreeze.objects.filter(membership=membership).order_by("starts_on")


def usable_credit_packs(*, member: Member, day: datetime.date) -> QuerySet[CreditPack]:
    """The member's packs with credits left that a class on ``day`` may use, soonest expiry first; one query."""
    return (
        CreditPack.objects.filter(member=member, credits_left__gt=0, expires_on__gte=day)
        .select_related("pack")
        .order_by("expires_on", "pk")
    )


def credits_left_of(member_ref: OuterRef, *, day: datetime.date) -> Coalesce:
    """The class credits the member ``member_ref`` names may still use on ``day``, as an expression (for a read
    that wants it beside other counts in one query)."""
    usable = (
        CreditPack.objects.filter(member=member_ref, credits_left__gt=0, expires_on__gte=day)
        .order_by()
        .values("member")
        .annotate(left=Sum("credits_left"))
        .values("left")
    )
    return Coalesce(Subquery(usable), 0)


def credits_left(*, member: Member, day: datetime.date) -> int:
    """How many class credits the member may still use for a class on ``day``; one query."""
    total = usable_credit_packs(member=member, day=day).aggregate(left=Coalesce(Sum("credits_left"), 0))["left"]
    return int(total)


def member_credit_packs(*, member: Member) -> QuerySet[CreditPack]:
    """Every pack the member bought, newest first, with what is left and when it expires; one query."""
    return CreditPack.objects.filter(member=member).select_related("pack").order_by("-bought_at", "-pk")


CENT = Decimal("0.01")


@dataclass(frozen=True)
class PlanMonthCharge:
    """What a membership's plan costs for one calendar month: the fee, prorated to the day for the days the
    membership runs that month and is not frozen."""

    month: datetime.date
    amount: Decimal
    days_in_month: int
    days_active: int
    days_frozen: int

    @property
    def days_billed(self) -> int:
        return self.days_active - self.days_frozen

    @property
    def full(self) -> bool:
        return self.days_billed == self.days_in_month


def _overlap_days(first: datetime.date, last: datetime.date, start: datetime.date, end: datetime.date) -> int:
    return max((min(last, end) - max(first, start)).days + 1, 0)


def plan_month_charge(
    *, membership: Membership, month: datetime.date, freezes: Iterable[MembershipFreeze]
) -> PlanMonthCharge:
    """The plan's charge for ``month`` (any day of it): ``monthly_fee`` x billed days / days in the month, to the
    penny (half up); the whole fee for a whole month. No query: the caller passes the membership's freezes."""
    first, last = month_start(month), month_end(month)
    days_in_month = (last - first).days + 1
    active_from, active_to = max(first, membership.started_on), min(last, membership.ended_on or last)
    days_active = max((active_to - active_from).days + 1, 0)
    days_frozen = sum(
        _overlap_days(active_from, active_to, freeze.starts_on, freeze.ends_on)
        for freeze in freezes
        if freeze.membership_id == membership.pk
    )
    billed = days_active - days_frozen
    fee = membership.plan.monthly_fee
    if billed == days_in_month:
        amount = fee
    else:
        amount = (fee * billed / days_in_month).quantize(CENT, rounding=ROUND_HALF_UP)
    return PlanMonthCharge(
        month=first, amount=amount, days_in_month=days_in_month, days_active=days_active, days_frozen=days_frozen
    )


def plan_month_text(membership: Membership, charge: PlanMonthCharge) -> str:
    """A plan line's description: "Gold membership — December 2026 (17 of 31 days, 14 frozen)"."""
    text = f"{membership.plan.name} membership — {dateformat.format(charge.month, 'F Y')}"
    if charge.full:
        return text
    detail = f"{charge.days_billed} of {charge.days_in_month} days"
    if charge.days_frozen:
        detail += f", {charge.days_frozen} frozen"
    return f"{text} ({detail})"


@dataclass(frozen=True)
class JoiningLine:
    """One line of the invoice joining a plan bills at once."""

    kind: str
    description: str
    amount: Decimal


def joining_lines(*, plan: MembershipPlan, today: datetime.date) -> list[JoiningLine]:
    """What joining ``plan`` today bills at once: the joining fee (if any) and the rest of this month, prorated to
    the day. ``membership_join`` writes these lines, and the pages show them before anyone joins. No query."""
    membership = Membership(plan=plan, started_on=today)
    charge = plan_month_charge(membership=membership, month=today, freezes=())
    lines = []
    if plan.joining_fee > 0:
        lines.append(JoiningLine(InvoiceLine.Kind.JOINING, f"Joining fee — {plan.name}", plan.joining_fee))
    lines.append(JoiningLine(InvoiceLine.Kind.PLAN_MONTH, plan_month_text(membership, charge), charge.amount))
    return lines


def cancellation_end(*, membership: Membership, today: datetime.date) -> datetime.date:
    """The last day of a membership whose member gives notice today: after the plan's notice period, and never
    before the minimum term ends (nor before today). The portal shows it before the member confirms."""
    plan = membership.plan
    notice_ends = add_months(today, plan.notice_months) - datetime.timedelta(days=1)
    term_ends = add_months(membership.started_on, plan.minimum_term_months) - datetime.timedelta(days=1)
    return max(today, notice_ends, term_ends)


CancellationReason = Literal["minimum_term", "notice", "immediate"]


def cancellation_reason(*, membership: Membership, today: datetime.date, ends_on: datetime.date) -> CancellationReason:
    """Which of the plan's terms set ``ends_on`` (from :func:`cancellation_end`): the minimum term when it runs past
    the notice, else the notice period, else none (it ends at once). The doors word it."""
    term_ends = minimum_term_end(membership)
    if term_ends is not None and ends_on == term_ends and term_ends > today:
        return "minimum_term"
    if membership.plan.notice_months:
        return "notice"
    return "immediate"


def minimum_term_end(membership: Membership) -> datetime.date | None:
    """The last day of the membership's minimum term, or None when its plan has none."""
    months = membership.plan.minimum_term_months
    if not months:
        return None
    return add_months(membership.started_on, months) - datetime.timedelta(days=1)


def plan_covers_count(*, membership: Membership, month: datetime.date) -> int:
    """How many classes of ``month`` the membership's plan has paid for so far (its allowance used); one query."""
    return ClassCover.objects.filter(membership=membership, kind=ClassCover.Kind.PLAN, month=month_start(month)).count()


@dataclass(frozen=True)
class CancellationCost:
    """What giving a class place up now would cost, said before the member confirms."""

    late: bool
    #: When giving the seat up becomes late.
    cutoff_at: datetime.datetime
    #: "returned" or "kept" when a class credit paid for the seat; None otherwise.
    credit: Literal["returned", "kept"] | None
    #: The late-cancel fee that would be charged, or None.
    fee: Decimal | None


def class_cancellation_cost(*, registration: ClassRegistration) -> CancellationCost:
    """What ``class_registration_cancel`` would do to the bill now (the rule of ``billing.services.coverage``: a
    late seat keeps the credit that paid for it, or else is charged the late-cancel fee). Read the registration
    with ``group_class__booking`` and ``cover`` to spend no query."""
    late = cancellation_is_late(registration)
    cover = getattr(registration, "cover", None) if _has_cover(registration) else None
    paid_by_credit = cover is not None and cover.kind == ClassCover.Kind.CREDIT
    fee = Decimal(settings.CLUB_CLASS_LATE_CANCEL_FEE)
    return CancellationCost(
        late=late,
        cutoff_at=registration.group_class.booking.start_time - datetime.timedelta(hours=class_cutoff_hours()),
        credit=("kept" if late else "returned") if paid_by_credit else None,
        fee=fee if late and not paid_by_credit and fee > 0 else None,
    )


def _has_cover(registration: ClassRegistration) -> bool:
    try:
        registration.cover  # noqa: B018 - the reverse one-to-one raises when there is none
    except ClassCover.DoesNotExist:
        return False
    return True


# --- freeze limits -----------------------------------------------------------------------------------------


def frozen_days_in(year: int, freezes: list[MembershipFreeze]) -> int:
    """How many days of ``year`` these freezes hold (the yearly limit counts them); no query."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return sum(max((min(last, f.ends_on) - max(first, f.starts_on)).days + 1, 0) for f in freezes)


def freeze_limits() -> tuple[int, int, int]:
    """(shortest, longest, most days a calendar year) a freeze may take, from the settings."""
    return (
        int(settings.CLUB_FREEZE_MIN_DAYS),
        int(settings.CLUB_FREEZE_MAX_DAYS),
        int(settings.CLUB_FREEZE_DAYS_PER_YEAR),
    )


def frozen_days_this_year(*, member: Member, year: int) -> int:
    """How many days of ``year`` the member's memberships are frozen for (the yearly limit counts them)."""
    freezes = MembershipFreeze.objects.filter(membership__member=member).filter(
        Q(starts_on__year__lte=year) & Q(ends_on__year__gte=year)
    )
    return frozen_days_in(year, list(freezes))
