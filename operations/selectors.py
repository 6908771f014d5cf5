"""Reads of the club's calendar: timetables, who is free when, and places on waitlists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from trainers.models import Trainer, TrainerAvailability

from .models import Booking, ClassRegistration, GroupClass, MaintenanceRecord, Room


def _registrations_counted(status_filter: Q) -> Subquery:
    """How many registrations of the outer class match; a correlated subquery, so it runs only
    for the rows a page actually returns (after LIMIT), not for every class in the range."""
    return Coalesce(
        Subquery(
            ClassRegistration.objects.filter(status_filter, group_class=OuterRef("pk"))
            .order_by()
            .values("group_class")
            .annotate(total=Count("pk"))
            .values("total"),
            output_field=IntegerField(),
        ),
        0,
    )


def with_seat_counts(classes: QuerySet[GroupClass]) -> QuerySet[GroupClass]:
    """Each class with ``seated_count`` and ``waitlist_count``, which ``GroupClass.seats_left`` reads."""
    return classes.annotate(
        seated_count=_registrations_counted(Q(status__in=ClassRegistration.SEATED)),
        waitlist_count=_registrations_counted(Q(status=ClassRegistration.Status.WAITLISTED)),
    )


def class_timetable(*, start: datetime.datetime, end: datetime.datetime) -> QuerySet[GroupClass]:
    """Scheduled classes starting in [start, end), with seats left and waitlist length.

    Costs one query now (the class bookings) and one when the classes are read."""
    # The class bookings are read first (through the partial index of class bookings), then their
    # classes by id. Joined in one query, PostgreSQL cannot tell that only classes' bookings join
    # a class, expects a handful of rows and walks the whole bookings table in id order instead:
    # 1 ms against 65 ms at 200,000 bookings.
    class_booking_ids = list(
        Booking.objects.filter(
            kind=Booking.Kind.GROUP_CLASS,
            start_time__gte=start,
            start_time__lt=end,
            status=Booking.Status.SCHEDULED,
        ).values_list("id", flat=True)
    )
    return timetable_rows(GroupClass.objects.filter(booking_id__in=class_booking_ids))


def timetable_rows(classes: QuerySet[GroupClass]) -> QuerySet[GroupClass]:
    """These classes as a timetable shows them: in time order, with room, trainer, seat counts and day."""
    return (
        with_seat_counts(classes)
        .select_related("booking__room", "booking__trainer__user")
        .annotate(local_date=TruncDate("booking__start_time"))
        .order_by("booking__start_time", "id")
    )


@dataclass(frozen=True)
class TimeSlot:
    start: datetime.datetime
    end: datetime.datetime


def trainer_free_slots(
    *,
    trainer: Trainer,
    day: datetime.date,
    duration: datetime.timedelta,
    step: datetime.timedelta | None = None,
) -> list[TimeSlot]:
    """Bookable slots of ``duration`` starting on ``day`` (club time), in the future; two queries.

    A slot lies inside one availability window and clear of the trainer's bookings; slots follow each
    other every ``step`` (default: ``duration``) and start afresh where a booking ends.
    """
    step = step or duration
    if duration <= datetime.timedelta(0) or step <= datetime.timedelta(0) or not trainer.is_active:
        return []
    zone = timezone.get_default_timezone()
    day_start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)
    day_end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min), zone)
    windows = list(
        TrainerAvailability.objects.filter(trainer=trainer, start_time__lt=day_end, end_time__gt=day_start)
        .order_by("start_time")
        .values_list("start_time", "end_time")
    )
    if not windows:
        return []
    busy = list(
        Booking.objects.filter(trainer=trainer, start_time__lt=windows[-1][1], end_time__gt=windows[0][0])
        .exclude(status=Booking.Status.CANCELLED)
        .order_by("start_time")
        .values_list("start_time", "end_time")
    )
    now = timezone.now()
    slots = []
    for window_start, window_end in windows:
        candidate = window_start
        while candidate + duration <= window_end and candidate < day_end:
            end = candidate + duration
            blocking = [b_end for b_start, b_end in busy if b_start < end and b_end > candidate]
            if blocking:
                candidate = max(blocking)
                continue
            if candidate >= day_start and candidate > now:
                slots.append(TimeSlot(candidate, end))
            candidate += step
    return slots


def waitlist_place() -> Case:
    """The outer registration's place on its class's waitlist (1 = next to get a seat; None unless waitlisted).

    A correlated subquery, so a list of registrations gets its places in its own query; the order is
    ``waitlist_position``'s: by registered_at, then id.
    """
    ahead = (
        ClassRegistration.objects.filter(
            group_class=OuterRef("group_class"), status=ClassRegistration.Status.WAITLISTED
        )
        .filter(
            Q(registered_at__lt=OuterRef("registered_at"))
            | Q(registered_at=OuterRef("registered_at"), id__lt=OuterRef("id"))
        )
        .order_by()
        .values("group_class")
        .annotate(count=Count("id"))
        .values("count")
    )
    return Case(
        When(
            status=ClassRegistration.Status.WAITLISTED,
            then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
        ),
        default=None,
        output_field=IntegerField(),
    )


def waitlist_position(*, registration: ClassRegistration) -> int | None:
    """1 for the next member to get a seat; None unless the registration is waitlisted; at most one query."""
    if registration.status != ClassRegistration.Status.WAITLISTED:
        return None
    ahead = ClassRegistration.objects.filter(
        group_class_id=registration.group_class_id,
        status=ClassRegistration.Status.WAITLISTED,
    ).filter(
        Q(registered_at__lt=registration.registered_at)
        | Q(registered_at=registration.registered_at, id__lt=registration.id)
    )
    return ahead.count() + 1


def rooms_free(
    *, start: datetime.datetime, end: datetime.datetime, exclude_booking_id: int | None = None
) -> QuerySet[Room]:
    """Rooms with no live booking overlapping [start, end), by name; one query.

    ``exclude_booking_id``: a booking being moved does not block its own room.
    """
    busy = Booking.objects.filter(room=OuterRef("pk"), start_time__lt=end, end_time__gt=start).exclude(
        status=Booking.Status.CANCELLED
    )
    if exclude_booking_id is not None:
        busy = busy.exclude(pk=exclude_booking_id)
    return Room.objects.filter(~Exists(busy)).order_by("name")


def open_maintenance() -> QuerySet[MaintenanceRecord]:
    """Maintenance records not yet resolved, oldest report first, with their equipment and room; one query."""
    return (
        MaintenanceRecord.objects.exclude(status=MaintenanceRecord.Status.RESOLVED)
        .select_related("equipment__room", "reported_by")
        .order_by("reported_at", "id")
    )


def rooms_with_open_issues() -> QuerySet[Room]:
    """Every room with ``equipment_count`` and ``open_issues`` (unresolved maintenance records); one query."""
    return Room.objects.annotate(
        equipment_count=Count("equipment", distinct=True),
        open_issues=Count(
            "equipment__maintenance_records",
            filter=~Q(equipment__maintenance_records__status=MaintenanceRecord.Status.RESOLVED),
            distinct=True,
        ),
    ).order_by("name")


def room_day(*, day: datetime.date) -> tuple[list[Room], list[Booking]]:
    """Every room, and the live bookings of any room touching ``day`` (club time) by room and start; two queries.

    For the staff's side-by-side day view of the rooms.
    """
    zone = timezone.get_default_timezone()
    day_start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)
    day_end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min), zone)
    rooms = list(Room.objects.order_by("name"))
    bookings = list(
        Booking.objects.filter(room__isnull=False, start_time__lt=day_end, end_time__gt=day_start)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("trainer__user", "group_class", "pt_session__member__user")
        .order_by("room_id", "start_time", "id")
    )
    return rooms, bookings
