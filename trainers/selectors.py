"""Reads of trainers' own tables and of the members a trainer may look up (name, active goals, latest metric).

What the trainer portal reads from operations (the schedule, classes, sessions, equipment) is in
``trainers.portal.selectors``.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from members.models import FitnessGoal, LatestHealthMetric, Member
from members.selectors import member_search

from .models import Trainer, TrainerAvailability


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of the week holding ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def trainer_windows(*, trainer: Trainer) -> QuerySet[TrainerAvailability]:
    """Every window of the trainer, past ones too: what an edit or removal may look up by id."""
    return TrainerAvailability.objects.filter(trainer=trainer)


# ---------------------------------------------------------------------------------------------
# Member lookup (read-only: name, active goals, latest metric)
# ---------------------------------------------------------------------------------------------


#: Past this many matches the lookup says "type more of the name" instead of counting them all.
LOOKUP_COUNT_CAP = 1000


def member_lookup(*, term: str) -> QuerySet[Member]:
    """Members whose name matches ``term`` (see ``members.selectors.member_search``): three queries a page."""
    return member_search(term=term)


def member_lookup_profile(*, member_id: int) -> QuerySet[Member]:
    """The one member with their active goals and latest metric loaded: three queries."""
    return (
        Member.objects.filter(pk=member_id)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=FitnessGoal.objects.filter(is_active=True).order_by("-created_at", "-id"),
                to_attr="active_goals",
            ),
            "latest_metric",
        )
    )


def latest_metric_of(member: Member) -> LatestHealthMetric | None:
    """The member's latest metric row from the database view, or None; no query once prefetched."""
    # A member without one has it cached as "none"; reading it raises RelatedObjectDoesNotExist (an AttributeError).
    latest: LatestHealthMetric | None = getattr(member, "latest_metric", None)
    return latest
