"""Memberships: starting a plan (ending the current one the day before) and ending one."""

from __future__ import annotations

import datetime

from django.db import transaction

from clubsite.core.db import constraint_errors
from members.models import Member

from ..errors import BillingError
from ..models import Membership, MembershipPlan
from ._base import MEMBERSHIP_CONSTRAINTS, lock_member, require_date


@transaction.atomic
def membership_start(*, member: Member, plan: MembershipPlan, started_on: datetime.date) -> Membership:
    """Start ``plan`` for ``member`` on ``started_on``, ending the current membership the day before."""
    started_on = require_date(started_on, "started_on")
    if not isinstance(plan, MembershipPlan) or plan.pk is None:
        raise BillingError("plan_required")
    member = lock_member(member)
    fresh = MembershipPlan.objects.filter(pk=plan.pk).first()
    if fresh is None:
        raise BillingError("plan_required")
    if not fresh.is_active:
        raise BillingError("plan_inactive")

    memberships = list(Membership.objects.select_for_update().filter(member=member))
    current = next((m for m in memberships if m.ended_on is None), None)
    if current is not None and started_on <= current.started_on:
        raise BillingError("membership_start_not_after_current")
    # Overlapping memberships would bill two plans for the same days.
    if any(m.ended_on is not None and m.ended_on >= started_on for m in memberships):
        raise BillingError("membership_overlaps_previous")

    with constraint_errors(MEMBERSHIP_CONSTRAINTS, BillingError):
        if current is not None:
            current.ended_on = started_on - datetime.timedelta(days=1)
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
    return locked
