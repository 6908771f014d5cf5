"""Member lookup for trainers, read-only: name, active goals and latest metric, never anything else."""

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from clubsite.api.access import trainer_of
from clubsite.api.schemas import PROBLEMS
from members.models import Member
from trainers import selectors as trainer_reads
from trainers.selectors import LOOKUP_COUNT_CAP

from .schemas import LookedUpMemberOut, LookupGoalOut, LookupMetricOut

router = Router(tags=["trainer"])
PAGE_SIZE, MAX_PAGE_SIZE = 20, 100


class MemberLookupPage(Schema):
    items: list[LookedUpMemberOut]
    count: int = Field(description=f"Matches, counted up to {LOOKUP_COUNT_CAP}.")
    capped: bool = Field(description=f"More than {LOOKUP_COUNT_CAP} match: type more of the name.")


def _looked_up(member: Member) -> LookedUpMemberOut:
    metric = trainer_reads.latest_metric_of(member)
    return LookedUpMemberOut(
        id=member.pk,
        first_name=member.user.first_name,
        last_name=member.user.last_name,
        name=member.user.get_full_name(),
        active_goals=[
            LookupGoalOut(
                id=goal.pk,
                goal_type=goal.goal_type,
                goal_label=goal.get_goal_type_display(),
                target_value=goal.target_value,
                unit=goal.unit,
                target_date=goal.target_date,
            )
            for goal in member.active_goals  # type: ignore[attr-defined]
        ],
        latest_metric=None
        if metric is None
        else LookupMetricOut(
            weight=metric.weight, heart_rate=metric.heart_rate, body_fat=metric.body_fat, recorded_at=metric.recorded_at
        ),
    )


@router.get(
    "/members",
    response={200: MemberLookupPage, **PROBLEMS},
    operation_id="trainer_member_lookup",
    url_name="trainer_member_lookup",
    summary="Find members by name",
)
def trainer_member_lookup(
    request: HttpRequest,
    q: str = Query(..., max_length=100, description="First or last name, or parts of both."),
    limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
) -> MemberLookupPage:
    """Members whose first or last name contains every word of ``q``, by name: each with name, active goals
    and latest metric only. The count stops at the cap (``capped``), as on the portal."""
    trainer_of(request)
    matches = trainer_reads.member_lookup(term=q.strip())
    counted = matches[: LOOKUP_COUNT_CAP + 1].count()
    return MemberLookupPage(
        items=[_looked_up(member) for member in matches[offset : offset + limit]],
        count=min(counted, LOOKUP_COUNT_CAP),
        capped=counted > LOOKUP_COUNT_CAP,
    )


@router.get(
    "/members/{member_id}",
    response={200: LookedUpMemberOut, **PROBLEMS},
    operation_id="trainer_member_read",
    url_name="trainer_member_read",
    summary="One member's name, active goals and latest metric",
)
def trainer_member_read(request: HttpRequest, member_id: int) -> LookedUpMemberOut:
    """Nothing else: no email, phone, date of birth or billing."""
    trainer_of(request)
    member = trainer_reads.member_lookup_profile(member_id=member_id).first()
    if member is None:
        raise Http404("No such member.")
    return _looked_up(member)
