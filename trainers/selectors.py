"""Reads of trainers' own tables and of the members a trainer may look up (name, active goals, latest metric).

What the trainer portal reads from operations (the schedule, classes, sessions, equipment) is in
``trainers.portal.selectors``.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Case, F, FloatField, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Upper

from members.models import FitnessGoal, LatestHealthMetric, Member

from .models import TimeOff, Trainer, TrainerAvailability, WeeklySlot


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


#: How each word of a lookup met a name, best first: the whole name, its start, inside it, or only close to it
#: (a typo: "morgn" for Morgan: pg_trgm's word similarity of the word to the name is above its threshold, 0.6 by
#: default, so a typo of the start of a longer name, "morgn" for Morgenstern, is close too).
EXACT, PREFIX, INSIDE, CLOSE = 0, 1, 2, 3
NAME_FIELDS = ("user__first_name", "user__last_name")


def _word_rank(word: str) -> Case:
    def either(lookup: str) -> Q:
        return Q(**{f"{NAME_FIELDS[0]}__{lookup}": word}) | Q(**{f"{NAME_FIELDS[1]}__{lookup}": word})

    return Case(
        When(either("iexact"), then=Value(EXACT)),
        When(either("istartswith"), then=Value(PREFIX)),
        When(either("icontains"), then=Value(INSIDE)),
        default=Value(CLOSE),
        output_field=IntegerField(),
    )


def _word_closeness(word: str) -> Case:
    """1 for a word inside a name; else how close the nearer name is (0-1), so the likelier typo comes first.

    Trigrams ignore case, so the word is compared as typed.
    """
    return Case(
        When(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word), then=Value(1.0)),
        default=Greatest(*(TrigramWordSimilarity(word, Upper(name)) for name in NAME_FIELDS)),
        output_field=FloatField(),
    )


def _word_matches(word: str) -> Q:
    """The word is inside the first or last name, or close to one (a typo).

    ``UPPER(name) LIKE`` and ``UPPER(name) %> UPPER(word)`` are both served by the GIN trigram indexes of
    members/0003 (built on ``UPPER(name)``), so a typo costs no sequential scan either.
    """
    upper = Upper(Value(word))
    return (
        Q(user__first_name__icontains=word)
        | Q(user__last_name__icontains=word)
        | Q(*(TrigramWordSimilar(Upper(name), upper) for name in NAME_FIELDS), _connector=Q.OR)
    )


def _with_card(members: QuerySet[Member]) -> QuerySet[Member]:
    """What a member's card shows loaded: the user joined, active goals and the latest metric prefetched."""
    return members.select_related("user").prefetch_related(
        Prefetch(
            "goals",
            queryset=FitnessGoal.objects.filter(is_active=True).order_by("-created_at", "-id"),
            to_attr="active_goals",
        ),
        # Prefetched, not joined: "member_id IN (...)" is pushed into the view's DISTINCT ON (see
        # members.selectors.member_search).
        "latest_metric",
    )


def member_lookup(*, term: str) -> QuerySet[Member]:
    """Members whose first or last name holds, or nearly holds, every word of ``term``: three queries a page.

    Every word must be inside a name or close to one ("morgn" finds Morgan). The best matches come first: names
    equal to the words, then names starting with them, then names holding them, then near misses (closest
    first); within each, by name. An empty term finds nobody rather than everybody.
    """
    words = (term or "").split()
    if not words:
        return Member.objects.none()
    condition = Q()
    for word in words:
        condition &= _word_matches(word)
    rank = sum((_word_rank(word) for word in words[1:]), _word_rank(words[0]))
    closeness = sum((_word_closeness(word) for word in words[1:]), _word_closeness(words[0]))
    return (
        _with_card(Member.objects.filter(condition))
        .alias(match_rank=rank, match_closeness=closeness)
        .order_by(F("match_rank").asc(), F("match_closeness").desc(), "user__last_name", "user__first_name", "id")
    )


def member_lookup_profile(*, member_id: int) -> QuerySet[Member]:
    """The one member with their active goals and latest metric loaded: three queries."""
    return _with_card(Member.objects.filter(pk=member_id))


def latest_metric_of(member: Member) -> LatestHealthMetric | None:
    """The member's latest metric row from the database view, or None; no query once prefetched."""
    # A member without one has it cached as "none"; reading it raises RelatedObjectDoesNotExist (an AttributeError).
    latest: LatestHealthMetric | None = getattr(member, "latest_metric", None)
    return latest


def trainer_weekly_slots(*, trainer: Trainer) -> QuerySet[WeeklySlot]:
    """The rows of the trainer's weekly template: what a removal may look up by id."""
    return WeeklySlot.objects.filter(trainer=trainer)


def trainer_time_off(*, trainer: Trainer) -> QuerySet[TimeOff]:
    """Every time off of the trainer, past ones too: what a removal may look up by id."""
    return TimeOff.objects.filter(trainer=trainer)
