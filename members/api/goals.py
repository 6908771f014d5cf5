"""The member's fitness goals: list them with their progress, set, change and retire them."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS
from members.models import FitnessGoal, Member
from members.selectors import goals_with_progress, member_goals
from members.services import goal_create, goal_deactivate, goal_update

from .schemas import MemberGoalIn, MemberGoalOut

router = Router(tags=["member"])


def _own_goal(member: Member, goal_id: int) -> FitnessGoal:
    """One of the caller's goals; anyone else's is a 404, as in the portal."""
    return get_object_or_404(FitnessGoal.objects.filter(member=member), pk=goal_id)


def _with_progress(goal: FitnessGoal) -> FitnessGoal:
    # Read back through the same annotations as the list, so a written goal comes back with its progress.
    return goals_with_progress(FitnessGoal.objects.filter(pk=goal.pk)).get()


@router.get(
    "/goals",
    response={200: list[MemberGoalOut], **PROBLEMS},
    operation_id="member_goal_list",
    url_name="member_goal_list",
    summary="Your goals with their progress",
)
@paginate
def goal_list(request: HttpRequest, active: bool | None = Query(None)) -> Any:
    """Every goal you set, active ones first, newest first, each with where you started, where you are and how
    far along (when a measurement tracks it). ``active=true`` or ``false`` narrows the list."""
    goals = member_goals(member=member_of(request))
    return goals if active is None else goals.filter(is_active=active)


@router.post(
    "/goals",
    response={201: MemberGoalOut, **PROBLEMS},
    operation_id="member_goal_create",
    url_name="member_goal_create",
    summary="Set a goal",
)
def goal_create_endpoint(request: HttpRequest, payload: MemberGoalIn) -> Status[FitnessGoal]:
    """Set a new, active goal. The target date, if any, must be within ten years and not in the past."""
    goal = goal_create(member=member_of(request), **payload.dict())
    return Status(201, _with_progress(goal))


@router.put(
    "/goals/{goal_id}",
    response={200: MemberGoalOut, **PROBLEMS},
    operation_id="member_goal_update",
    url_name="member_goal_update",
    summary="Change a goal",
)
def goal_update_endpoint(request: HttpRequest, goal_id: int, payload: MemberGoalIn) -> FitnessGoal:
    """Replace an active goal's type, target, unit and date (an unchanged past date may stay); a retired goal
    is 409 ``goal_inactive``."""
    goal = goal_update(goal=_own_goal(member_of(request), goal_id), **payload.dict())
    return _with_progress(goal)


@router.post(
    "/goals/{goal_id}/deactivate",
    response={200: MemberGoalOut, **PROBLEMS},
    operation_id="member_goal_deactivate",
    url_name="member_goal_deactivate",
    summary="Retire a goal",
)
def goal_deactivate_endpoint(request: HttpRequest, goal_id: int) -> FitnessGoal:
    """Retire a goal (reached or abandoned); it stays in your history. Already retired: 409."""
    goal = goal_deactivate(goal=_own_goal(member_of(request), goal_id))
    return _with_progress(goal)
