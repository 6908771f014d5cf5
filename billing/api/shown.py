"""A membership, its freezes, plans, class packs and credits as every door of the API shows them: the member's own
endpoints and staff's for a member answer with the same schemas, read by the same billing selectors.

The schemas here are named for what they are (no Member/Staff prefix) because both doors use them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

from billing.errors import BillingError
from billing.models import ClassPack, CreditPack, Invoice, Membership, MembershipFreeze, MembershipPlan
from billing.selectors import (
    InvoiceWithTotals,
    PlanMonthCharge,
    cancellation_end,
    cancellation_reason,
    credits_left,
    freeze_limits,
    frozen_days_this_year,
    invoices_with_totals,
    member_credit_packs,
    membership_freezes,
    membership_state,
    minimum_term_end,
    plan_month_charge,
    plan_month_text,
)
from clubsite.api.errors import RequestError
from clubsite.core.clock import club_today, month_end, month_start
from clubsite.core.dates import ClubDate
from members.models import Member

# -- plans and packs on offer ---------------------------------------------------------------------------------


class PlanTermsOut(Schema):
    """A membership plan with its terms."""

    id: int
    name: str
    monthly_fee: Decimal
    joining_fee: Decimal = Field(description="Billed once, on the first invoice.")
    classes: MembershipPlan.Classes = Field(
        description="Which group classes the monthly fee covers: unlimited, allowance (classes_per_month a "
        "calendar month) or none (gym only: classes take a class credit or are billed as drop-ins)."
    )
    classes_label: str
    classes_per_month: int | None = Field(description="With an allowance: how many classes a month it covers.")
    minimum_term_months: int = Field(description="A membership cannot end before this many months.")
    notice_months: int = Field(description="A cancellation takes effect this many months after notice is given.")
    description: str

    @staticmethod
    def resolve_classes_label(plan: MembershipPlan) -> str:
        return str(plan.get_classes_display())


class ClassPackOut(Schema):
    """A pack of class credits on sale."""

    id: int
    name: str
    credits: int = Field(description="How many classes the pack pays for.")
    price: Decimal
    valid_days: int = Field(description="Its credits expire this many days after purchase (the day bought counts).")


def active_plans() -> QuerySet[MembershipPlan]:
    """The plans offered to new memberships, cheapest first; one query (a page of it)."""
    return MembershipPlan.objects.filter(is_active=True).order_by("monthly_fee", "name", "id")


def active_class_packs() -> QuerySet[ClassPack]:
    """The packs on sale, fewest credits first; one query (a page of it)."""
    return ClassPack.objects.filter(is_active=True).order_by("credits", "price", "name", "id")


# -- a membership and its freezes ------------------------------------------------------------------------------


class PlanMonthChargeOut(Schema):
    """What the plan costs for one calendar month: the fee prorated to the day for the days it runs unfrozen."""

    month: datetime.date = Field(description="The month's first day.")
    amount: Decimal
    days_in_month: int
    days_active: int = Field(description="Days of the month the membership runs.")
    days_frozen: int
    days_billed: int
    full: bool = Field(description="The whole fee: every day of the month is billed.")
    description: str = Field(description="The invoice line's text.")


class MembershipFreezeOut(Schema):
    id: int
    starts_on: datetime.date = Field(description="The first frozen day.")
    ends_on: datetime.date = Field(description="The last frozen day; the membership runs again the day after.")
    days: int
    reason: str
    current: bool = Field(description="Today is one of its days.")
    over: bool = Field(description="Its last day has passed; it can no longer be ended early.")


class FreezeLimitsOut(Schema):
    """The settings a freeze must keep to, and what is left of this year's allowance."""

    min_days: int
    max_days: int
    days_per_year: int = Field(description="The most days a calendar year may be frozen.")
    used_this_year: int = Field(description="Days of this calendar year frozen already (past and arranged).")
    left_this_year: int


class MembershipOut(Schema):
    id: int
    plan: PlanTermsOut
    started_on: datetime.date
    ended_on: datetime.date | None = Field(description="Its last day; null while it runs on with no end arranged.")
    cancelled_on: datetime.date | None = Field(description="The day notice was given; null when none was.")
    minimum_term_ends_on: datetime.date | None = Field(description="The last day of the minimum term, if any.")


class MembershipNextOut(Schema):
    """A plan change arranged for the next period."""

    id: int
    plan: PlanTermsOut
    starts_on: datetime.date


class MembershipStateOut(Schema):
    """A member's membership today, at a glance."""

    status: str = Field(
        description="active (a plan runs today), frozen (it runs but is on hold today), ended (no plan today, "
        "one before) or none (never one, or only one starting later)."
    )
    membership: MembershipOut | None = Field(description="Today's membership (the last one when ended).")
    next: MembershipNextOut | None = Field(description="The plan change arranged for the next period, if any.")
    this_month: PlanMonthChargeOut | None = Field(
        description="What this month's plan charge comes to, with the freezes; null without a membership today."
    )
    freeze: MembershipFreezeOut | None = Field(description="The freeze holding today, when frozen.")
    freezes: list[MembershipFreezeOut] = Field(description="Every freeze of this and the next membership.")
    freeze_limits: FreezeLimitsOut


def freeze_out(freeze: MembershipFreeze, today: datetime.date) -> dict[str, Any]:
    return dict(
        id=freeze.pk,
        starts_on=freeze.starts_on,
        ends_on=freeze.ends_on,
        days=freeze.days,
        reason=freeze.reason,
        current=freeze.starts_on <= today <= freeze.ends_on,
        over=freeze.ends_on < today,
    )


def charge_out(membership: Membership, charge: PlanMonthCharge) -> dict[str, Any]:
    return dict(
        month=charge.month,
        amount=charge.amount,
        days_in_month=charge.days_in_month,
        days_active=charge.days_active,
        days_frozen=charge.days_frozen,
        days_billed=charge.days_billed,
        full=charge.full,
        description=plan_month_text(membership, charge),
    )


def freeze_limits_out(member: Member, today: datetime.date) -> dict[str, Any]:
    """One query: this year's frozen days."""
    shortest, longest, per_year = freeze_limits()
    used = frozen_days_this_year(member=member, year=today.year)
    return dict(
        min_days=shortest,
        max_days=longest,
        days_per_year=per_year,
        used_this_year=used,
        left_this_year=max(per_year - used, 0),
    )


def membership_state_out(member: Member) -> dict[str, Any]:
    """The member's membership today (as ``MembershipStateOut``); at most five queries, however many freezes and
    memberships."""
    today = club_today()
    state = membership_state(member=member, day=today)
    membership, following = state.membership, state.next_membership
    freezes: list[MembershipFreeze] = []
    for one in (membership, following):
        if one is not None:
            freezes.extend(membership_freezes(membership=one))
    this_month = None
    if membership is not None and state.status in ("active", "frozen"):
        this_month = charge_out(membership, plan_month_charge(membership=membership, month=today, freezes=freezes))
    return dict(
        status=state.status,
        membership=None
        if membership is None
        else dict(
            id=membership.pk,
            plan=membership.plan,
            started_on=membership.started_on,
            ended_on=membership.ended_on,
            cancelled_on=membership.cancelled_on,
            minimum_term_ends_on=minimum_term_end(membership),
        ),
        next=None if following is None else dict(id=following.pk, plan=following.plan, starts_on=following.started_on),
        this_month=this_month,
        freeze=None if state.freeze is None else freeze_out(state.freeze, today),
        freezes=[freeze_out(freeze, today) for freeze in freezes],
        freeze_limits=freeze_limits_out(member, today),
    )


# -- what a freeze does to the bill ----------------------------------------------------------------------------


class FreezeMonthOut(Schema):
    """One month a freeze touches: the plan's charge without it and with it."""

    month: datetime.date
    before: PlanMonthChargeOut
    after: PlanMonthChargeOut


def _months(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    month = month_start(first)
    while month <= last:
        yield month
        month = month_end(month) + datetime.timedelta(days=1)


def freeze_months(
    membership: Membership, freezes: list[MembershipFreeze], freeze: MembershipFreeze
) -> list[dict[str, Any]]:
    """Each month ``freeze`` touches, charged with ``freezes`` (without it) and with it too; no query
    (``billing.selectors.plan_month_charge`` is pure). ``freeze`` may be unsaved: a preview."""
    others = [one for one in freezes if one.pk is None or one.pk != freeze.pk]
    return [
        dict(
            month=month,
            before=charge_out(membership, plan_month_charge(membership=membership, month=month, freezes=others)),
            after=charge_out(
                membership, plan_month_charge(membership=membership, month=month, freezes=[*others, freeze])
            ),
        )
        for month in _months(freeze.starts_on, freeze.ends_on)
    ]


class FreezeCreatedOut(Schema):
    freeze: MembershipFreezeOut
    months: list[FreezeMonthOut] = Field(description="Each month the freeze touches, charged before and after it.")


def freeze_created_out(freeze: MembershipFreeze) -> dict[str, Any]:
    """The new freeze and what it does to the months it touches (as ``FreezeCreatedOut``); two queries."""
    membership = Membership.objects.select_related("plan").get(pk=freeze.membership_id)
    freezes = list(membership_freezes(membership=membership))
    return {"freeze": freeze_out(freeze, club_today()), "months": freeze_months(membership, freezes, freeze)}


class FreezeIn(Schema):
    starts_on: datetime.date = Field(description="The first frozen day (today or later).")
    ends_on: datetime.date = Field(description="The last frozen day (both included).")
    reason: str = Field("", max_length=200)


class FreezeEndIn(Schema):
    back_on: datetime.date | None = Field(
        None, description="The first day the membership runs (and is billed) again; today if left out."
    )


class FreezeEndedOut(Schema):
    freeze: MembershipFreezeOut | None = Field(
        description="The shortened freeze; null: it had not started, and is gone."
    )
    membership: MembershipStateOut


def freeze_ended_out(member: Member, freeze: MembershipFreeze | None) -> dict[str, Any]:
    """As ``FreezeEndedOut``."""
    return {
        "freeze": None if freeze is None else freeze_out(freeze, club_today()),
        "membership": membership_state_out(member),
    }


# -- joining and invoices --------------------------------------------------------------------------------------


class PlanChoiceIn(Schema):
    plan: int = Field(description="The id of an offered plan.")


class FirstInvoiceOut(Schema):
    """An invoice issued at once (the first month, a pack): what it is for and what it comes to."""

    id: int
    number: str | None
    status: str
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date | None
    total: Decimal
    balance: Decimal

    @staticmethod
    def resolve_total(invoice: Any) -> Decimal:
        return invoice.total_amount

    @staticmethod
    def resolve_balance(invoice: Any) -> Decimal:
        return invoice.balance_amount


def first_invoice_out(invoice: Invoice) -> InvoiceWithTotals:
    """The invoice read again with its totals (for ``FirstInvoiceOut``); one query."""
    return invoices_with_totals(Invoice.objects.filter(pk=invoice.pk)).get()


class JoinedOut(Schema):
    membership: MembershipStateOut
    invoice: FirstInvoiceOut = Field(description="The first invoice, issued: the joining fee and this month, prorated.")


# -- credits ---------------------------------------------------------------------------------------------------


class CreditPackOut(Schema):
    """A pack of class credits the member bought."""

    id: int
    pack: ClassPackOut
    credits: int = Field(description="Credits bought.")
    credits_left: int
    bought_at: datetime.datetime
    expires_on: datetime.date = Field(description="The last day a class can be booked with these credits.")
    usable: bool = Field(description="Credits left and not expired.")

    @staticmethod
    def resolve_usable(bought: CreditPack) -> bool:
        return bought.credits_left > 0 and bought.expires_on >= club_today()


class CreditPackPageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class CreditPacksOut(Schema):
    items: list[CreditPackOut]
    count: int
    credits_left: int = Field(description="Credits usable today, over every pack (expired ones do not count).")


def credit_packs_out(member: Member, *, limit: int, offset: int) -> dict[str, Any]:
    """A page of the member's packs, newest first, with the credits usable today; three queries."""
    packs = member_credit_packs(member=member)
    return {
        "count": packs.count(),
        "items": list(packs[offset : offset + limit]),
        "credits_left": credits_left(member=member, day=club_today()),
    }


class CreditPackBoughtOut(Schema):
    credit_pack: CreditPackOut
    invoice: FirstInvoiceOut = Field(description="The pack's invoice, issued at once.")


def credit_pack_bought(bought: CreditPack) -> dict[str, Any]:
    """The pack bought and its invoice (as ``CreditPackBoughtOut``); two queries."""
    bought = CreditPack.objects.select_related("pack").get(pk=bought.pk)
    invoice = invoices_with_totals(Invoice.objects.filter(lines__credit_pack=bought)).order_by("-pk").first()
    return {"credit_pack": bought, "invoice": invoice}


class PackChoiceIn(Schema):
    pack: int = Field(description="The id of a class pack on sale.")


def _membership_on(member: Member, day: datetime.date) -> tuple[Membership, list[MembershipFreeze]]:
    """The member's membership running on ``day`` (today's, or the one arranged to follow) and its freezes."""
    state = membership_state(member=member, day=club_today())
    for membership in (state.membership, state.next_membership):
        if membership is not None and membership.started_on <= day and (membership.ended_on or day) >= day:
            return membership, list(membership_freezes(membership=membership))
    # The refusal the freeze itself would give.
    raise BillingError("membership_none", field="starts_on")


def freeze_preview(member: Member, starts_on: datetime.date, ends_on: datetime.date) -> list[dict[str, Any]]:
    """What freezing these days would do to each month's plan charge; at most four queries. The rules are the
    service's to check when the freeze is asked for: this only prices it."""
    if ends_on < starts_on:
        raise RequestError("range_reversed", field="ends_on")
    if (ends_on - starts_on).days >= PREVIEW_DAYS:
        raise RequestError("range_too_long", days=PREVIEW_DAYS, field="ends_on")
    membership, freezes = _membership_on(member, starts_on)
    if membership.ended_on is not None:
        ends_on = min(ends_on, membership.ended_on)
    return freeze_months(
        membership, freezes, MembershipFreeze(membership=membership, starts_on=starts_on, ends_on=ends_on)
    )


#: The longest span a freeze preview prices (a freeze is much shorter: CLUB_FREEZE_MAX_DAYS).
PREVIEW_DAYS = 366


class FreezePreviewQuery(Schema):
    starts_on: ClubDate = Field(description="The first day to freeze.")
    ends_on: ClubDate = Field(description="The last day to freeze (both included).")


class FreezePreviewOut(Schema):
    months: list[FreezeMonthOut] = Field(description="Each month the freeze would touch, charged before and after.")


# -- giving notice ---------------------------------------------------------------------------------------------


class CancellationPreviewOut(Schema):
    """When the membership would end if notice were given today, and why (or when it ends, if notice was given)."""

    ends_on: datetime.date = Field(description="The membership's last day.")
    cancelled: bool = Field(description="Notice was given already (on cancelled_on): ends_on is arranged.")
    cancelled_on: datetime.date | None
    reason: str = Field(
        description="minimum_term (the end waits for the plan's minimum term), notice (the plan's notice "
        "period), or immediate (no notice period: it would end today)."
    )
    explanation: str
    notice_months: int
    minimum_term_ends_on: datetime.date | None


def current_membership(member: Member) -> Membership:
    """Today's membership, or the refusal giving notice would meet (``membership_none``)."""
    state = membership_state(member=member, day=club_today())
    if state.status not in ("active", "frozen") or state.membership is None:
        raise BillingError("membership_none", field=None)
    return state.membership


def cancellation_preview(member: Member) -> CancellationPreviewOut:
    """``billing.selectors.cancellation_end`` for notice given today, with the term that decided it; two or three
    queries."""
    today = club_today()
    membership = current_membership(member)
    plan = membership.plan
    term_ends = minimum_term_end(membership)
    if membership.cancelled_on is not None and membership.ended_on is not None:
        ends_on = membership.ended_on
    else:
        ends_on = cancellation_end(membership=membership, today=today)
    reason = cancellation_reason(membership=membership, today=today, ends_on=ends_on)
    if reason == "minimum_term" and term_ends is not None:
        explanation = f"The plan's minimum term of {plan.minimum_term_months} months runs until {term_ends:%d %b %Y}."
    elif reason == "notice":
        explanation = f"The plan's notice period is {plan.notice_months} month{'s' if plan.notice_months > 1 else ''}."
    else:
        explanation = "The plan has no notice period."
    return CancellationPreviewOut(
        ends_on=ends_on,
        cancelled=membership.cancelled_on is not None,
        cancelled_on=membership.cancelled_on,
        reason=reason,
        explanation=explanation,
        notice_months=plan.notice_months,
        minimum_term_ends_on=term_ends,
    )
