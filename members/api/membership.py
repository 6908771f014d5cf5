"""The member's own membership: joining on a plan, changing plan, giving notice (after seeing the end date) and
withdrawing it, freezing and ending a freeze early. The billing services decide every rule; the answers are the
same schemas staff's endpoints give (``billing.api.shown``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from billing import services
from billing.api.shown import (
    CancellationPreviewOut,
    FreezeCreatedOut,
    FreezeEndedOut,
    FreezeEndIn,
    FreezeIn,
    FreezePreviewOut,
    FreezePreviewQuery,
    JoinedOut,
    MembershipStateOut,
    PlanChoiceIn,
    cancellation_preview,
    first_invoice_out,
    freeze_created_out,
    freeze_ended_out,
    freeze_limits_out,
    freeze_out,
    freeze_preview,
    membership_state_out,
)
from billing.models import MembershipPlan
from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import club_today

from .schemas import MemberFreezeListOut
from .selectors import member_freezes

router = Router(tags=["member"])

# A plan is passed by its id alone (``MembershipPlan(pk=...)``): the service reads it afresh under its lock and
# refuses an unknown one with its own code (``plan_required``), as a choice gone from a form.


@router.get(
    "/membership",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="member_membership_read",
    url_name="member_membership_read",
    summary="Your membership today",
)
def membership_read(request: HttpRequest) -> dict[str, Any]:
    """Its status (active, frozen, ended or none), the plan and its terms, the end if one is arranged (and when
    you gave notice), the minimum term's end, the plan change arranged for next month, this month's charge with
    your freezes, the freezes, and the days frozen this year against the limits."""
    return membership_state_out(member_of(request))


@router.post(
    "/membership",
    response={201: JoinedOut, **PROBLEMS},
    operation_id="member_membership_join",
    url_name="member_membership_join",
    summary="Join on a plan",
)
def membership_join(request: HttpRequest, payload: PlanChoiceIn) -> Status[dict[str, Any]]:
    """From today; the first invoice (the joining fee and the rest of this month, prorated to the day) is issued at
    once and comes back with the membership. A membership already: 409 ``membership_exists`` (change its plan
    instead); a plan no longer offered: 409 ``plan_inactive``; no such plan: 422 ``plan_required``."""
    member = member_of(request)
    joined = services.membership_join(member=member, plan=MembershipPlan(pk=payload.plan))
    return Status(201, {"membership": membership_state_out(member), "invoice": first_invoice_out(joined.invoice)})


@router.put(
    "/membership/plan",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="member_membership_change_plan",
    url_name="member_membership_change_plan",
    summary="Change plan from next month",
)
def membership_change_plan(request: HttpRequest, payload: PlanChoiceIn) -> dict[str, Any]:
    """This month stays on your plan; the new one starts on the 1st of next month (``next.starts_on``). Choosing
    your current plan again calls a change off. During the minimum term only to a plan costing as much or more
    (409 ``plan_change_in_term``); after giving notice, withdraw it first (409 ``membership_cancelling``)."""
    member = member_of(request)
    services.membership_change_plan(member=member, plan=MembershipPlan(pk=payload.plan))
    return membership_state_out(member)


@router.get(
    "/membership/cancellation",
    response={200: CancellationPreviewOut, **PROBLEMS},
    operation_id="member_membership_cancellation_preview",
    url_name="member_membership_cancellation_preview",
    summary="When your membership would end if you gave notice today",
)
def membership_cancellation_preview(request: HttpRequest) -> CancellationPreviewOut:
    """The last day after your plan's notice period, never inside its minimum term, and which of the two decided
    it: see it before you confirm. After giving notice: the end arranged. No membership: 409 ``membership_none``."""
    return cancellation_preview(member_of(request))


@router.post(
    "/membership/cancellation",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="member_membership_cancel",
    url_name="member_membership_cancel",
    summary="Give notice",
)
def membership_cancel(request: HttpRequest) -> dict[str, Any]:
    """Your membership ends on the day the preview gave (``membership.ended_on``); a plan change arranged is called
    off. Notice given already: 409 ``membership_already_cancelled``."""
    member = member_of(request)
    services.membership_cancel(member=member)
    return membership_state_out(member)


@router.delete(
    "/membership/cancellation",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="member_membership_cancel_withdraw",
    url_name="member_membership_cancel_withdraw",
    summary="Withdraw your notice",
)
def membership_cancel_withdraw(request: HttpRequest) -> dict[str, Any]:
    """Your membership runs on with no end. No notice to withdraw: 409 ``membership_not_cancelled``; the
    membership has ended: 409 ``membership_cancel_too_late``."""
    member = member_of(request)
    services.membership_cancel_withdraw(member=member)
    return membership_state_out(member)


# -- freezes -----------------------------------------------------------------------------------


@router.get(
    "/membership/freezes",
    response={200: MemberFreezeListOut, **PROBLEMS},
    operation_id="member_freeze_list",
    url_name="member_freeze_list",
    summary="Your freezes",
)
def freeze_list(request: HttpRequest) -> dict[str, Any]:
    """Every freeze of your memberships, latest first, and the limits a new one must keep to (its shortest and
    longest length, the days a year, and what is left of this year's)."""
    member = member_of(request)
    today = club_today()
    freezes = list(member_freezes(member=member))
    return {
        "items": [freeze_out(freeze, today) for freeze in freezes],
        "count": len(freezes),
        "freeze_limits": freeze_limits_out(member, today),
    }


@router.get(
    "/membership/freezes/preview",
    response={200: FreezePreviewOut, **PROBLEMS},
    operation_id="member_freeze_preview",
    url_name="member_freeze_preview",
    summary="What a freeze would do to your bill",
)
def freeze_preview_read(request: HttpRequest, query: Query[FreezePreviewQuery]) -> dict[str, Any]:
    """Each month the days would touch, with its plan charge now and with the freeze ("your December bill drops
    from 45.00 to 24.19"). It only prices the days: the rules are checked when you ask for the freeze."""
    return {"months": freeze_preview(member_of(request), query.starts_on, query.ends_on)}


@router.post(
    "/membership/freezes",
    response={201: FreezeCreatedOut, **PROBLEMS},
    operation_id="member_freeze_create",
    url_name="member_freeze_create",
    summary="Freeze your membership",
)
def freeze_create(request: HttpRequest, payload: FreezeIn) -> Status[dict[str, Any]]:
    """No plan charge for the frozen days, and nothing can be booked on them; the answer shows each month's charge
    before and after. Each refusal is a problem with its field: ``freeze_in_past`` (starts_on),
    ``freeze_end_before_start``, ``freeze_too_short``, ``freeze_too_long`` and ``freeze_yearly_limit`` (ends_on),
    ``freeze_overlaps``, ``freeze_has_bookings`` and ``membership_none`` (starts_on), ``freeze_outside_membership``
    (starts_on: the days run past the membership's end)."""
    member = member_of(request)
    freeze = services.membership_freeze(member=member, by=member.user, **payload.dict())
    return Status(201, freeze_created_out(freeze))


@router.post(
    "/membership/freezes/{freeze_id}/end",
    response={200: FreezeEndedOut, **PROBLEMS},
    operation_id="member_freeze_end",
    url_name="member_freeze_end",
    summary="End a freeze early",
)
def freeze_end(request: HttpRequest, freeze_id: int, payload: FreezeEndIn) -> dict[str, Any]:
    """Your membership runs, and is billed, again from ``back_on`` (today if left out); a freeze that has not
    started is called off (``freeze`` is null). Over already: 409 ``freeze_over``; a day outside the freeze: 422
    ``freeze_end_invalid`` on back_on. Someone else's freeze: 404."""
    member = member_of(request)
    freeze = get_object_or_404(member_freezes(member=member), pk=freeze_id)
    ended = services.membership_freeze_end(freeze=freeze, back_on=payload.back_on or club_today())
    return freeze_ended_out(member, ended)
