"""What a plan will cost a member, shown before they commit: the first invoice of joining, a month on another plan,
the months a freeze makes cheaper.

Every amount comes from ``billing.selectors.plan_month_charge`` on a membership or a freeze not saved yet, so what
the page promises and what the bill says are the same rule. None of these reads the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import dateformat

from billing.models import ZERO, Membership, MembershipFreeze, MembershipPlan
from billing.selectors import PlanMonthCharge, joining_lines, plan_month_charge
from clubsite.core.clock import month_end, month_start

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class PreviewLine:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class FirstInvoice:
    """The invoice ``membership_join`` issues on the day: the joining fee and the rest of the month, prorated."""

    plan: MembershipPlan
    lines: tuple[PreviewLine, ...]
    month: PlanMonthCharge

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def first_invoice(plan: MembershipPlan, today: datetime.date) -> FirstInvoice:
    """What joining ``plan`` today bills at once (``billing.selectors.joining_lines``, which ``membership_join``
    writes)."""
    charge = plan_month_charge(membership=Membership(plan=plan, started_on=today), month=today, freezes=())
    lines = tuple(PreviewLine(line.description, line.amount) for line in joining_lines(plan=plan, today=today))
    return FirstInvoice(plan=plan, lines=lines, month=charge)


def first_invoice_words(first: FirstInvoice) -> str:
    """What the first invoice holds, in a member's words: "the joining fee and the rest of December"."""
    month = dateformat.format(first.month.month, "F")
    period = month if first.month.full else f"the rest of {month}"
    return f"the joining fee and {period}" if first.plan.joining_fee > 0 else period


def next_month_start(today: datetime.date) -> datetime.date:
    """The 1st of next month: when a plan change takes effect."""
    return month_end(today) + ONE_DAY


def month_on_plan(plan: MembershipPlan, month: datetime.date) -> PlanMonthCharge:
    """What a whole ``month`` on ``plan`` costs (a plan change starts on a month's first day)."""
    return plan_month_charge(membership=Membership(plan=plan, started_on=month_start(month)), month=month, freezes=())


@dataclass(frozen=True)
class MonthChange:
    """One month a freeze touches: its plan charge without the freeze and with it."""

    month: datetime.date
    before: PlanMonthCharge
    after: PlanMonthCharge


def freeze_month_changes(
    membership: Membership, freezes: Iterable[MembershipFreeze], starts_on: datetime.date, ends_on: datetime.date
) -> list[MonthChange]:
    """How each month from ``starts_on`` to ``ends_on`` drops if those days are frozen too (``freezes`` are the
    membership's freezes so far)."""
    existing = list(freezes)
    new = MembershipFreeze(membership=membership, starts_on=starts_on, ends_on=ends_on)
    changes = []
    month = month_start(starts_on)
    while month <= ends_on:
        changes.append(
            MonthChange(
                month=month,
                before=plan_month_charge(membership=membership, month=month, freezes=existing),
                after=plan_month_charge(membership=membership, month=month, freezes=[*existing, new]),
            )
        )
        month = next_month_start(month)
    return changes
