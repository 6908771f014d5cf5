"""One member's membership, freezes and class credits for staff (/api/v1/staff/members/{member_id}/…): what the
member can do for themselves, done for them at the desk or by billing, through the same services.

Each endpoint asks for the permission the billing admin checks for the same change (``billing.add_membership``
to join, ``billing.change_membership`` for plan and notice, ``billing.add_membershipfreeze``...). The front desk's
own pages of a member (``overview``, ``notes``) are clubsite.frontdesk's.
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from billing import services
from billing.models import ClassPack, MembershipFreeze, MembershipPlan
from clubsite.api.access import STAFF_AUTH, require_staff
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import club_today
from members.models import Member

from .shown import (
    CancellationPreviewOut,
    CreditPackBoughtOut,
    CreditPackPageQuery,
    CreditPacksOut,
    FreezeCreatedOut,
    FreezeEndedOut,
    FreezeEndIn,
    FreezeIn,
    FreezePreviewOut,
    FreezePreviewQuery,
    JoinedOut,
    MembershipStateOut,
    PackChoiceIn,
    PlanChoiceIn,
    cancellation_preview,
    credit_pack_bought,
    credit_packs_out,
    first_invoice_out,
    freeze_created_out,
    freeze_ended_out,
    freeze_preview,
    membership_state_out,
)

#: Mounted at /api/v1/staff/members, beside the member search (operations) and the front desk's member pages.
router = Router(tags=["staff: memberships"], auth=STAFF_AUTH)


def _member(member_id: int) -> Member:
    return get_object_or_404(Member, pk=member_id)


# A plan or pack is passed by its id alone (``MembershipPlan(pk=...)``): the service reads it afresh under its
# lock and refuses an unknown one with its own code (``plan_required``, ``pack_required``), as a choice gone from
# a form.


@router.get(
    "/{member_id}/membership",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="staff_membership_state",
    url_name="staff_membership_state",
    summary="A member's membership today, with its freezes",
)
def membership_read(request: HttpRequest, member_id: int) -> dict[str, Any]:
    """Its status (active, frozen, ended or none), the plan and its terms, the end and notice if arranged, the
    plan change arranged for next period, this month's charge, the freezes and this year's frozen days.
    Needs ``billing.view_membership``."""
    require_staff(request, "billing.view_membership")
    return membership_state_out(_member(member_id))


@router.post(
    "/{member_id}/membership",
    response={201: JoinedOut, **PROBLEMS},
    operation_id="staff_membership_join",
    url_name="staff_membership_join",
    summary="Join a member on a plan",
)
def membership_join(request: HttpRequest, member_id: int, payload: PlanChoiceIn) -> Status[dict[str, Any]]:
    """From today, with the first invoice issued at once (the joining fee and this month, prorated to the day).
    A member with a membership already: 409 ``membership_exists`` (change its plan instead); a plan no longer
    offered: 409 ``plan_inactive``. Needs ``billing.add_membership``."""
    require_staff(request, "billing.add_membership")
    member = _member(member_id)
    joined = services.membership_join(member=member, plan=MembershipPlan(pk=payload.plan))
    return Status(201, {"membership": membership_state_out(member), "invoice": first_invoice_out(joined.invoice)})


@router.put(
    "/{member_id}/membership/plan",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="staff_membership_change_plan",
    url_name="staff_membership_change_plan",
    summary="Change a member's plan from next period",
)
def membership_change_plan(request: HttpRequest, member_id: int, payload: PlanChoiceIn) -> dict[str, Any]:
    """The new plan starts on the 1st of next month (``next``); choosing the current plan again calls a change
    off. During the minimum term only to a plan costing as much or more (409 ``plan_change_in_term``).
    Needs ``billing.change_membership``."""
    require_staff(request, "billing.change_membership")
    member = _member(member_id)
    services.membership_change_plan(member=member, plan=MembershipPlan(pk=payload.plan))
    return membership_state_out(member)


@router.get(
    "/{member_id}/membership/cancellation",
    response={200: CancellationPreviewOut, **PROBLEMS},
    operation_id="staff_membership_cancellation_preview",
    url_name="staff_membership_cancellation_preview",
    summary="When a member's membership would end if notice were given today",
)
def membership_cancellation_preview(request: HttpRequest, member_id: int) -> CancellationPreviewOut:
    """The last day after the plan's notice period, never inside its minimum term, and which of the two decided
    it; when notice was given already, the end arranged. No membership today: 409 ``membership_none``.
    Needs ``billing.view_membership``."""
    require_staff(request, "billing.view_membership")
    return cancellation_preview(_member(member_id))


@router.post(
    "/{member_id}/membership/cancellation",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="staff_membership_cancel",
    url_name="staff_membership_cancel",
    summary="Give notice for a member",
)
def membership_cancel(request: HttpRequest, member_id: int) -> dict[str, Any]:
    """The membership ends on the day the preview gives (``ended_on``); a plan change arranged is called off.
    Notice given already: 409 ``membership_already_cancelled``. Needs ``billing.change_membership``."""
    require_staff(request, "billing.change_membership")
    member = _member(member_id)
    services.membership_cancel(member=member)
    return membership_state_out(member)


@router.delete(
    "/{member_id}/membership/cancellation",
    response={200: MembershipStateOut, **PROBLEMS},
    operation_id="staff_membership_cancel_withdraw",
    url_name="staff_membership_cancel_withdraw",
    summary="Withdraw a member's notice",
)
def membership_cancel_withdraw(request: HttpRequest, member_id: int) -> dict[str, Any]:
    """The membership runs on with no end. No notice to withdraw: 409 ``membership_not_cancelled``.
    Needs ``billing.change_membership``."""
    require_staff(request, "billing.change_membership")
    member = _member(member_id)
    services.membership_cancel_withdraw(member=member)
    return membership_state_out(member)


@router.get(
    "/{member_id}/membership/freezes/preview",
    response={200: FreezePreviewOut, **PROBLEMS},
    operation_id="staff_membership_freeze_preview",
    url_name="staff_membership_freeze_preview",
    summary="What freezing a member's membership would do to the bill",
)
def freeze_preview_read(request: HttpRequest, member_id: int, query: Query[FreezePreviewQuery]) -> dict[str, Any]:
    """Each month the days would touch, its plan charge without and with the freeze. Only prices it: the freeze's
    rules are checked when it is asked for. Needs ``billing.view_membershipfreeze``."""
    require_staff(request, "billing.view_membershipfreeze")
    return {"months": freeze_preview(_member(member_id), query.starts_on, query.ends_on)}


@router.post(
    "/{member_id}/membership/freezes",
    response={201: FreezeCreatedOut, **PROBLEMS},
    operation_id="staff_membership_freeze",
    url_name="staff_membership_freeze",
    summary="Freeze a member's membership",
)
def freeze_create(request: HttpRequest, member_id: int, payload: FreezeIn) -> Status[dict[str, Any]]:
    """No plan charge for the frozen days and no booking on them; recorded as made by you. Each refusal names its
    field: ``freeze_in_past`` (starts_on), ``freeze_too_short``/``freeze_too_long``/``freeze_yearly_limit``
    (ends_on), ``freeze_overlaps``/``freeze_has_bookings``/``membership_none`` (starts_on).
    Needs ``billing.add_membershipfreeze``."""
    user = require_staff(request, "billing.add_membershipfreeze")
    freeze = services.membership_freeze(member=_member(member_id), by=user, **payload.dict())
    return Status(201, freeze_created_out(freeze))


@router.post(
    "/{member_id}/membership/freezes/{freeze_id}/end",
    response={200: FreezeEndedOut, **PROBLEMS},
    operation_id="staff_membership_freeze_end",
    url_name="staff_membership_freeze_end",
    summary="End a member's freeze early",
)
def freeze_end(request: HttpRequest, member_id: int, freeze_id: int, payload: FreezeEndIn) -> dict[str, Any]:
    """The membership runs, and is billed, again from ``back_on`` (today if left out); a freeze not started yet
    is called off (``freeze`` null). Over already: 409 ``freeze_over``. Needs ``billing.change_membershipfreeze``."""
    require_staff(request, "billing.change_membershipfreeze")
    member = _member(member_id)
    freeze = get_object_or_404(MembershipFreeze, pk=freeze_id, membership__member=member)
    ended = services.membership_freeze_end(freeze=freeze, back_on=payload.back_on or club_today())
    return freeze_ended_out(member, ended)


@router.get(
    "/{member_id}/credit-packs",
    response={200: CreditPacksOut, **PROBLEMS},
    operation_id="staff_credit_pack_list",
    url_name="staff_credit_pack_list",
    summary="A member's class packs and credits",
)
def credit_pack_list(request: HttpRequest, member_id: int, page: Query[CreditPackPageQuery]) -> dict[str, Any]:
    """Every pack the member bought, newest first, with the credits left and their expiry, and the credits
    usable today. Needs ``billing.view_creditpack``."""
    require_staff(request, "billing.view_creditpack")
    return credit_packs_out(_member(member_id), limit=page.limit, offset=page.offset)


@router.post(
    "/{member_id}/credit-packs",
    response={201: CreditPackBoughtOut, **PROBLEMS},
    operation_id="staff_credit_pack_sell",
    url_name="staff_credit_pack_sell",
    summary="Sell a member a class pack",
)
def credit_pack_sell(request: HttpRequest, member_id: int, payload: PackChoiceIn) -> Status[dict[str, Any]]:
    """Its credits can be used at once, until they expire; its invoice is issued now (take the payment against
    it). A pack no longer on sale: 409 ``pack_inactive``. Needs ``billing.add_creditpack``."""
    require_staff(request, "billing.add_creditpack")
    bought = services.credit_pack_buy(member=_member(member_id), pack=ClassPack(pk=payload.pack))
    return Status(201, credit_pack_bought(bought))
