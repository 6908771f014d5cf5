"""What the club offers, for anyone (no credentials, like sign-up): the membership plans with their terms and the
class packs on sale, so a visitor can choose a plan before signing up."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from billing.api.shown import ClassPackOut, PlanTermsOut, active_class_packs, active_plans
from clubsite.api.schemas import PROBLEMS

from .common import page_of
from .schemas import MemberPage, MemberPageQuery

#: Mounted at /api/v1 itself: /api/v1/plans and /api/v1/class-packs.
router = Router(tags=["catalogue"], auth=None)


@router.get(
    "/plans",
    response={200: MemberPage[PlanTermsOut], **PROBLEMS},
    operation_id="catalogue_plan_list",
    url_name="catalogue_plan_list",
    summary="The membership plans on offer",
)
def plan_list(request: HttpRequest, page: Query[MemberPageQuery]) -> dict[str, Any]:
    """Every plan offered to new members, cheapest first, with its terms: the monthly and joining fees, the classes
    it includes, its minimum term and notice period. Sign up with one (``plan`` in ``POST /signup``), or join later
    (``POST /member/membership``)."""
    return page_of(active_plans(), page)


@router.get(
    "/class-packs",
    response={200: MemberPage[ClassPackOut], **PROBLEMS},
    operation_id="catalogue_class_pack_list",
    url_name="catalogue_class_pack_list",
    summary="The class packs on sale",
)
def class_pack_list(request: HttpRequest, page: Query[MemberPageQuery]) -> dict[str, Any]:
    """Packs of class credits, fewest credits first: a class the plan does not include takes one credit. Members
    buy one with ``POST /member/credit-packs``."""
    return page_of(active_class_packs(), page)
