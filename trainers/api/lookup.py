"""Member lookup for trainers, read-only: name, active goals and latest metric, never anything else; and a client's
page (their metric history, goals with progress, and your sessions with them)."""

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from clubsite.api.access import trainer_of
from clubsite.api.schemas import PROBLEMS
from members.models import Member
from operations.models import PersonalTrainingSession
from trainers import selectors as trainer_reads
from trainers.portal import selectors
from trainers.selectors import LOOKUP_COUNT_CAP

from .schemas import (
    LookedUpMemberOut,
    LookupGoalOut,
    LookupMetricOut,
    TrainerClientGoalOut,
    TrainerClientMetricOut,
    TrainerClientOut,
    TrainerClientSessionOut,
)

router = Router(tags=["trainer"])
PAGE_SIZE, MAX_PAGE_SIZE = 20, 100


class MemberLookupPage(Schema):
    items: list[LookedUpMemberOut]
    count: int = Field(description=f"Matches, counted up to {LOOKUP_COUNT_CAP}.")
    capped: bool = Field(description=f"More than {LOOKUP_COUNT_CAP} match: type more of the name.")


def _metric(metric) -> LookupMetricOut | None:
    if metric is None:
        return None
    return LookupMetricOut(
        weight=metric.weight, heart_rate=metric.heart_rate, body_fat=metric.body_fat, recorded_at=metric.recorded_at
    )


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
        latest_metric=_metric(metric),
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
    """Members whose first or last name holds, or nearly holds (a typo), every word of ``q``: whole names first,
    then names starting with the words, names holding them, and near misses; each with name, active goals
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


def _client_session(session: PersonalTrainingSession) -> TrainerClientSessionOut:
    booking = session.booking
    return TrainerClientSessionOut(
        id=session.pk,
        start=booking.start_time,
        end=booking.end_time,
        room=booking.room.name if booking.room is not None else "Online",
        status=booking.status,
        trainer_notes=session.trainer_notes,
    )


@router.get(
    "/members/{member_id}/client",
    response={200: TrainerClientOut, **PROBLEMS},
    operation_id="trainer_client_read",
    url_name="trainer_client_read",
    summary="A client's page: metric history, goals with progress, your sessions with them",
)
def trainer_client_read(request: HttpRequest, member_id: int) -> TrainerClientOut:
    """What the portal's client page shows: the member's latest metric and history (weight and heart rate),
    active goals with progress, and your sessions with them with your notes. Nothing private."""
    page = selectors.client_page(trainer=trainer_of(request), member_id=member_id)
    if page is None:
        raise Http404("No such member.")
    member = page.member
    return TrainerClientOut(
        id=member.pk,
        first_name=member.user.first_name,
        last_name=member.user.last_name,
        name=member.user.get_full_name(),
        latest_metric=_metric(page.latest_metric),
        metrics=[
            TrainerClientMetricOut(recorded_at=entry.recorded_at, weight=entry.weight, heart_rate=entry.heart_rate)
            for entry in page.chart_entries
        ],
        active_goals=[
            TrainerClientGoalOut(
                id=item.goal.pk,
                goal_type=item.goal.goal_type,
                goal_label=item.goal.get_goal_type_display(),
                target_value=item.goal.target_value,
                unit=item.goal.unit,
                target_date=item.goal.target_date,
                start_value=item.start_value,
                current_value=item.current_value,
                percent=item.percent,
            )
            for item in page.goals
        ],
        upcoming_sessions=[_client_session(session) for session in page.upcoming],
        past_sessions=[_client_session(session) for session in page.past],
    )
