"""Reads for the trainer portal: a trainer's week and schedule, windows, classes, sessions and lookups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import FitnessGoal, Member
from members.selectors import member_search
from operations.models import (
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
)

from .models import Trainer, TrainerAvailability

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
# The grid always shows the club's usual opening hours, and stretches when something lies outside them.
GRID_FIRST_HOUR = 6
GRID_LAST_HOUR = 21
REPORTS_SHOWN = 10


def _zone():
    return timezone.get_default_timezone()


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value, _zone())


def _midnight(day: datetime.date) -> datetime.datetime:
    # Each day boundary on the club's clock, so a week across a daylight-saving change stays 7 days.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), _zone())


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of the week holding ``day``."""
    return day - datetime.timedelta(days=day.weekday())


# ---------------------------------------------------------------------------------------------
# The schedule: bookings with their class or session, as entries the pages show
# ---------------------------------------------------------------------------------------------


def _registration_count(*statuses: str):
    counted = (
        ClassRegistration.objects.filter(group_class__booking=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("group_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # A subquery per row rather than a join, so a class with many registrations is still one row.
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def trainer_bookings(*, trainer: Trainer) -> QuerySet[Booking]:
    """All of the trainer's bookings with room, class, session and member loaded and seats counted; one query."""
    return (
        Booking.objects.filter(trainer=trainer)
        .select_related("room", "group_class", "pt_session__member__user")
        .annotate(
            seated_count=_registration_count(*ClassRegistration.SEATED),
            waitlist_count=_registration_count(ClassRegistration.Status.WAITLISTED),
        )
        .order_by("start_time", "id")
    )


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


def _related(obj, name: str):
    # A reverse one-to-one loaded by select_related is cached, possibly as "none": no query either way.
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def schedule_entry(booking: Booking) -> ScheduleEntry:
    """A booking from ``trainer_bookings`` as the schedule shows it; no query."""
    common = {
        "booking_id": booking.pk,
        "kind": booking.kind,
        "start": _local(booking.start_time),
        "end": _local(booking.end_time),
        "room": booking.room.name if booking.room_id else "Online",
        "status": booking.status,
        "status_label": booking.get_status_display(),
    }
    group_class = _related(booking, "group_class")
    if group_class is not None:
        return ScheduleEntry(
            title=group_class.name,
            class_id=group_class.pk,
            capacity=group_class.capacity,
            registered=getattr(booking, "seated_count", None),
            waitlisted=getattr(booking, "waitlist_count", None),
            **common,
        )
    session = _related(booking, "pt_session")
    if session is not None:
        return ScheduleEntry(
            title="Personal training",
            session_id=session.pk,
            member_id=session.member_id,
            member_name=session.member.user.get_full_name(),
            **common,
        )
    return ScheduleEntry(title=booking.title or booking.get_kind_display(), **common)


def schedule_entries(bookings) -> list[ScheduleEntry]:
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
        return self.start == week_start_of(timezone.localdate(timezone=_zone()))

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
    start, end = _midnight(days[0]), _midnight(days[-1] + DAY)
    entries = schedule_entries(trainer_bookings(trainer=trainer).filter(start_time__lt=end, end_time__gt=start))
    windows = [
        (_local(window_start), _local(window_end))
        for window_start, window_end in TrainerAvailability.objects.filter(
            trainer=trainer, start_time__lt=end, end_time__gt=start
        )
        .order_by("start_time")
        .values_list("start_time", "end_time")
    ]
    today = timezone.localdate(timezone=_zone())
    week_days = []
    for day in days:
        day_start, day_end = _local(_midnight(day)), _local(_midnight(day + DAY))
        week_days.append(
            WeekDay(
                date=day,
                is_today=day == today,
                # An entry belongs to the day it starts on; one that started before Monday shows on Monday.
                entries=[e for e in entries if e.start < day_end and (e.start >= day_start or day == days[0])],
                windows=[(max(s, day_start), min(e, day_end)) for s, e in windows if s < day_end and e > day_start],
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
    rows = []
    for hour in range(min(hours), max(hours) + 1):
        cells = []
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


def trainer_windows(*, trainer: Trainer) -> QuerySet[TrainerAvailability]:
    """Every window of the trainer, past ones too: what an edit or removal may look up by id."""
    return TrainerAvailability.objects.filter(trainer=trainer)


def trainer_classes(*, trainer: Trainer) -> QuerySet[GroupClass]:
    """The classes the trainer teaches, with booking and room and their seats counted; one query each."""
    seated = Count("registrations", filter=Q(registrations__status__in=ClassRegistration.SEATED))
    waitlisted = Count("registrations", filter=Q(registrations__status=ClassRegistration.Status.WAITLISTED))
    return (
        GroupClass.objects.filter(booking__trainer=trainer)
        .select_related("booking__room")
        .annotate(seated_count=seated, waitlist_count=waitlisted)
    )


def class_roll_call(*, group_class: GroupClass) -> list[ClassRegistration]:
    """The members holding a seat in the class (registered or attended), by name; one query."""
    return list(
        ClassRegistration.objects.filter(group_class=group_class, status__in=ClassRegistration.SEATED)
        .select_related("member__user")
        .order_by("member__user__last_name", "member__user__first_name", "id")
    )


def trainer_sessions(*, trainer: Trainer) -> QuerySet[PersonalTrainingSession]:
    """The trainer's PT sessions with booking, room and member; one query each."""
    return PersonalTrainingSession.objects.filter(booking__trainer=trainer).select_related(
        "booking__room", "member__user"
    )


# ---------------------------------------------------------------------------------------------
# Member lookup (read-only: name, active goals, latest metric)
# ---------------------------------------------------------------------------------------------


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


def latest_metric_of(member: Member):
    """The member's latest metric row from the database view, or None; no query once prefetched."""
    return _related(member, "latest_metric")


# ---------------------------------------------------------------------------------------------
# Equipment issues
# ---------------------------------------------------------------------------------------------


def equipment_by_room() -> list[tuple[str, list[Equipment]]]:
    """All equipment grouped by room name, rooms and items in name order; one query."""
    groups: dict[str, list[Equipment]] = {}
    for item in Equipment.objects.select_related("room").order_by("room__name", "name", "asset_tag"):
        groups.setdefault(item.room.name, []).append(item)
    return list(groups.items())


def issues_reported_by(*, user) -> QuerySet[MaintenanceRecord]:
    """The latest equipment issues this person reported, with equipment and room; one query."""
    return (
        MaintenanceRecord.objects.filter(reported_by=user)
        .select_related("equipment__room")
        .order_by("-reported_at", "-id")[:REPORTS_SHOWN]
    )
