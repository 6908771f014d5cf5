"""Reads of members' own tables: name search for trainers and staff, a member's metric history and goals.

What the member portal reads from other apps (classes, sessions, the bill) is in ``members.portal.selectors``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any, NamedTuple

from django.db.models import (
    Case,
    DecimalField,
    Expression,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact

from .models import FitnessGoal, HealthMetric, Member, MetricsConsent


def member_search(*, term: str) -> QuerySet[Member]:
    """Members whose first or last name contains every word of ``term``, case-insensitively.

    Each member comes with ``active_goals`` (a list) and ``latest_metric`` (absent when there is
    none: read it with ``getattr(member, "latest_metric", None)``) loaded: three queries whatever
    the number of results. An empty term finds nobody rather than everybody.
    """
    words = (term or "").split()
    if not words:
        return Member.objects.none()
    condition = Q()
    for word in words:
        # Exactly the lookups the trigram indexes of migration 0003 were built for.
        condition &= Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
    return (
        Member.objects.filter(condition)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=FitnessGoal.objects.filter(is_active=True).order_by("-created_at", "-id"),
                to_attr="active_goals",
            ),
            # Prefetched, not joined: "member_id IN (...)" is pushed into the view's DISTINCT ON and
            # reads a few index entries, whereas a join makes PostgreSQL compute the view for every
            # member (with 300,000 metrics: about 7 ms against 300 ms for a search).
            "latest_metric",
        )
        .order_by("user__last_name", "user__first_name", "id")
    )


#: What staff find a member by: every word typed must be in one of these.
STAFF_SEARCH_FIELDS = ("user__first_name", "user__last_name", "user__email", "phone")


def member_staff_search(*, term: str, within: QuerySet[Member] | None = None) -> QuerySet[Member]:
    """Members (of ``within``, all by default) with every word of ``term`` in their first or last name, email
    or phone, case-insensitively; an empty term keeps them all. The members admin's search and the staff
    API's both ask here, so the same words find the same people."""
    members = Member.objects.all() if within is None else within
    for word in (term or "").split():
        members = members.filter(
            reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in STAFF_SEARCH_FIELDS))
        )
    return members


def metric_history(*, member: Member) -> QuerySet[HealthMetric]:
    """A member's measurements, newest first (read from the (member, recorded_at DESC) index)."""
    return HealthMetric.objects.filter(member=member).order_by("-recorded_at", "-id")


class LatestMetrics(NamedTuple):
    """A member's latest measurement and the one before, for "change since last time"."""

    latest: HealthMetric | None
    previous: HealthMetric | None

    def change(self, field: str) -> Decimal | int | None:
        """How much ``field`` moved from the previous entry to the latest; None if either lacks it."""
        if self.latest is None or self.previous is None:
            return None
        now: Decimal | int | None = getattr(self.latest, field)
        before: Decimal | int | None = getattr(self.previous, field)
        if now is None or before is None:
            return None
        return now - before


def latest_metrics(*, member: Member) -> LatestMetrics:
    """The latest and the previous measurement (either may be None), in one query."""
    entries: list[HealthMetric | None] = [*metric_history(member=member)[:2]]
    entries += [None] * (2 - len(entries))
    return LatestMetrics(latest=entries[0], previous=entries[1])


def metric_chart_entries(*, member: Member, limit: int = 120) -> list[HealthMetric]:
    """The member's latest ``limit`` entries with a weight or a heart rate, oldest first, for a chart; one query."""
    latest = list(
        metric_history(member=member)
        .filter(Q(weight__isnull=False) | Q(heart_rate__isnull=False))
        .only("recorded_at", "weight", "heart_rate")[:limit]
    )
    latest.reverse()
    return latest


# -- goals and their progress -------------------------------------------------------------------

# Which measurement shows progress toward a goal, in which unit, and which way is forward.
GOAL_TRACKING: dict[str, tuple[str, str, int]] = {
    FitnessGoal.GoalType.LOSE_WEIGHT: ("weight", "kg", -1),
    FitnessGoal.GoalType.GAIN_MUSCLE: ("weight", "kg", 1),
    FitnessGoal.GoalType.REDUCE_BODY_FAT: ("body_fat", "%", -1),
    FitnessGoal.GoalType.LOWER_RESTING_HEART_RATE: ("heart_rate", "bpm", -1),
}
_VALUE: DecimalField[Decimal, Decimal] = DecimalField(max_digits=8, decimal_places=2)


def _tracked_value(*, when: Q | None = None, first: bool = False) -> Subquery:
    """The outer goal's tracked measurement from its member's latest entry that has one (earliest if ``first``).

    One subquery whatever the goal's type: the measurement is picked inside it by the outer goal's type,
    where a subquery per type and measurement took 10 ms to build and compile on every dashboard.
    """
    measurement = Case(
        *(
            When(Exact(OuterRef("goal_type"), Value(goal_type)), then=Cast(field, _VALUE))
            for goal_type, (field, _unit, _direction) in GOAL_TRACKING.items()
        ),
        output_field=_VALUE,
    )
    entries = HealthMetric.objects.filter(member=OuterRef("member"))
    if when is not None:
        entries = entries.filter(when)
    entries = entries.annotate(value=measurement).filter(value__isnull=False)
    entries = entries.order_by("recorded_at", "id") if first else entries.order_by("-recorded_at", "-id")
    return Subquery(entries.values("value")[:1], output_field=_VALUE)


# A goal is tracked when a measurement shows its type, and its target is in that measurement's unit.
_TRACKED = reduce(
    operator.or_,
    (Q(goal_type=goal_type, unit__iexact=unit) for goal_type, (_field, unit, _direction) in GOAL_TRACKING.items()),
)


def _if_tracked(value: Expression | Subquery) -> Case:
    return Case(When(_TRACKED, then=value), default=Value(None, output_field=_VALUE), output_field=_VALUE)


@dataclass(frozen=True)
class GoalProgress:
    """A goal with where the member started, where they are now, and how far along they are (0-100)."""

    goal: FitnessGoal
    start_value: Decimal | None
    current_value: Decimal | None

    @property
    def tracking_unit(self) -> str | None:
        """The unit in which a target of this type is measured by the health metrics, if any."""
        tracking = GOAL_TRACKING.get(self.goal.goal_type)
        return tracking[1] if tracking else None

    @property
    def tracked(self) -> bool:
        return self.goal.goal_type in GOAL_TRACKING and self.start_value is not None

    @property
    def percent(self) -> int | None:
        if not self.tracked or self.current_value is None:
            return None
        assert self.start_value is not None  # tracked
        direction = GOAL_TRACKING[self.goal.goal_type][2]
        needed = (self.goal.target_value - self.start_value) * direction
        done = (self.current_value - self.start_value) * direction
        if needed <= 0:
            # The target was already met (or passed) when the goal was set.
            return 100 if (self.current_value - self.goal.target_value) * direction >= 0 else 0
        return max(0, min(100, int(done * 100 / needed)))

    @property
    def to_go(self) -> Decimal | None:
        """How far the latest value still is from the target, in the goal's unit (0 once reached)."""
        if not self.tracked or self.current_value is None:
            return None
        direction = GOAL_TRACKING[self.goal.goal_type][2]
        return max(Decimal(0), (self.goal.target_value - self.current_value) * direction)


# Built once: annotate() resolves a copy for each query, and building them anew cost milliseconds a page.
_START_VALUE = _if_tracked(
    Coalesce(
        _tracked_value(when=Q(recorded_at__lte=OuterRef("created_at"))),
        _tracked_value(when=Q(recorded_at__gt=OuterRef("created_at")), first=True),
    )
)
_CURRENT_VALUE = _if_tracked(_tracked_value())


def goals_with_progress(goals: QuerySet[FitnessGoal]) -> QuerySet[FitnessGoal]:
    """Annotate ``start_value`` (the tracked measurement when the goal was set, else the first one after)
    and ``current_value`` (the latest); both stay None for goals no measurement tracks. Same query."""
    return goals.annotate(start_value=_START_VALUE, current_value=_CURRENT_VALUE)


def goal_progress_list(goals: QuerySet[FitnessGoal]) -> list[GoalProgress]:
    """The goals with their progress; one query."""
    return [progress_of(goal) for goal in goals_with_progress(goals)]


def progress_of(goal: FitnessGoal) -> GoalProgress:
    """The progress of one goal read through ``goals_with_progress``; no query."""
    annotated: Any = goal  # start_value and current_value are the query's annotations, not model fields
    return GoalProgress(goal=goal, start_value=annotated.start_value, current_value=annotated.current_value)


def member_goals(*, member: Member) -> QuerySet[FitnessGoal]:
    """Every goal of the member: active ones first, newest first, with progress annotations."""
    return goals_with_progress(FitnessGoal.objects.filter(member=member)).order_by("-is_active", "-created_at", "-id")


def metrics_consent_in_force(*, member: Member) -> MetricsConsent | None:
    """The member's consent to processing health metrics in force, or None: one read of the partial unique index
    ``members_metricsconsent_one_current``. ``metric_record`` asks it under the member's lock; pages ask it to
    show the form or the reason there is none."""
    return MetricsConsent.objects.filter(member_id=member.pk, withdrawn_at__isnull=True).first()
