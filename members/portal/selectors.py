"""Reads of the member portal that reach beyond members' own tables: classes, sessions and the dashboard."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from billing.selectors import member_outstanding_balance
from clubsite.core.clock import club_today
from members.models import FitnessGoal, Member
from members.selectors import GoalProgress, LatestMetrics, goal_progress_list, latest_metrics
from operations.models import Booking, ClassRegistration, GroupClass, PersonalTrainingSession
from operations.selectors import live_registrations, waitlist_place, with_seat_counts
from trainers.models import Trainer

# -- classes and sessions -----------------------------------------------------------------------


def with_waitlist_position(registrations: QuerySet[ClassRegistration]) -> QuerySet[ClassRegistration]:
    """Annotate ``waitlist_position`` (1 = next to get a seat; None unless waitlisted) in the same query."""
    return registrations.annotate(waitlist_position=waitlist_place())


def class_with_seats(*, class_id: int) -> GroupClass | None:
    """One class (whatever its date or status) with ``seats_left`` and ``waitlist_count``; one query."""
    one_class = GroupClass.objects.filter(pk=class_id).select_related("booking__room", "booking__trainer__user")
    return with_seat_counts(one_class).first()


def member_class_registrations(*, member: Member, class_ids: list[int]) -> dict[int, ClassRegistration]:
    """The member's live registration for each of these classes (by class id), with waitlist position; one query."""
    if not class_ids:
        return {}
    registrations = with_waitlist_position(
        ClassRegistration.objects.filter(live_registrations(), member=member, group_class_id__in=class_ids)
    )
    return {registration.group_class_id: registration for registration in registrations}


def member_upcoming_registrations(
    *, member: Member, until: datetime.datetime | None = None
) -> QuerySet[ClassRegistration]:
    """The member's seats and waitlist places in scheduled classes yet to start, soonest first."""
    registrations = ClassRegistration.objects.filter(
        live_registrations(),
        member=member,
        group_class__booking__status=Booking.Status.SCHEDULED,
        group_class__booking__start_time__gt=timezone.now(),
    )
    if until is not None:
        registrations = registrations.filter(group_class__booking__start_time__lt=until)
    return (
        with_waitlist_position(registrations)
        .select_related("group_class__booking__room", "group_class__booking__trainer__user")
        .order_by("group_class__booking__start_time", "id")
    )


def member_upcoming_sessions(
    *, member: Member, until: datetime.datetime | None = None
) -> QuerySet[PersonalTrainingSession]:
    """The member's scheduled personal training sessions yet to start, soonest first."""
    sessions = PersonalTrainingSession.objects.filter(
        member=member, booking__status=Booking.Status.SCHEDULED, booking__start_time__gt=timezone.now()
    )
    if until is not None:
        sessions = sessions.filter(booking__start_time__lt=until)
    return sessions.select_related("booking__room", "booking__trainer__user").order_by("booking__start_time", "id")


#: How far ahead the member's timetable looks by default (the page, and the API without a range).
TIMETABLE_DAYS = 90
#: Free PT times start every half hour; they can be browsed up to a year ahead.
SLOT_STEP = datetime.timedelta(minutes=30)
SLOT_DAYS_AHEAD = 365


def slot_search_day(day: datetime.date | None) -> datetime.date:
    """The day whose free PT times are shown: the one asked for, held between today and a year ahead."""
    today = club_today()
    return min(max(day or today, today), today + datetime.timedelta(days=SLOT_DAYS_AHEAD))


def bookable_trainers(*, member: Member) -> QuerySet[Trainer]:
    """The trainers a member can book: active ones other than themselves (a trainer may be a member too), by
    name; the list of the personal training page."""
    return (
        Trainer.objects.filter(is_active=True)
        .exclude(user_id=member.user_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


# -- the dashboard ------------------------------------------------------------------------------

DASHBOARD_DAYS = 14


@dataclass(frozen=True)
class MemberDashboard:
    metrics: LatestMetrics
    goals: list[GoalProgress]
    classes_attended: int
    upcoming_classes: list[ClassRegistration]
    upcoming_sessions: list[PersonalTrainingSession]
    outstanding_balance: Decimal
    days: int = DASHBOARD_DAYS


def member_dashboard(*, member: Member) -> MemberDashboard:
    """Everything the member's home page shows, in six queries whatever the amount of history."""
    until = timezone.now() + datetime.timedelta(days=DASHBOARD_DAYS)
    return MemberDashboard(
        metrics=latest_metrics(member=member),
        goals=goal_progress_list(
            FitnessGoal.objects.filter(member=member, is_active=True).order_by("-created_at", "-id")
        ),
        classes_attended=ClassRegistration.objects.filter(
            member=member, status=ClassRegistration.Status.ATTENDED
        ).count(),
        upcoming_classes=list(member_upcoming_registrations(member=member, until=until)),
        upcoming_sessions=list(member_upcoming_sessions(member=member, until=until)),
        outstanding_balance=member_outstanding_balance(member=member),
    )
