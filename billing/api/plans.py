"""Membership plans and members' memberships, as the billing admin has them: the same permissions, the same
services."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from billing import services
from billing.models import Membership, MembershipPlan
from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from members.models import Member

from ._common import membership_out
from .schemas import PLAN_TERMS, StaffMembershipEndIn, StaffMembershipIn, StaffMembershipOut, StaffPlanIn, StaffPlanOut

router = Router()


def _plan_out(plan: MembershipPlan) -> StaffPlanOut:
    return StaffPlanOut.from_orm(plan)


@router.get(
    "/plans",
    response={200: list[StaffPlanOut], **PROBLEMS},
    operation_id="staff_plan_list",
    url_name="staff_plan_list",
    summary="Membership plans",
)
@paginate(LimitOffsetPagination)
def plan_list(request: HttpRequest, is_active: bool | None = None):
    """Every plan, cheapest first; ``is_active`` for only those offered (or no longer offered).
    Needs ``billing.view_membershipplan``."""
    require_staff(request, "billing.view_membershipplan")
    plans = MembershipPlan.objects.order_by("monthly_fee", "name", "id")
    if is_active is not None:
        plans = plans.filter(is_active=is_active)
    return Converted(plans, _plan_out)


@router.post(
    "/plans",
    response={201: StaffPlanOut, **PROBLEMS},
    operation_id="staff_plan_create",
    url_name="staff_plan_create",
    summary="Offer a membership plan",
)
def plan_create(request: HttpRequest, payload: StaffPlanIn) -> Status[StaffPlanOut]:
    """A plan's name is unique, regardless of case (``plan_name_taken``); each term is checked by the service
    (``plan_allowance_required`` on ``classes_per_month``, ``plan_term_invalid``...).
    Needs ``billing.add_membershipplan``."""
    require_staff(request, "billing.add_membershipplan")
    return Status(201, _plan_out(services.membership_plan_create(**payload.dict())))


@router.put(
    "/plans/{plan_id}",
    response={200: StaffPlanOut, **PROBLEMS},
    operation_id="staff_plan_update",
    url_name="staff_plan_update",
    summary="Change a membership plan",
)
def plan_update(request: HttpRequest, plan_id: int, payload: StaffPlanIn) -> StaffPlanOut:
    """A new fee bills the months not billed yet; new terms apply to notice given from now on; a plan no longer
    offered keeps its members. A term the request leaves out keeps its value.
    Needs ``billing.change_membershipplan``."""
    require_staff(request, "billing.change_membershipplan")
    plan = get_object_or_404(MembershipPlan, pk=plan_id)
    fields = {term: getattr(plan, term) for term in PLAN_TERMS} | payload.dict(exclude_unset=True)
    fields.setdefault("description", "")
    fields.setdefault("is_active", True)
    return _plan_out(services.membership_plan_update(plan=plan, **fields))


# -- memberships ------------------------------------------------------------------------------


def _memberships():
    return Membership.objects.select_related("member__user", "plan")


@router.get(
    "/memberships",
    response={200: list[StaffMembershipOut], **PROBLEMS},
    operation_id="staff_membership_list",
    url_name="staff_membership_list",
    summary="Members' memberships",
)
@paginate(LimitOffsetPagination)
def membership_list(
    request: HttpRequest, member: int | None = None, plan: int | None = None, current: bool | None = None
):
    """Latest start first; ``current`` for only the memberships not ended (or only the ended ones).
    Needs ``billing.view_membership``."""
    require_staff(request, "billing.view_membership")
    memberships = _memberships().order_by("-started_on", "-id")
    if member is not None:
        memberships = memberships.filter(member_id=member)
    if plan is not None:
        memberships = memberships.filter(plan_id=plan)
    if current is not None:
        memberships = memberships.filter(ended_on__isnull=current)
    return Converted(memberships, membership_out)


@router.post(
    "/memberships",
    response={201: StaffMembershipOut, **PROBLEMS},
    operation_id="staff_membership_start",
    url_name="staff_membership_start",
    summary="Start a member on a plan",
)
def membership_start(request: HttpRequest, payload: StaffMembershipIn) -> Status[StaffMembershipOut]:
    """The member's current membership ends the day before. Needs ``billing.add_membership``."""
    require_staff(request, "billing.add_membership")
    membership = services.membership_start(
        member=Member.objects.filter(pk=payload.member).first(),  # type: ignore[arg-type]
        plan=MembershipPlan.objects.filter(pk=payload.plan).first(),  # type: ignore[arg-type]
        started_on=payload.started_on,
    )
    return Status(201, membership_out(_memberships().get(pk=membership.pk)))


@router.post(
    "/memberships/{membership_id}/end",
    response={200: StaffMembershipOut, **PROBLEMS},
    operation_id="staff_membership_end",
    url_name="staff_membership_end",
    summary="End a current membership",
)
def membership_end(request: HttpRequest, membership_id: int, payload: StaffMembershipEndIn) -> StaffMembershipOut:
    """``ended_on`` is its last active day. Needs ``billing.change_membership``."""
    require_staff(request, "billing.change_membership")
    membership = get_object_or_404(_memberships(), pk=membership_id)
    services.membership_end(membership=membership, ended_on=payload.ended_on)
    return membership_out(_memberships().get(pk=membership.pk))
