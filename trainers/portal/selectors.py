"""Reads of the trainer portal that reach into operations: a trainer's week and schedule, windows, classes,
sessions, a client's page, the weekly template, time off and equipment. Each selector's query count is pinned
by a test."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.core.clock import club_time, club_today, day_start
from members.models import FitnessGoal, HealthMetric, LatestHealthMetric, Member
from members.selectors import GoalProgress, goal_progress_list, metric_chart_entries
from operations.describe import booking_label, related_or_none
from operations.models import (
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
)
from operations.selectors import with_seat_counts
from trainers.models import TimeOff, Trainer, TrainerAvailability, WeeklySlot
from trainers.selectors import latest_metric_of, week_start_of

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
# The grid always shows the club's usual opening hours, and stretches when something lies outside them.
GRID_FIRST_HOUR = 6
GRID_LAST_HOUR = 21
REPORTS_SHOWN = 10


# ---------------------------------------------------------------------------------------------
# The schedule: bookings with their class or session, as entries the pages show
# ---------------------------------------------------------------------------------------------


def trainer_bookings(*, trainer: Trainer) -> QuerySet[Booking]:
    """All of the trainer's bookings with room, class, session and member loaded and seats counted; one query."""
    bookings = Booking.objects.filter(trainer=trainer).select_related("room", "group_class", "pt_session__member__user")
    return with_seat_counts(bookings).order_by("start_time", "id")


@dataclass(frozen=True)
class ScheduleEntry:
    """One class or session of a trainer's schedule, in the club's time zone."""

    booking_id: int
    kind: str
    title: str
    start: datetime.datetime
    end: datetime.datetime
    room: str
    status: str
    status_label: str
    class_id: int | None = None
    capacity: int | None = None
    registered: int | None = None
    waitlisted: int | None = None
    session_id: int | None = None
    member_id: int | None = None
    member_name: str = ""

    @property
    def is_class(self) -> bool:
        return self.class_id is not None

    @property
    def is_session(self) -> bool:
        return self.session_id is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == Booking.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()


def schedule_entry(booking: Booking) -> ScheduleEntry:
    """A booking from ``trainer_bookings`` as the schedule shows it; no query."""
    common: dict[str, Any] = {
        "booking_id": booking.pk,
        "kind": booking.kind,
        "start": club_time(booking.start_time),
        "end": club_time(booking.end_time),
        "room": booking.room.name if booking.room is not None else "Online",
        "status": booking.status,
        "status_label": booking.get_status_display(),
    }
    group_class = related_or_none(booking, "group_class")
    if isinstance(group_class, GroupClass):
        return ScheduleEntry(
            title=booking_label(booking),
            class_id=group_class.pk,
            capacity=group_class.capacity,
            registered=getattr(booking, "seated_count", None),
            waitlisted=getattr(booking, "waitlist_count", None),
            **common,
        )
    session = related_or_none(booking, "pt_session")
    if isinstance(session, PersonalTrainingSession):
        return ScheduleEntry(
            title=booking_label(booking),
            session_id=session.pk,
            member_id=session.member_id,
            member_name=session.member.user.get_full_name(),
            **common,
        )
    return ScheduleEntry(title=booking_label(booking), **common)


def schedule_entries(bookings: Iterable[Booking]) -> list[ScheduleEntry]:
    return [schedule_entry(booking) for booking in bookings]


SCHEDULE_UPCOMING = "upcoming"
SCHEDULE_PAST = "past"


def trainer_schedule_list(*, trainer: Trainer, when: str = SCHEDULE_UPCOMING) -> QuerySet[Booking]:
    """The trainer's classes and sessions: upcoming (not yet ended, soonest first) or past (started, latest first).

    One query for any page of it (plus the paginator's count); turn a page into entries with ``schedule_entries``.
    """
    now = timezone.now()
    bookings = trainer_bookings(trainer=trainer)
    if when == SCHEDULE_PAST:
        return bookings.filter(start_time__lte=now).order_by("-start_time", "-id")
    return bookings.filter(end_time__gt=now)


@dataclass
class WeekCell:
    day: datetime.date
    is_today: bool
    available: bool
    entries: list[ScheduleEntry] = field(default_factory=list)


@dataclass
class WeekRow:
    hour: int
    cells: list[WeekCell]

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00"


@dataclass
class WeekDay:
    date: datetime.date
    is_today: bool
    entries: list[ScheduleEntry]
    # Availability windows as (start, end) on the club's clock, clipped to the day.
    windows: list[tuple[datetime.datetime, datetime.datetime]]


@dataclass
class TrainerWeek:
    start: datetime.date
    days: list[WeekDay]
    rows: list[WeekRow]

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    @property
    def previous(self) -> datetime.date:
        return self.start - WEEK

    @property
    def next(self) -> datetime.date:
        return self.start + WEEK

    @property
    def is_current(self) -> bool:
        return self.start == week_start_of(club_today())

    @property
    def entry_count(self) -> int:
        return sum(len(day.entries) for day in self.days)


def trainer_week(*, trainer: Trainer, week_start: datetime.date) -> TrainerWeek:
    """The trainer's week from ``week_start`` (any day; the week starts on its Monday): two queries.

    Each day holds its classes and sessions (cancelled ones too, so the trainer sees what fell through)
    and its availability windows; ``rows`` lays them out as an hour-by-day grid.
    """
    monday = week_start_of(week_start)
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    start, end = day_start(days[0]), day_start(days[-1] + DAY)
    entries = schedule_entries(trainer_bookings(trainer=trainer).filter(start_time__lt=end, end_time__gt=start))
    windows = [
        (club_time(window_start), club_time(window_end))
        for window_start, window_end in TrainerAvailability.objects.filter(
            trainer=trainer, start_time__lt=end, end_time__gt=start
        )
        .order_by("start_time")
        .values_list("start_time", "end_time")
    ]
    today = club_today()
    week_days: list[WeekDay] = []
    for day in days:
        opens, closes = club_time(day_start(day)), club_time(day_start(day + DAY))
        week_days.append(
            WeekDay(
                date=day,
                is_today=day == today,
                # An entry belongs to the day it starts on; one that started before Monday shows on Monday.
                entries=[e for e in entries if e.start < closes and (e.start >= opens or day == days[0])],
                windows=[(max(s, opens), min(e, closes)) for s, e in windows if s < closes and e > opens],
            )
        )
    return TrainerWeek(start=monday, days=week_days, rows=_grid_rows(week_days))


def _grid_hour(entry: ScheduleEntry, day: datetime.date) -> int:
    return entry.start.hour if entry.start.date() == day else 0


def _grid_rows(days: list[WeekDay]) -> list[WeekRow]:
    """One row per hour on the club's clock; an entry sits in the row of the hour it starts."""
    hours = {GRID_FIRST_HOUR, GRID_LAST_HOUR}
    for day in days:
        hours.update(_grid_hour(entry, day.date) for entry in day.entries)
        for start, end in day.windows:
            hours.update({start.hour, (end - datetime.timedelta(microseconds=1)).hour})
    rows: list[WeekRow] = []
    for hour in range(min(hours), max(hours) + 1):
        cells: list[WeekCell] = []
        for day in days:
            # Wall-clock comparisons, so a daylight-saving day still reads hour by hour.
            hour_start = datetime.datetime.combine(day.date, datetime.time(hour))
            hour_end = hour_start + datetime.timedelta(hours=1)
            available = any(
                s.replace(tzinfo=None) < hour_end and e.replace(tzinfo=None) > hour_start for s, e in day.windows
            )
            in_hour = [entry for entry in day.entries if _grid_hour(entry, day.date) == hour]
            cells.append(WeekCell(day=day.date, is_today=day.is_today, available=available, entries=in_hour))
        rows.append(WeekRow(hour=hour, cells=cells))
    return rows


# ---------------------------------------------------------------------------------------------
# Availability, classes and sessions of one trainer
# ---------------------------------------------------------------------------------------------


def trainer_availability_list(*, trainer: Trainer) -> QuerySet[TrainerAvailability]:
    """The trainer's windows that have not ended, soonest first, each with ``booking_count``: one query."""
    inside = (
        Booking.objects.filter(
            trainer_id=OuterRef("trainer_id"),
            status=Booking.Status.SCHEDULED,
            start_time__gte=OuterRef("start_time"),
            end_time__lte=OuterRef("end_time"),
        )
        .order_by()
        .values("trainer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        TrainerAvailability.objects.filter(trainer=trainer, end_time__gt=timezone.now())
        .annotate(booking_count=Coalesce(Subquery(inside, output_field=IntegerField()), Value(0)))
        .order_by("start_time")
    )


def trainer_classes(*, trainer: Trainer) -> QuerySet[GroupClass]:
    """The classes the trainer teaches, with booking and room and their seats counted; one query each."""
    return with_seat_counts(GroupClass.objects.filter(booking__trainer=trainer).select_related("booking__room"))


def class_roll_call(*, group_class: GroupClass) -> list[ClassRegistration]:
    """The members who took a seat in the class (registered, attended or not come; an offer not accepted is not
    one), by name; one query."""
    return list(
        ClassRegistration.objects.filter(group_class=group_class, status__in=ClassRegistration.TAKEN)
        .select_related("member__user")
        .order_by("member__user__last_name", "member__user__first_name", "id")
    )


def trainer_sessions(*, trainer: Trainer) -> QuerySet[PersonalTrainingSession]:
    """The trainer's PT sessions with booking, room and member; one query each."""
    return PersonalTrainingSession.objects.filter(booking__trainer=trainer).select_related(
        "booking__room", "member__user"
    )


# ---------------------------------------------------------------------------------------------
# Equipment issues
# ---------------------------------------------------------------------------------------------


def equipment_by_room() -> list[tuple[str, list[Equipment]]]:
    """All equipment grouped by room name, rooms and items in name order; one query."""
    groups: dict[str, list[Equipment]] = {}
    for item in Equipment.objects.select_related("room").order_by("room__name", "name", "asset_tag"):
        groups.setdefault(item.room.name, []).append(item)
    return list(groups.items())


def issues_reported_by(*, user: User) -> QuerySet[MaintenanceRecord]:
    """The latest equipment issues this person reported, with equipment and room; one query."""
    return (
        MaintenanceRecord.objects.filter(reported_by=user)
        .select_related("equipment__room")
        .order_by("-reported_at", "-id")[:REPORTS_SHOWN]
    )


# ---------------------------------------------------------------------------------------------
# A client's page: what the lookup shows of a member, their chart and goals, and the sessions with this trainer
# ---------------------------------------------------------------------------------------------

CLIENT_CHART_ENTRIES = 60
CLIENT_SESSIONS_SHOWN = 10


@dataclass(frozen=True)
class ClientPage:
    """One member as a trainer sees them: name, latest metric, chart entries, active goals with progress, and
    this trainer's sessions with them (the next ones, soonest first; those started, latest first)."""

    member: Member
    latest_metric: LatestHealthMetric | None
    chart_entries: list[HealthMetric]
    goals: list[GoalProgress]
    upcoming: list[PersonalTrainingSession]
    past: list[PersonalTrainingSession]


def client_page(*, trainer: Trainer, member_id: int) -> ClientPage | None:
    """The member's page for this trainer, or None when there is no such member: six queries whatever the data."""
    member = Member.objects.filter(pk=member_id).select_related("user").prefetch_related("latest_metric").first()
    if member is None:
        return None
    now = timezone.now()
    sessions = trainer_sessions(trainer=trainer).filter(member=member)
    return ClientPage(
        member=member,
        latest_metric=latest_metric_of(member),
        chart_entries=metric_chart_entries(member=member, limit=CLIENT_CHART_ENTRIES),
        goals=goal_progress_list(
            FitnessGoal.objects.filter(member=member, is_active=True).order_by("-created_at", "-id")
        ),
        upcoming=list(
            sessions.filter(booking__start_time__gt=now)
            .exclude(booking__status=Booking.Status.CANCELLED)
            .order_by("booking__start_time", "id")[:CLIENT_SESSIONS_SHOWN]
        ),
        past=list(
            sessions.filter(booking__start_time__lte=now).order_by("-booking__start_time", "-id")[
                :CLIENT_SESSIONS_SHOWN
            ]
        ),
    )


# ---------------------------------------------------------------------------------------------
# The weekly template and time off
# ---------------------------------------------------------------------------------------------


def weekly_template(*, trainer: Trainer) -> list[WeeklySlot]:
    """The rows of the trainer's weekly template, Monday first; one query."""
    return list(WeeklySlot.objects.filter(trainer=trainer).order_by("weekday", "start_time"))


def time_off_list(*, trainer: Trainer) -> QuerySet[TimeOff]:
    """The trainer's time off that has not ended, soonest first; one query."""
    return TimeOff.objects.filter(trainer=trainer, last_day__gte=club_today()).order_by("first_day")
