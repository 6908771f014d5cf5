"""The member's home page as data: the member_dashboard selector the portal's dashboard reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from ninja import Router

from billing.models import ClassCover
from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS
from members.portal.selectors import member_dashboard

from .schemas import MemberDashboardOut, MemberMetricChanges

router = Router(tags=["member"])


@router.get(
    "/dashboard",
    response={200: MemberDashboardOut, **PROBLEMS},
    operation_id="member_dashboard",
    url_name="member_dashboard",
    summary="Your dashboard",
)
def dashboard(request: HttpRequest) -> dict[str, Any]:
    """What your home page shows: the latest measurement and its change since the one before, your active goals
    with their progress, classes attended, your seats, waitlist places and sessions of the next days, and what
    you still owe."""
    board = member_dashboard(member=member_of(request))
    # How each seat is paid for (the registrations' ``cover``), in one query for all of them.
    prefetch_related_objects(
        board.upcoming_classes, Prefetch("cover", queryset=ClassCover.objects.select_related("credit_pack"))
    )
    metrics = board.metrics
    return {
        "latest_metric": metrics.latest,
        "previous_metric": metrics.previous,
        "changes": {field: metrics.change(field) for field in MemberMetricChanges.model_fields},
        "goals": [progress.goal for progress in board.goals],
        "classes_attended": board.classes_attended,
        "upcoming_classes": board.upcoming_classes,
        "upcoming_sessions": board.upcoming_sessions,
        "outstanding_balance": board.outstanding_balance,
        "days": board.days,
    }
