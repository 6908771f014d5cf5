"""Memberships: joining on a plan (with the first invoice at once), changing plan at the next period, giving
notice under the plan's terms, freezing; and staff's plain start and end.

A membership is a span of days on one plan. A plan change ends the current membership on the last day of this
month and starts the new plan on the 1st (one row per plan, so every month is billed by exactly one plan); a
cancellation sets the last day from the plan's notice period and minimum term. Months already billed when their
days change (a freeze, an earlier end) are put right with an adjustment line (``rebill_months``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from clubsite.core.clock import club_today, day_bounds, month_end, month_start
from clubsite.core.db import constraint_errors
from clubsite.core.events import publish
from members.models import Member
from operations.describe import describe_booking
from operations.selectors import member_commitment_between

from ..errors import BillingError
from ..models import ZERO, Invoice, InvoiceLine, Membership, MembershipFreeze, MembershipPlan
from ..selectors import (
    cancellation_end,
    freeze_limits,
    frozen_days_in,
    joining_lines,
    minimum_term_end,
    plan_month_charge,
    plan_month_text,
)
from ._base import LINE_CONSTRAINTS, MEMBERSHIP_CONSTRAINTS, description, lock_member, month_draft, require_date
from .invoices import invoice_issue

FREEZE_CONSTRAINTS = {
    "billing_membershipfreeze_no_overlap": "freeze_overlaps",
    "billing_membershipfreeze_end_after_start": "freeze_end_before_start",
}
ADJUSTMENT_TEXT = "Adjustment: {text}"
ONE_DAY = datetime.timedelta(days=1)


def _day(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _span(first: datetime.date, last: datetime.date | None) -> str:
    return f"{_day(first)} – {_day(last)}" if last is not None else f"from {_day(first)}"


def _active_plan(plan: MembershipPlan | None) -> MembershipPlan:
    if not isinstance(plan, MembershipPlan) or plan.pk is None:
        raise BillingError("plan_required")
    fresh = MembershipPlan.objects.filter(pk=plan.pk).first()
    if fresh is None:
        raise BillingError("plan_required")
    if not fresh.is_active:
        raise BillingError("plan_inactive")
    return fresh


def _locked_memberships(member: Member) -> list[Membership]:
    return list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("plan")
        .filter(member=member)
        .order_by("started_on")
    )


def _current(memberships: list[Membership], today: datetime.date) -> Membership | None:
    """The membership running today (started, not ended)."""
    return next((m for m in memberships if m.started_on <= today and (m.ended_on is None or m.ended_on >= today)), None)


def _after(memberships: list[Membership], membership: Membership) -> Membership | None:
    """The membership arranged to follow this one (a plan change not in effect yet)."""
    return next((m for m in memberships if m.started_on > membership.started_on), None)


# --- months already billed ------------------------------------------------------------------------------------


def rebill_months(membership: Membership, first: datetime.date, last: datetime.date) -> int:
    """Put right the plan months in [first, last] that were billed before their days changed.

    A month not billed yet is billed right when its time comes. For a billed one, what it should cost now is
    compared with what its lines (the plan line and any adjustments) add up to: a plan line still on a draft is
    rewritten; otherwise the difference goes on this month's draft as an adjustment, down or up. Returns how many
    months changed. Callers hold the member's lock.
    """
    membership = Membership.objects.select_related("plan").get(pk=membership.pk)
    freezes = list(membership.freezes.all())
    changed = 0
    month = month_start(first)
    while month <= last:
        lines = InvoiceLine.objects.filter(
            membership=membership,
            period_start=month,
            voided=False,
            kind__in=[InvoiceLine.Kind.PLAN_MONTH, InvoiceLine.Kind.PLAN_ADJUSTMENT],
        ).select_related("invoice")
        plan_line = next((line for line in lines if line.kind == InvoiceLine.Kind.PLAN_MONTH), None)
        if plan_line is not None:
            charge = plan_month_charge(membership=membership, month=month, freezes=freezes)
            text = plan_month_text(membership, charge)
            billed = sum((line.amount for line in lines), ZERO)
            if billed != charge.amount:
                changed += 1
                with constraint_errors(LINE_CONSTRAINTS, BillingError):
                    if plan_line.invoice.status == Invoice.Status.DRAFT and len(lines) == 1:
                        plan_line.unit_price, plan_line.description = charge.amount, description(text)
                        plan_line.save(update_fields=["unit_price", "description"])
                    else:
                        InvoiceLine.objects.create(
                            invoice=month_draft(membership.member_id, club_today()),
                            kind=InvoiceLine.Kind.PLAN_ADJUSTMENT,
                            description=description(ADJUSTMENT_TEXT.format(text=text)),
                            quantity=1,
                            unit_price=charge.amount - billed,
                            membership=membership,
                            period_start=month,
                        )
        month = month_start(month_end(month) + ONE_DAY)
    return changed


# --- joining, changing plan, giving notice --------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    membership: Membership
    #: The first invoice, issued: the joining fee and the rest of this month, prorated to the day.
    invoice: Invoice


def membership_join(*, member: Member, plan: MembershipPlan, today: datetime.date | None = None) -> Joined:
    """Join the club on ``plan`` from today, and bill the joining fee and this month (prorated) at once.

    The first invoice is issued straight away (its mail goes out); next months are billed by the monthly run.
    """
    today = club_today() if today is None else require_date(today, "started_on")
    with transaction.atomic():
        member = lock_member(member)
        plan = _active_plan(plan)
        memberships = _locked_memberships(member)
        running = _current(memberships, today) or next((m for m in memberships if m.started_on > today), None)
        if running is not None:
            raise BillingError("membership_exists", plan=running.plan.name)
        if any(m.ended_on is not None and m.ended_on >= today for m in memberships):
            raise BillingError("membership_overlaps_previous")
        with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
            membership = Membership.objects.create(member=member, plan=plan, started_on=today)
        invoice = Invoice.objects.create(member=member, period_start=today, period_end=month_end(today))
        lines = [
            InvoiceLine(
                invoice=invoice,
                kind=line.kind,
                description=description(line.description),
                unit_price=line.amount,
                membership=membership,
                period_start=month_start(today) if line.kind == InvoiceLine.Kind.PLAN_MONTH else None,
            )
            for line in joining_lines(plan=plan, today=today)
        ]
        with constraint_errors(LINE_CONSTRAINTS, BillingError):
            InvoiceLine.objects.bulk_create(lines)
        invoice = invoice_issue(invoice=invoice)
        publish("membership.started", membership.pk, member_id=member.pk, plan_id=plan.pk)
        return Joined(membership=membership, invoice=invoice)


def membership_change_plan(*, member: Member, plan: MembershipPlan, today: datetime.date | None = None) -> Membership:
    """Move to ``plan`` from the 1st of next month (this month stays on the current plan).

    Choosing again before then replaces the arranged plan; choosing the current plan again calls the change off.
    During the minimum term the plan may only go up (the same fee or more). Returns the membership on the new plan
    (or the current one, when the change was called off).
    """
    today = club_today() if today is None else require_date(today, "today")
    with transaction.atomic():
        member = lock_member(member)
        plan = _active_plan(plan)
        memberships = _locked_memberships(member)
        current = _current(memberships, today)
        if current is None:
            raise BillingError("membership_none")
        following = _after(memberships, current)
        if current.cancelled_on is not None and current.ended_on is not None:
            raise BillingError("membership_cancelling", ended_on=_day(current.ended_on))
        if plan.pk == current.plan_id:
            if following is None:
                raise BillingError("plan_unchanged")
            following.delete()
            current.ended_on = None
            current.save(update_fields=["ended_on"])
            publish("membership.changed", current.pk, member_id=member.pk, plan_id=plan.pk)
            return current
        term_ends = minimum_term_end(current)
        if term_ends is not None and today <= term_ends and plan.monthly_fee < current.plan.monthly_fee:
            raise BillingError("plan_change_in_term", term_ends=_day(term_ends))
        with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
            if following is not None:
                following.plan = plan
                following.save(update_fields=["plan"])
                result = following
            else:
                next_month = month_end(today) + ONE_DAY
                current.ended_on = next_month - ONE_DAY
                current.save(update_fields=["ended_on"])
                result = Membership.objects.create(member=member, plan=plan, started_on=next_month)
        publish("membership.changed", result.pk, member_id=member.pk, plan_id=plan.pk)
        return result


def membership_cancel(*, member: Member, today: datetime.date | None = None) -> Membership:
    """Give notice: the membership ends on ``billing.selectors.cancellation_end`` (after the notice period, never
    before the minimum term ends). A plan change arranged for later is called off; freezes after the end go."""
    today = club_today() if today is None else require_date(today, "today")
    with transaction.atomic():
        member = lock_member(member)
        memberships = _locked_memberships(member)
        current = _current(memberships, today)
        if current is None:
            raise BillingError("membership_none")
        if current.cancelled_on is not None and current.ended_on is not None:
            raise BillingError("membership_already_cancelled", ended_on=_day(current.ended_on))
        following = _after(memberships, current)
        if following is not None:
            following.delete()
        ends_on = cancellation_end(membership=current, today=today)
        current.ended_on, current.cancelled_on = ends_on, today
        MembershipFreeze.objects.filter(membership=current, starts_on__gt=ends_on).delete()
        MembershipFreeze.objects.filter(membership=current, ends_on__gt=ends_on).update(ends_on=ends_on)
        with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
            current.save(update_fields=["ended_on", "cancelled_on"])
        rebill_months(current, ends_on, month_end(ends_on))
        publish("membership.cancelled", current.pk, member_id=member.pk, ended_on=ends_on.isoformat())
        return current


def membership_cancel_withdraw(*, member: Member, today: datetime.date | None = None) -> Membership:
    """Take notice back before the membership ends: it runs on with no end."""
    today = club_today() if today is None else require_date(today, "today")
    with transaction.atomic():
        member = lock_member(member)
        current = _current(_locked_memberships(member), today)
        if current is None:
            raise BillingError("membership_cancel_too_late")
        if current.cancelled_on is None:
            raise BillingError("membership_not_cancelled")
        ended_on = current.ended_on
        current.ended_on = current.cancelled_on = None
        with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
            current.save(update_fields=["ended_on", "cancelled_on"])
        if ended_on is not None:
            rebill_months(current, ended_on, month_end(ended_on))
        publish("membership.changed", current.pk, member_id=member.pk, plan_id=current.plan_id)
        return current


# --- freezes --------------------------------------------------------------------------------------------------


def _check_no_bookings(member_id: int, starts_on: datetime.date, ends_on: datetime.date) -> None:
    start, end = day_bounds(starts_on, ends_on)
    booking = member_commitment_between(member_id=member_id, start=start, end=end)
    if booking is not None:
        raise BillingError("freeze_has_bookings", booking=describe_booking(booking))


def membership_freeze(
    *,
    member: Member,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str = "",
    by: AbstractBaseUser | None = None,
    today: datetime.date | None = None,
) -> MembershipFreeze:
    """Freeze the member's membership from ``starts_on`` to ``ends_on`` (both included): no plan charge for those
    days, and nothing can be booked on them.

    From today on, within the membership, ``CLUB_FREEZE_MIN_DAYS`` to ``CLUB_FREEZE_MAX_DAYS`` long, at most
    ``CLUB_FREEZE_DAYS_PER_YEAR`` frozen days in each calendar year, never over another freeze (the exclusion
    constraint ``billing_membershipfreeze_no_overlap`` has the last word) and never over a booking.
    """
    today = club_today() if today is None else require_date(today, "today")
    starts_on, ends_on = require_date(starts_on, "starts_on"), require_date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise BillingError("freeze_end_before_start")
    if starts_on < today:
        raise BillingError("freeze_in_past")
    shortest, longest, per_year = freeze_limits()
    days = (ends_on - starts_on).days + 1
    if days < shortest:
        raise BillingError("freeze_too_short", days=shortest)
    if days > longest:
        raise BillingError("freeze_too_long", days=longest)
    reason = reason.strip()[:200] if isinstance(reason, str) else ""
    with transaction.atomic():
        member = lock_member(member)
        memberships = _locked_memberships(member)
        membership = next(
            (m for m in memberships if m.started_on <= starts_on and (m.ended_on is None or m.ended_on >= starts_on)),
            None,
        )
        if membership is None:
            raise BillingError("membership_none", field="starts_on")
        if membership.ended_on is not None and ends_on > membership.ended_on:
            raise BillingError("freeze_outside_membership", span=_span(membership.started_on, membership.ended_on))
        freezes = list(MembershipFreeze.objects.filter(membership__member=member).order_by("starts_on"))
        clash = next((f for f in freezes if f.starts_on <= ends_on and f.ends_on >= starts_on), None)
        if clash is not None:
            raise BillingError("freeze_overlaps", span=_span(clash.starts_on, clash.ends_on))
        new = MembershipFreeze(membership=membership, starts_on=starts_on, ends_on=ends_on, reason=reason)
        for year in range(starts_on.year, ends_on.year + 1):
            used = frozen_days_in(year, freezes)
            if used + frozen_days_in(year, [new]) > per_year:
                raise BillingError(
                    "freeze_yearly_limit", limit=per_year, year=year, used=used, left=max(per_year - used, 0)
                )
        _check_no_bookings(member.pk, starts_on, ends_on)
        new.created_by = by if by is not None and by.pk is not None else None  # type: ignore[assignment]
        with constraint_errors(FREEZE_CONSTRAINTS, BillingError):
            new.save()
        rebill_months(membership, starts_on, ends_on)
        publish(
            "membership.frozen",
            new.pk,
            member_id=member.pk,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )
        return new


def membership_freeze_end(
    *, freeze: MembershipFreeze, back_on: datetime.date, today: datetime.date | None = None
) -> MembershipFreeze | None:
    """End a freeze early: the membership runs (and is billed) again from ``back_on``. A freeze that has not
    started is called off (returns None)."""
    today = club_today() if today is None else require_date(today, "today")
    back_on = require_date(back_on, "back_on")
    if not isinstance(freeze, MembershipFreeze) or freeze.pk is None:
        raise BillingError("freeze_required")
    member_id = MembershipFreeze.objects.filter(pk=freeze.pk).values_list("membership__member_id", flat=True).first()
    if member_id is None:
        raise BillingError("freeze_required")
    with transaction.atomic():
        lock_member(Member(pk=member_id))
        locked = MembershipFreeze.objects.select_for_update().filter(pk=freeze.pk).first()
        if locked is None:
            raise BillingError("freeze_required")
        if locked.ends_on < today:
            raise BillingError("freeze_over")
        if not today <= back_on <= locked.ends_on:
            raise BillingError("freeze_end_invalid", last=_day(locked.ends_on))
        membership = locked.membership
        first_changed, last_changed = back_on, locked.ends_on
        if back_on <= locked.starts_on:
            locked.delete()
            result = None
        else:
            locked.ends_on = back_on - ONE_DAY
            with constraint_errors(FREEZE_CONSTRAINTS, BillingError):
                locked.save(update_fields=["ends_on"])
            result = locked
        rebill_months(membership, first_changed, last_changed)
        publish("membership.unfrozen", freeze.pk, member_id=member_id, back_on=back_on.isoformat())
        return result


# --- staff: plain start and end -------------------------------------------------------------------------------


@transaction.atomic
def membership_start(*, member: Member, plan: MembershipPlan, started_on: datetime.date) -> Membership:
    """Start ``plan`` for ``member`` on ``started_on``, ending the current membership the day before (staff's
    tool: no invoice at once; the monthly run bills it)."""
    started_on = require_date(started_on, "started_on")
    if not isinstance(plan, MembershipPlan) or plan.pk is None:
        raise BillingError("plan_required")
    member = lock_member(member)
    fresh = _active_plan(plan)
    memberships = list(Membership.objects.select_for_update().filter(member=member))
    current = next((m for m in memberships if m.ended_on is None), None)
    if current is not None and started_on <= current.started_on:
        raise BillingError("membership_start_not_after_current")
    # Overlapping memberships would bill two plans for the same days.
    if any(m.ended_on is not None and m.ended_on >= started_on for m in memberships):
        raise BillingError("membership_overlaps_previous")

    with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
        if current is not None:
            current.ended_on = started_on - ONE_DAY
            current.save(update_fields=["ended_on"])
        # The partial unique index is the last word if a membership appeared without our lock.
        return Membership.objects.create(member=member, plan=fresh, started_on=started_on)


@transaction.atomic
def membership_end(*, membership: Membership, ended_on: datetime.date) -> Membership:
    """End a current membership on ``ended_on`` (its last active day)."""
    ended_on = require_date(ended_on, "ended_on")
    if not isinstance(membership, Membership) or membership.pk is None:
        raise BillingError("membership_required")
    lock_member(membership.member)
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise BillingError("membership_required")
    if locked.ended_on is not None:
        raise BillingError("membership_already_ended")
    if ended_on < locked.started_on:
        raise BillingError("membership_end_before_start")
    locked.ended_on = ended_on
    with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
        locked.save(update_fields=["ended_on"])
    rebill_months(locked, ended_on, month_end(ended_on))
    return locked
