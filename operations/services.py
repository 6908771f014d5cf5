"""The club's scheduling rules: availability, room bookings, classes and registrations, PT sessions, maintenance."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from clubsite.db import constraint_errors
from members.models import Member
from trainers.models import Trainer, TrainerAvailability

from .models import (
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
    Room,
)


class SchedulingError(Exception):
    """A scheduling rule was broken; the message tells the person what and, where it can, with what."""


# Times
TIMES_REQUIRED = "Enter a start and an end time."
TIMES_NEED_ZONE = "Times must include a time zone."
END_NOT_AFTER_START = "The end must be after the start."
START_IN_PAST = "The start must be in the future."
WEEKS_OUT_OF_RANGE = "Repeat for between 1 and 52 weeks."
WEEKS_PAST_CALENDAR = "Repeating that many weeks would run past the end of the calendar; choose fewer weeks."

# Trainers and their availability
TRAINER_REQUIRED = "Choose a trainer."
TRAINER_INACTIVE = "This trainer is no longer active and cannot be booked."
TRAINER_UNAVAILABLE = "The trainer is not available for the whole of that time."
AVAILABILITY_TOO_LONG = "An availability window can last at most 16 hours."
AVAILABILITY_OVERLAPS = "This window overlaps your window {window}."
AVAILABILITY_OVERLAPS_ANOTHER = "This window overlaps another of your availability windows."
AVAILABILITY_WEEK_OVERLAPS = "Week {number} ({day}) overlaps your window {window}"
AVAILABILITY_WEEKS_OVERLAP = "No windows were created. {clashes}."
AVAILABILITY_GONE = "This availability window no longer exists."
AVAILABILITY_STRANDS_BOOKINGS = "These bookings would be left outside your availability: {bookings}."

# Rooms and bookings
ROOM_REQUIRED = "Choose a room."
ROOM_BOOKING_KIND_INVALID = "A room booking is either an event or a closure."
ROOM_BOOKING_TITLE_REQUIRED = "Say what the room is booked for."
ROOM_BOOKING_TOO_LONG = "A room booking can last at most 31 days."
ROOM_BOOKED = "The room is already booked at that time."
ROOM_BOOKED_BY = "The room is already booked at that time: {booking}."
TRAINER_BOOKED = "The trainer is already booked at that time."
TRAINER_BOOKED_BY = "The trainer is already booked at that time: {booking}."
BOOKING_REQUIRED = "This booking no longer exists."
BOOKING_ALREADY_CANCELLED = "This booking is already cancelled."
BOOKING_STARTED = "A booking that has started can no longer be cancelled."
ROOM_NAME_REQUIRED = "Give the room a name."
ROOM_NAME_TAKEN = "A room with this name already exists."
ROOM_CAPACITY_INVALID = "A room holds at least one person."
ROOM_CAPACITY_BELOW_CLASSES = "{room} must hold at least {capacity} people for its upcoming classes: {classes}."

# Group classes and registrations
CLASS_REQUIRED = "Choose a class."
CLASS_NAME_REQUIRED = "Give the class a name."
CLASS_CAPACITY_INVALID = "A class has room for at least one member."
CLASS_CAPACITY_ABOVE_ROOM = "{room} holds {room_capacity} people, fewer than the class capacity of {capacity}."
CLASS_PRICE_INVALID = "Enter a price of zero or more, with at most two decimal places."
CLASS_TOO_LONG = "A class can last at most 8 hours."
CLASS_WEEK_PROBLEM = "Week {number} ({day}): {problem}"
CLASS_WEEKS_FAILED = "No classes were created. {problems}"
CLASS_CANCELLED = "This class has been cancelled."
CLASS_ALREADY_CANCELLED = "This class is already cancelled."
CLASS_STARTED = "This class has already started."
CLASS_FULL = "This class is full."
MEMBER_REQUIRED = "Choose a member."
MEMBER_BUSY = "You already have something booked at that time: {commitment}."
ALREADY_REGISTERED = "You are already registered or waitlisted for this class."
REGISTRATION_REQUIRED = "This registration no longer exists."
REGISTRATION_ALREADY_CANCELLED = "This registration is already cancelled."
REGISTRATION_CLASS_STARTED = "A registration cannot be cancelled once the class has started."
ATTENDANCE_TOO_EARLY = "Attendance can be taken once the class has started."
ATTENDANCE_NOT_SEATED = "Only members holding a seat in this class can be marked as attended."

# Personal training
PT_DURATION_INVALID = "A personal training session lasts between 30 minutes and 3 hours."
PT_WITH_SELF = "A trainer cannot book a personal training session with themselves."
PT_REQUIRED = "This session no longer exists."
PT_NOT_SCHEDULED = "This session is no longer scheduled."
PT_STARTED = "This session has already started."
PT_CUTOFF = "Sessions cannot be cancelled or moved within {hours} hours of the start; please contact the club."
PT_NOT_STARTED = "A session can be marked only once it has started."
PT_MARK_INVALID = "Mark a session as completed or as a no-show."
PT_CANCELLED = "This session was cancelled."

# Equipment maintenance
EQUIPMENT_REQUIRED = "Choose the equipment."
ISSUE_REQUIRED = "Describe the issue."
MAINTENANCE_REQUIRED = "This maintenance record no longer exists."
MAINTENANCE_STATUS_INVALID = "Choose open, in progress or resolved."
MAINTENANCE_SAME_STATUS = "The record already has that status."
MAINTENANCE_ALREADY_RESOLVED = "A resolved record cannot be changed; report a new issue instead."
RESOLUTION_NOTES_REQUIRED = "Say how the issue was resolved."
MAINTENANCE_RESOLVED_AT = "A record has a resolution time exactly when it is resolved."

MAX_AVAILABILITY = datetime.timedelta(hours=16)
MAX_CLASS = datetime.timedelta(hours=8)
MAX_ROOM_BOOKING = datetime.timedelta(days=31)
PT_MIN = datetime.timedelta(minutes=30)
PT_MAX = datetime.timedelta(hours=3)
MAX_WEEKS = 52
MAX_PRICE = Decimal("99999999.99")
CENT = Decimal("0.01")

LIVE_REGISTRATION = (ClassRegistration.Status.REGISTERED, ClassRegistration.Status.WAITLISTED)

AVAILABILITY_CONSTRAINTS = {
    "trainers_traineravailability_no_overlap": AVAILABILITY_OVERLAPS_ANOTHER,
    "trainers_traineravailability_end_after_start": END_NOT_AFTER_START,
}
BOOKING_CONSTRAINTS = {
    "operations_booking_room_no_overlap": ROOM_BOOKED,
    "operations_booking_trainer_no_overlap": TRAINER_BOOKED,
    "operations_booking_end_after_start": END_NOT_AFTER_START,
    "operations_booking_room_or_trainer": ROOM_REQUIRED,
    "operations_groupclass_capacity_positive": CLASS_CAPACITY_INVALID,
    "operations_groupclass_price_not_negative": CLASS_PRICE_INVALID,
    "operations_personaltrainingsession_price_not_negative": CLASS_PRICE_INVALID,
}
REGISTRATION_CONSTRAINTS = {
    "operations_classregistration_capacity": CLASS_FULL,
    "operations_classregistration_one_live_per_member": ALREADY_REGISTERED,
}
MAINTENANCE_CONSTRAINTS = {
    "operations_maintenancerecord_resolved_at_iff_resolved": MAINTENANCE_RESOLVED_AT,
    "operations_maintenancerecord_resolved_after_reported": MAINTENANCE_RESOLVED_AT,
}


# ---------------------------------------------------------------------------------------------
# Reading and describing times
# ---------------------------------------------------------------------------------------------


def _club_time(value: datetime.datetime) -> datetime.datetime:
    # Messages and weekly repeats speak the club's local time, whatever zone a request activated.
    return timezone.localtime(value, timezone.get_default_timezone())


def describe_day(value: datetime.datetime) -> str:
    """'Tue 24 Nov' in the club's time zone."""
    return dateformat.format(_club_time(value), "D j M")


def describe_span(start: datetime.datetime, end: datetime.datetime) -> str:
    """'Tue 24 Nov 09:00–12:00' in the club's time zone (the end's day is named when it differs)."""
    local_start, local_end = _club_time(start), _club_time(end)
    end_format = "H:i" if local_start.date() == local_end.date() else "D j M H:i"
    return f"{dateformat.format(local_start, 'D j M H:i')}–{dateformat.format(local_end, end_format)}"


def describe_booking(booking: Booking, *, with_member: bool = False) -> str:
    """What a booking is and when, e.g. 'Spin Tue 24 Nov 10:00–11:00'.

    Other members' names stay out unless ``with_member`` (a trainer reading their own schedule).
    """
    label = booking.title or booking.get_kind_display()
    if booking.kind == Booking.Kind.GROUP_CLASS:
        group_class = _related_or_none(booking, "group_class")
        label = group_class.name if group_class else label
    elif booking.kind == Booking.Kind.PERSONAL_TRAINING:
        label = "Personal training"
        session = _related_or_none(booking, "pt_session") if with_member else None
        if session is not None:
            label = f"Personal training with {session.member}"
    return f"{label} {describe_span(booking.start_time, booking.end_time)}"


def _related_or_none(obj: models.Model, name: str):
    try:
        return getattr(obj, name)
    except models.ObjectDoesNotExist:
        return None


def _check_span(
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    *,
    future: bool = True,
    longest: datetime.timedelta | None = None,
    too_long: str = "",
) -> None:
    if not isinstance(start, datetime.datetime) or not isinstance(end, datetime.datetime):
        raise SchedulingError(TIMES_REQUIRED)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise SchedulingError(TIMES_NEED_ZONE)
    if end <= start:
        raise SchedulingError(END_NOT_AFTER_START)
    if future and start <= timezone.now():
        raise SchedulingError(START_IN_PAST)
    if longest is not None and end - start > longest:
        raise SchedulingError(too_long)


def _check_weeks(weeks: object) -> int:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise SchedulingError(WEEKS_OUT_OF_RANGE)
    return weeks


def _weekly_spans(
    start: datetime.datetime, end: datetime.datetime, weeks: int
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    # Repeat on the club's wall clock, so 09:00 stays 09:00 across a daylight-saving change.
    zone = timezone.get_default_timezone()
    local_start = _club_time(start).replace(tzinfo=None)
    local_end = _club_time(end).replace(tzinfo=None)
    try:
        return [
            (
                timezone.make_aware(local_start + datetime.timedelta(weeks=week), zone),
                timezone.make_aware(local_end + datetime.timedelta(weeks=week), zone),
            )
            for week in range(weeks)
        ]
    except OverflowError as error:  # a week past 31 December 9999, the last day a datetime holds
        raise SchedulingError(WEEKS_PAST_CALENDAR) from error


def _full_clean(obj: models.Model, *, exclude: Sequence[str] = ()) -> None:
    # Field checks only: relations were checked when locked, constraints are the database's job.
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise SchedulingError(" ".join(error.messages)) from error


# ---------------------------------------------------------------------------------------------
# Locks (always in the order Member, Trainer, GroupClass) and the shared checks
# ---------------------------------------------------------------------------------------------


def _pk(obj: models.Model | None, message: str):
    pk = getattr(obj, "pk", None)
    if pk is None:
        raise SchedulingError(message)
    return pk


def _lock(model: type[models.Model], pk, message: str):
    try:
        # get() drops the default ordering, so FOR UPDATE touches this one row only.
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist as error:
        raise SchedulingError(message) from error


def _lock_member(member: Member | None) -> Member:
    return _lock(Member, _pk(member, MEMBER_REQUIRED), MEMBER_REQUIRED)


def _lock_trainer(trainer: Trainer | None, *, bookable: bool = True) -> Trainer:
    locked = _lock(Trainer, _pk(trainer, TRAINER_REQUIRED), TRAINER_REQUIRED)
    if bookable and not locked.is_active:
        raise SchedulingError(TRAINER_INACTIVE)
    return locked


def _lock_class(group_class: GroupClass | None) -> GroupClass:
    pk = _pk(group_class, CLASS_REQUIRED)
    try:
        return GroupClass.objects.select_related("booking").select_for_update(of=("self",)).get(pk=pk)
    except GroupClass.DoesNotExist as error:
        raise SchedulingError(CLASS_REQUIRED) from error


def _fresh_room(room: Room | None) -> Room:
    pk = _pk(room, ROOM_REQUIRED)
    try:
        return Room.objects.get(pk=pk)
    except Room.DoesNotExist as error:
        raise SchedulingError(ROOM_REQUIRED) from error


def _fresh_room_or_none(room: Room | None) -> Room | None:
    return None if room is None else _fresh_room(room)


def _trainer_available(trainer: Trainer, start: datetime.datetime, end: datetime.datetime) -> bool:
    # Inside ONE window: a span across two back-to-back windows is refused, for classes as for sessions,
    # so that deleting or moving a window can tell exactly which bookings rely on it.
    return TrainerAvailability.objects.filter(trainer=trainer, start_time__lte=start, end_time__gte=end).exists()


def _booking_clash(
    *,
    room: Room | None,
    trainer: Trainer | None,
    start: datetime.datetime,
    end: datetime.datetime,
    exclude_booking_id: int | None = None,
) -> str | None:
    """Name the booking already holding the room or trainer, as the exclusion constraints would see it."""
    live = (
        Booking.objects.exclude(status=Booking.Status.CANCELLED)
        .filter(start_time__lt=end, end_time__gt=start)
        .select_related("group_class")
        .order_by("start_time")
    )
    if exclude_booking_id is not None:
        live = live.exclude(pk=exclude_booking_id)
    if room is not None:
        clash = live.filter(room=room).first()
        if clash is not None:
            return ROOM_BOOKED_BY.format(booking=describe_booking(clash))
    if trainer is not None:
        clash = live.filter(trainer=trainer).first()
        if clash is not None:
            return TRAINER_BOOKED_BY.format(booking=describe_booking(clash))
    return None


def _member_clash(
    member: Member,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    exclude_session_id: int | None = None,
) -> str | None:
    """The member's live class or scheduled PT session overlapping the span, described for them."""
    registration = (
        ClassRegistration.objects.filter(
            member=member,
            status__in=LIVE_REGISTRATION,
            group_class__booking__status=Booking.Status.SCHEDULED,
            group_class__booking__start_time__lt=end,
            group_class__booking__end_time__gt=start,
        )
        .select_related("group_class__booking")
        .order_by("group_class__booking__start_time")
        .first()
    )
    if registration is not None:
        return MEMBER_BUSY.format(commitment=describe_booking(registration.group_class.booking))
    sessions = PersonalTrainingSession.objects.filter(
        member=member,
        booking__status=Booking.Status.SCHEDULED,
        booking__start_time__lt=end,
        booking__end_time__gt=start,
    )
    if exclude_session_id is not None:
        sessions = sessions.exclude(pk=exclude_session_id)
    session = sessions.select_related("booking__trainer__user").order_by("booking__start_time").first()
    if session is not None:
        booking = session.booking
        trainer = f" with {booking.trainer}" if booking.trainer_id else ""
        return MEMBER_BUSY.format(
            commitment=f"personal training{trainer} {describe_span(booking.start_time, booking.end_time)}"
        )
    return None


def _send_on_commit(messages: list[EmailMessage]) -> None:
    if not messages:
        return

    def send() -> None:
        get_connection().send_messages(messages)

    # robust: the change is committed either way; a mail server hiccup must not turn it into an error page.
    transaction.on_commit(send, robust=True)


def _member_mail(registration: ClassRegistration, *, subject: str, template: str, context: dict) -> EmailMessage:
    member = registration.member
    body = render_to_string(
        f"operations/email/{template}.txt",
        {"member": member, "club_name": settings.CLUB_NAME, **context},
    )
    return EmailMessage(subject=subject, body=body, to=[member.user.email])


def _class_context(group_class: GroupClass) -> dict:
    booking = group_class.booking
    return {
        "group_class": group_class,
        "when": describe_span(booking.start_time, booking.end_time),
        "room": booking.room.name if booking.room_id else "Online",
        "trainer": str(booking.trainer) if booking.trainer_id else "",
    }


# ---------------------------------------------------------------------------------------------
# Trainer availability
# ---------------------------------------------------------------------------------------------


def _window_clash(
    trainer: Trainer, start: datetime.datetime, end: datetime.datetime, *, exclude_id: int | None = None
) -> TrainerAvailability | None:
    windows = TrainerAvailability.objects.filter(trainer=trainer, start_time__lt=end, end_time__gt=start)
    if exclude_id is not None:
        windows = windows.exclude(pk=exclude_id)
    return windows.order_by("start_time").first()


def _check_window(start: datetime.datetime, end: datetime.datetime) -> None:
    _check_span(start, end, longest=MAX_AVAILABILITY, too_long=AVAILABILITY_TOO_LONG)


def availability_create(
    *, trainer: Trainer, start_time: datetime.datetime, end_time: datetime.datetime
) -> TrainerAvailability:
    """Open a future window in which the trainer can be booked; it may not overlap their other windows."""
    _check_window(start_time, end_time)
    with transaction.atomic():
        trainer = _lock_trainer(trainer, bookable=False)
        clash = _window_clash(trainer, start_time, end_time)
        if clash is not None:
            raise SchedulingError(AVAILABILITY_OVERLAPS.format(window=describe_span(clash.start_time, clash.end_time)))
        with constraint_errors(AVAILABILITY_CONSTRAINTS, SchedulingError):
            return TrainerAvailability.objects.create(trainer=trainer, start_time=start_time, end_time=end_time)


def availability_create_weekly(
    *, trainer: Trainer, start_time: datetime.datetime, end_time: datetime.datetime, weeks: int
) -> list[TrainerAvailability]:
    """The same window every week for ``weeks`` weeks: all of them, or none when any week collides."""
    weeks = _check_weeks(weeks)
    spans = _weekly_spans(start_time, end_time, weeks)
    for start, end in spans:
        _check_window(start, end)
    with transaction.atomic():
        trainer = _lock_trainer(trainer, bookable=False)
        existing = list(
            TrainerAvailability.objects.filter(
                trainer=trainer, start_time__lt=spans[-1][1], end_time__gt=spans[0][0]
            ).order_by("start_time")
        )
        clashes = []
        for number, (start, end) in enumerate(spans, start=1):
            clash = next((w for w in existing if w.start_time < end and w.end_time > start), None)
            if clash is not None:
                clashes.append(
                    AVAILABILITY_WEEK_OVERLAPS.format(
                        number=number,
                        day=describe_day(start),
                        window=describe_span(clash.start_time, clash.end_time),
                    )
                )
        if clashes:
            raise SchedulingError(AVAILABILITY_WEEKS_OVERLAP.format(clashes="; ".join(clashes)))
        with constraint_errors(AVAILABILITY_CONSTRAINTS, SchedulingError):
            return [
                TrainerAvailability.objects.create(trainer=trainer, start_time=start, end_time=end)
                for start, end in spans
            ]


def _stranded_bookings(
    window: TrainerAvailability, replacement: tuple[datetime.datetime, datetime.datetime] | None
) -> list[Booking]:
    """Scheduled bookings that sit in ``window`` and would fit in no window once it is replaced or gone."""
    relying = list(
        Booking.objects.filter(
            trainer_id=window.trainer_id,
            status=Booking.Status.SCHEDULED,
            start_time__gte=window.start_time,
            end_time__lte=window.end_time,
        )
        .select_related("group_class", "pt_session__member__user")
        .order_by("start_time")
    )
    if not relying:
        return []
    spans = list(
        TrainerAvailability.objects.filter(
            trainer_id=window.trainer_id,
            start_time__lt=relying[-1].end_time,
            end_time__gt=relying[0].start_time,
        )
        .exclude(pk=window.pk)
        .values_list("start_time", "end_time")
    )
    if replacement is not None:
        spans.append(replacement)
    return [b for b in relying if not any(s <= b.start_time and b.end_time <= e for s, e in spans)]


def _refuse_stranding(stranded: list[Booking]) -> None:
    if stranded:
        described = "; ".join(describe_booking(b, with_member=True) for b in stranded)
        raise SchedulingError(AVAILABILITY_STRANDS_BOOKINGS.format(bookings=described))


def _lock_window(availability: TrainerAvailability | None) -> tuple[Trainer, TrainerAvailability]:
    pk = _pk(availability, AVAILABILITY_GONE)
    trainer_id = TrainerAvailability.objects.filter(pk=pk).values_list("trainer_id", flat=True).first()
    if trainer_id is None:
        raise SchedulingError(AVAILABILITY_GONE)
    trainer = _lock(Trainer, trainer_id, TRAINER_REQUIRED)
    # Read again under the trainer's lock: a concurrent delete would have finished by now.
    return trainer, _lock(TrainerAvailability, pk, AVAILABILITY_GONE)


def availability_update(
    *, availability: TrainerAvailability, start_time: datetime.datetime, end_time: datetime.datetime
) -> TrainerAvailability:
    """Move or resize a window, unless a scheduled booking would be left outside the trainer's availability."""
    _check_window(start_time, end_time)
    with transaction.atomic():
        trainer, window = _lock_window(availability)
        clash = _window_clash(trainer, start_time, end_time, exclude_id=window.pk)
        if clash is not None:
            raise SchedulingError(AVAILABILITY_OVERLAPS.format(window=describe_span(clash.start_time, clash.end_time)))
        _refuse_stranding(_stranded_bookings(window, (start_time, end_time)))
        window.start_time, window.end_time = start_time, end_time
        with constraint_errors(AVAILABILITY_CONSTRAINTS, SchedulingError):
            window.save(update_fields=["start_time", "end_time"])
        return window


def availability_delete(*, availability: TrainerAvailability) -> None:
    """Remove a window, unless a scheduled booking relies on it."""
    with transaction.atomic():
        _trainer, window = _lock_window(availability)
        _refuse_stranding(_stranded_bookings(window, None))
        window.delete()


# ---------------------------------------------------------------------------------------------
# Room bookings
# ---------------------------------------------------------------------------------------------


ROOM_CONSTRAINTS = {
    "operations_room_name_key": ROOM_NAME_TAKEN,
    "operations_room_capacity_positive": ROOM_CAPACITY_INVALID,
}


def _room_fields(*, name: str, location: str, capacity: object) -> dict:
    name = (name or "").strip()
    if not name:
        raise SchedulingError(ROOM_NAME_REQUIRED)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0:
        raise SchedulingError(ROOM_CAPACITY_INVALID)
    room = Room(name=name, location=(location or "").strip(), capacity=capacity)
    _full_clean(room)
    return {"name": room.name, "location": room.location, "capacity": room.capacity}


def room_create(*, name: str, capacity: int, location: str = "") -> Room:
    """Add a room; its name is unique."""
    fields = _room_fields(name=name, location=location, capacity=capacity)
    with transaction.atomic():
        if Room.objects.filter(name__iexact=fields["name"]).exists():
            raise SchedulingError(ROOM_NAME_TAKEN)
        with constraint_errors(ROOM_CONSTRAINTS, SchedulingError):
            return Room.objects.create(**fields)


def room_update(*, room: Room, name: str, capacity: int, location: str = "") -> Room:
    """Rename or resize a room; it cannot shrink below the places of a scheduled class still to come in it."""
    fields = _room_fields(name=name, location=location, capacity=capacity)
    with transaction.atomic():
        locked = _lock(Room, _pk(room, ROOM_REQUIRED), ROOM_REQUIRED)
        if Room.objects.filter(name__iexact=fields["name"]).exclude(pk=locked.pk).exists():
            raise SchedulingError(ROOM_NAME_TAKEN)
        too_big = list(
            GroupClass.objects.filter(
                booking__room=locked,
                booking__status=Booking.Status.SCHEDULED,
                booking__end_time__gt=timezone.now(),
                capacity__gt=fields["capacity"],
            )
            .select_related("booking")
            .order_by("-capacity", "booking__start_time")[:3]
        )
        if too_big:
            raise SchedulingError(
                ROOM_CAPACITY_BELOW_CLASSES.format(
                    room=locked.name,
                    capacity=too_big[0].capacity,
                    classes="; ".join(
                        f"{describe_booking(c.booking)} ({c.capacity} places)" for c in too_big
                    ),
                )
            )
        for field, value in fields.items():
            setattr(locked, field, value)
        with constraint_errors(ROOM_CONSTRAINTS, SchedulingError):
            locked.save(update_fields=list(fields))
        return locked


def room_booking_create(
    *,
    room: Room,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    kind: str = Booking.Kind.EVENT,
    title: str,
) -> Booking:
    """Take a room for an event or close it; refused while anything else holds the room."""
    if kind not in (Booking.Kind.EVENT, Booking.Kind.CLOSURE):
        raise SchedulingError(ROOM_BOOKING_KIND_INVALID)
    title = (title or "").strip()
    if not title:
        raise SchedulingError(ROOM_BOOKING_TITLE_REQUIRED)
    room = _fresh_room(room)
    _check_span(start_time, end_time, longest=MAX_ROOM_BOOKING, too_long=ROOM_BOOKING_TOO_LONG)
    booking = Booking(room=room, start_time=start_time, end_time=end_time, kind=kind, title=title)
    _full_clean(booking, exclude=["room", "trainer"])
    with transaction.atomic():
        clash = _booking_clash(room=room, trainer=None, start=start_time, end=end_time)
        if clash is not None:
            raise SchedulingError(clash)
        with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
            booking.save()
    return booking


def booking_cancel(*, booking: Booking) -> Booking:
    """Cancel a booking; a class or PT session is cancelled as a whole, so its members hear of it."""
    pk = _pk(booking, BOOKING_REQUIRED)
    current = Booking.objects.select_related("group_class", "pt_session").filter(pk=pk).first()
    if current is None:
        raise SchedulingError(BOOKING_REQUIRED)
    group_class = _related_or_none(current, "group_class")
    if group_class is not None:
        return class_cancel(group_class=group_class).booking
    session = _related_or_none(current, "pt_session")
    if session is not None:
        return pt_session_cancel(session=session, by_member=False).booking
    with transaction.atomic():
        current = _lock(Booking, pk, BOOKING_REQUIRED)
        if current.status == Booking.Status.CANCELLED:
            raise SchedulingError(BOOKING_ALREADY_CANCELLED)
        if current.start_time <= timezone.now():
            raise SchedulingError(BOOKING_STARTED)
        current.status = Booking.Status.CANCELLED
        current.save(update_fields=["status"])
    return current


# ---------------------------------------------------------------------------------------------
# Group classes
# ---------------------------------------------------------------------------------------------


def _check_price(price: object) -> Decimal:
    if isinstance(price, bool) or price is None:
        raise SchedulingError(CLASS_PRICE_INVALID)
    try:
        value = Decimal(str(price))
    except (InvalidOperation, ValueError) as error:
        raise SchedulingError(CLASS_PRICE_INVALID) from error
    if not value.is_finite() or value < 0 or value > MAX_PRICE or value != value.quantize(CENT):
        raise SchedulingError(CLASS_PRICE_INVALID)
    return value.quantize(CENT)


def _check_capacity(capacity: object, room: Room) -> int:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0:
        raise SchedulingError(CLASS_CAPACITY_INVALID)
    if capacity > room.capacity:
        raise SchedulingError(
            CLASS_CAPACITY_ABOVE_ROOM.format(room=room.name, room_capacity=room.capacity, capacity=capacity)
        )
    return capacity


def _class_slot_problem(
    *,
    trainer: Trainer,
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    exclude_booking_id: int | None = None,
) -> str | None:
    if not _trainer_available(trainer, start, end):
        return TRAINER_UNAVAILABLE
    return _booking_clash(room=room, trainer=trainer, start=start, end=end, exclude_booking_id=exclude_booking_id)


def _prepare_class(
    *, name: str, room: Room, capacity: int, price: object, description: str
) -> tuple[GroupClass, Room]:
    room = _fresh_room(room)
    group_class = GroupClass(
        name=(name or "").strip(),
        description=description or "",
        capacity=_check_capacity(capacity, room),
        price=_check_price(price),
    )
    if not group_class.name:
        raise SchedulingError(CLASS_NAME_REQUIRED)
    _full_clean(group_class, exclude=["booking", "series"])
    return group_class, room


def _insert_class(
    template: GroupClass,
    *,
    trainer: Trainer,
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    series: uuid.UUID | None,
) -> GroupClass:
    with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
        booking = Booking.objects.create(
            room=room, trainer=trainer, start_time=start, end_time=end, kind=Booking.Kind.GROUP_CLASS
        )
        return GroupClass.objects.create(
            name=template.name,
            description=template.description,
            capacity=template.capacity,
            price=template.price,
            booking=booking,
            series=series,
        )


def class_create(
    *,
    name: str,
    trainer: Trainer,
    room: Room,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    capacity: int,
    price: Decimal,
    description: str = "",
    series: uuid.UUID | None = None,
) -> GroupClass:
    """Schedule a class: the trainer is available and free, the room is free and big enough."""
    _check_span(start_time, end_time, longest=MAX_CLASS, too_long=CLASS_TOO_LONG)
    template, room = _prepare_class(name=name, room=room, capacity=capacity, price=price, description=description)
    with transaction.atomic():
        trainer = _lock_trainer(trainer)
        problem = _class_slot_problem(trainer=trainer, room=room, start=start_time, end=end_time)
        if problem is not None:
            raise SchedulingError(problem)
        return _insert_class(template, trainer=trainer, room=room, start=start_time, end=end_time, series=series)


def class_create_weekly(
    *,
    weeks: int,
    name: str,
    trainer: Trainer,
    room: Room,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    capacity: int,
    price: Decimal,
    description: str = "",
) -> list[GroupClass]:
    """The same class every week for ``weeks`` weeks, as one series: all of them, or none and every clash named."""
    weeks = _check_weeks(weeks)
    spans = _weekly_spans(start_time, end_time, weeks)
    for start, end in spans:
        _check_span(start, end, longest=MAX_CLASS, too_long=CLASS_TOO_LONG)
    template, room = _prepare_class(name=name, room=room, capacity=capacity, price=price, description=description)
    with transaction.atomic():
        trainer = _lock_trainer(trainer)
        problems = []
        for number, (start, end) in enumerate(spans, start=1):
            problem = _class_slot_problem(trainer=trainer, room=room, start=start, end=end)
            if problem is not None:
                problems.append(CLASS_WEEK_PROBLEM.format(number=number, day=describe_day(start), problem=problem))
        if problems:
            raise SchedulingError(CLASS_WEEKS_FAILED.format(problems=" ".join(problems)))
        series = uuid.uuid4()
        return [
            _insert_class(template, trainer=trainer, room=room, start=start, end=end, series=series)
            for start, end in spans
        ]


def _check_class_open(group_class: GroupClass) -> None:
    if group_class.booking.status != Booking.Status.SCHEDULED:
        raise SchedulingError(CLASS_CANCELLED)
    if group_class.booking.start_time <= timezone.now():
        raise SchedulingError(CLASS_STARTED)


def _live_registrations(group_class: GroupClass) -> list[ClassRegistration]:
    return list(
        group_class.registrations.filter(status__in=LIVE_REGISTRATION)
        .select_related("member__user")
        .select_for_update(of=("self",))
    )


def class_reschedule(
    *,
    group_class: GroupClass,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    room: Room,
    trainer: Trainer,
) -> GroupClass:
    """Move a class in time, room or trainer, with the checks of a new class; its members are told by mail."""
    _check_span(start_time, end_time, longest=MAX_CLASS, too_long=CLASS_TOO_LONG)
    room = _fresh_room(room)
    with transaction.atomic():
        trainer = _lock_trainer(trainer)
        group_class = _lock_class(group_class)
        _check_class_open(group_class)
        _check_capacity(group_class.capacity, room)
        booking = group_class.booking
        problem = _class_slot_problem(
            trainer=trainer, room=room, start=start_time, end=end_time, exclude_booking_id=booking.pk
        )
        if problem is not None:
            raise SchedulingError(problem)
        before = (booking.start_time, booking.end_time, booking.room_id, booking.trainer_id)
        booking.start_time, booking.end_time, booking.room, booking.trainer = start_time, end_time, room, trainer
        with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
            booking.save(update_fields=["start_time", "end_time", "room", "trainer"])
        if before != (start_time, end_time, room.pk, trainer.pk):
            context = _class_context(group_class)
            _send_on_commit(
                [
                    _member_mail(
                        registration,
                        subject=f"{group_class.name} has been moved",
                        template="class_rescheduled",
                        context={**context, "registration": registration},
                    )
                    for registration in _live_registrations(group_class)
                ]
            )
        return group_class


def class_cancel(*, group_class: GroupClass) -> GroupClass:
    """Cancel a class that has not started: its slot is freed, its registrations cancelled, its members told."""
    with transaction.atomic():
        group_class = _lock_class(group_class)
        booking = group_class.booking
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError(CLASS_ALREADY_CANCELLED)
        if booking.start_time <= timezone.now():
            raise SchedulingError(CLASS_STARTED)
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])
        registrations = _live_registrations(group_class)
        ClassRegistration.objects.filter(pk__in=[r.pk for r in registrations]).update(
            status=ClassRegistration.Status.CANCELLED
        )
        context = _class_context(group_class)
        _send_on_commit(
            [
                _member_mail(
                    registration,
                    subject=f"{group_class.name} has been cancelled",
                    template="class_cancelled",
                    context=context,
                )
                for registration in registrations
            ]
        )
        return group_class


# ---------------------------------------------------------------------------------------------
# Class registrations
# ---------------------------------------------------------------------------------------------


def class_register(*, member: Member, group_class: GroupClass) -> ClassRegistration:
    """Take a seat in a class, or a place on its waitlist when it is full."""
    with transaction.atomic():
        member = _lock_member(member)
        group_class = _lock_class(group_class)
        _check_class_open(group_class)
        already = group_class.registrations.filter(member=member).exclude(status=ClassRegistration.Status.CANCELLED)
        if already.exists():
            raise SchedulingError(ALREADY_REGISTERED)
        booking = group_class.booking
        clash = _member_clash(member, booking.start_time, booking.end_time)
        if clash is not None:
            raise SchedulingError(clash)
        # The class row is locked, so no one else can take a seat between this count and the insert.
        seated = group_class.registrations.filter(status__in=ClassRegistration.SEATED).count()
        if seated < group_class.capacity:
            status = ClassRegistration.Status.REGISTERED
        else:
            status = ClassRegistration.Status.WAITLISTED
        with constraint_errors(REGISTRATION_CONSTRAINTS, SchedulingError):
            return ClassRegistration.objects.create(member=member, group_class=group_class, status=status)


def class_registration_cancel(*, registration: ClassRegistration) -> ClassRegistration | None:
    """Give up a seat or waitlist place before the class starts; a freed seat goes to the first on the waitlist.

    Returns the registration promoted from the waitlist, if any (that member is told by mail).
    """
    pk = _pk(registration, REGISTRATION_REQUIRED)
    ids = ClassRegistration.objects.filter(pk=pk).values_list("member_id", "group_class_id").first()
    if ids is None:
        raise SchedulingError(REGISTRATION_REQUIRED)
    with transaction.atomic():
        _lock(Member, ids[0], MEMBER_REQUIRED)
        group_class = _lock_class(GroupClass(pk=ids[1]))
        current = _lock(ClassRegistration, pk, REGISTRATION_REQUIRED)
        if current.status == ClassRegistration.Status.CANCELLED:
            raise SchedulingError(REGISTRATION_ALREADY_CANCELLED)
        if group_class.booking.start_time <= timezone.now():
            raise SchedulingError(REGISTRATION_CLASS_STARTED)
        held_seat = current.status in ClassRegistration.SEATED
        current.status = ClassRegistration.Status.CANCELLED
        current.save(update_fields=["status"])
        registration.status = current.status
        if not held_seat or group_class.booking.status != Booking.Status.SCHEDULED:
            return None
        promoted = (
            group_class.registrations.filter(status=ClassRegistration.Status.WAITLISTED)
            .select_related("member__user")
            .select_for_update(of=("self",))
            .order_by("registered_at", "id")
            .first()
        )
        if promoted is None:
            return None
        promoted.status = ClassRegistration.Status.REGISTERED
        with constraint_errors(REGISTRATION_CONSTRAINTS, SchedulingError):
            promoted.save(update_fields=["status"])
        _send_on_commit(
            [
                _member_mail(
                    promoted,
                    subject=f"You have a place in {group_class.name}",
                    template="waitlist_promoted",
                    context=_class_context(group_class),
                )
            ]
        )
        return promoted


def class_attendance_mark(*, group_class: GroupClass, attended_member_ids: Iterable[int]) -> None:
    """Record who came to a class that has started: seated members listed attended, the other seated did not."""
    try:
        attended = {int(member_id) for member_id in attended_member_ids}
    except (TypeError, ValueError) as error:
        raise SchedulingError(ATTENDANCE_NOT_SEATED) from error
    with transaction.atomic():
        group_class = _lock_class(group_class)
        if group_class.booking.status == Booking.Status.CANCELLED:
            raise SchedulingError(CLASS_CANCELLED)
        if group_class.booking.start_time > timezone.now():
            raise SchedulingError(ATTENDANCE_TOO_EARLY)
        seated = group_class.registrations.filter(status__in=ClassRegistration.SEATED)
        seated_members = set(seated.select_for_update().values_list("member_id", flat=True))
        if not attended <= seated_members:
            raise SchedulingError(ATTENDANCE_NOT_SEATED)
        # Marking is a whole roll call, so a mistake is corrected by marking again.
        seated.filter(member_id__in=attended).update(status=ClassRegistration.Status.ATTENDED)
        seated.exclude(member_id__in=attended).update(status=ClassRegistration.Status.REGISTERED)


# ---------------------------------------------------------------------------------------------
# Personal training
# ---------------------------------------------------------------------------------------------


def pt_session_price(*, trainer: Trainer, start_time: datetime.datetime, end_time: datetime.datetime) -> Decimal:
    """The trainer's hourly rate for the length of the session, to the penny (half up)."""
    if trainer is None:
        raise SchedulingError(TRAINER_REQUIRED)
    _check_span(start_time, end_time, future=False)
    microseconds = (end_time - start_time) // datetime.timedelta(microseconds=1)
    hours = Decimal(microseconds) / Decimal(3_600_000_000)
    return (Decimal(trainer.hourly_rate) * hours).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_pt_span(start: datetime.datetime, end: datetime.datetime) -> None:
    _check_span(start, end)
    if not PT_MIN <= end - start <= PT_MAX:
        raise SchedulingError(PT_DURATION_INVALID)


def _check_pt_slot(
    *,
    member: Member,
    trainer: Trainer,
    room: Room | None,
    start: datetime.datetime,
    end: datetime.datetime,
    session_id: int | None = None,
    booking_id: int | None = None,
) -> None:
    if not _trainer_available(trainer, start, end):
        raise SchedulingError(TRAINER_UNAVAILABLE)
    problem = _member_clash(member, start, end, exclude_session_id=session_id) or _booking_clash(
        room=room, trainer=trainer, start=start, end=end, exclude_booking_id=booking_id
    )
    if problem is not None:
        raise SchedulingError(problem)


def pt_session_book(
    *,
    member: Member,
    trainer: Trainer,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    room: Room | None = None,
    notes: str = "",
) -> PersonalTrainingSession:
    """Book a member a session with a trainer, in a room or online (no room), inside one availability window."""
    _check_pt_span(start_time, end_time)
    room = _fresh_room_or_none(room)
    with transaction.atomic():
        member = _lock_member(member)
        trainer = _lock_trainer(trainer)
        if member.user_id == trainer.user_id:
            raise SchedulingError(PT_WITH_SELF)
        _check_pt_slot(member=member, trainer=trainer, room=room, start=start_time, end=end_time)
        session = PersonalTrainingSession(
            member=member,
            price=pt_session_price(trainer=trainer, start_time=start_time, end_time=end_time),
            notes=notes or "",
        )
        _full_clean(session, exclude=["member", "booking"])
        with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
            session.booking = Booking.objects.create(
                room=room,
                trainer=trainer,
                start_time=start_time,
                end_time=end_time,
                kind=Booking.Kind.PERSONAL_TRAINING,
            )
            session.save()
        return session


def _check_cutoff(booking: Booking) -> None:
    hours = settings.PT_CANCELLATION_CUTOFF_HOURS
    if booking.start_time - timezone.now() < datetime.timedelta(hours=hours):
        raise SchedulingError(PT_CUTOFF.format(hours=hours))


def _check_pt_open(booking: Booking, *, by_member: bool) -> None:
    if booking.status != Booking.Status.SCHEDULED:
        raise SchedulingError(PT_NOT_SCHEDULED)
    if booking.start_time <= timezone.now():
        raise SchedulingError(PT_STARTED)
    if by_member:
        _check_cutoff(booking)


def _session_ids(session: PersonalTrainingSession | None) -> tuple[int, int, int, int | None]:
    pk = _pk(session, PT_REQUIRED)
    ids = (
        PersonalTrainingSession.objects.filter(pk=pk)
        .values_list("pk", "member_id", "booking_id", "booking__trainer_id")
        .first()
    )
    if ids is None:
        raise SchedulingError(PT_REQUIRED)
    return ids


def pt_session_reschedule(
    *,
    session: PersonalTrainingSession,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    room: Room | None,
    by_member: bool = True,
) -> PersonalTrainingSession:
    """Move a session (same trainer) with the checks of a new booking; a member is held to the cut-off."""
    _check_pt_span(start_time, end_time)
    room = _fresh_room_or_none(room)
    session_id, member_id, booking_id, trainer_id = _session_ids(session)
    with transaction.atomic():
        member = _lock(Member, member_id, MEMBER_REQUIRED)
        trainer = _lock_trainer(Trainer(pk=trainer_id) if trainer_id else None)
        locked = PersonalTrainingSession.objects.select_related("booking").select_for_update().get(pk=session_id)
        booking = locked.booking
        _check_pt_open(booking, by_member=by_member)
        _check_pt_slot(
            member=member,
            trainer=trainer,
            room=room,
            start=start_time,
            end=end_time,
            session_id=session_id,
            booking_id=booking_id,
        )
        booking.start_time, booking.end_time, booking.room = start_time, end_time, room
        locked.price = pt_session_price(trainer=trainer, start_time=start_time, end_time=end_time)
        with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
            booking.save(update_fields=["start_time", "end_time", "room"])
            locked.save(update_fields=["price"])
        return locked


def pt_session_cancel(*, session: PersonalTrainingSession, by_member: bool) -> PersonalTrainingSession:
    """Cancel a session before it starts; a member may not within the cut-off, staff and trainers may."""
    session_id, _member_id, _booking_id, _trainer_id = _session_ids(session)
    with transaction.atomic():
        locked = PersonalTrainingSession.objects.select_related("booking").select_for_update().get(pk=session_id)
        _check_pt_open(locked.booking, by_member=by_member)
        locked.booking.status = Booking.Status.CANCELLED
        locked.booking.save(update_fields=["status"])
        return locked


def pt_session_mark(*, session: PersonalTrainingSession, status: str) -> PersonalTrainingSession:
    """Record, once a session has started, whether it took place or the member did not come."""
    if status not in (Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
        raise SchedulingError(PT_MARK_INVALID)
    session_id, _member_id, _booking_id, _trainer_id = _session_ids(session)
    with transaction.atomic():
        locked = PersonalTrainingSession.objects.select_related("booking").select_for_update().get(pk=session_id)
        booking = locked.booking
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError(PT_CANCELLED)
        if booking.start_time > timezone.now():
            raise SchedulingError(PT_NOT_STARTED)
        booking.status = status
        booking.save(update_fields=["status"])
        return locked


# ---------------------------------------------------------------------------------------------
# Equipment maintenance
# ---------------------------------------------------------------------------------------------


def _sync_equipment_status(equipment: Equipment) -> None:
    statuses = set(
        equipment.maintenance_records.exclude(status=MaintenanceRecord.Status.RESOLVED)
        .values_list("status", flat=True)
        .distinct()
    )
    if MaintenanceRecord.Status.OPEN in statuses:
        status = Equipment.Status.BROKEN
    elif MaintenanceRecord.Status.IN_PROGRESS in statuses:
        status = Equipment.Status.IN_REPAIR
    else:
        status = Equipment.Status.WORKING
    if equipment.status != status:
        equipment.status = status
        equipment.save(update_fields=["status"])


def maintenance_record_create(
    *, equipment: Equipment, issue_description: str, reported_by=None
) -> MaintenanceRecord:
    """Report a problem with a piece of equipment, which is broken until the report is dealt with."""
    issue_description = (issue_description or "").strip()
    if not issue_description:
        raise SchedulingError(ISSUE_REQUIRED)
    with transaction.atomic():
        equipment = _lock(Equipment, _pk(equipment, EQUIPMENT_REQUIRED), EQUIPMENT_REQUIRED)
        record = MaintenanceRecord(equipment=equipment, issue_description=issue_description, reported_by=reported_by)
        _full_clean(record, exclude=["equipment", "reported_by"])
        with constraint_errors(MAINTENANCE_CONSTRAINTS, SchedulingError):
            record.save()
        _sync_equipment_status(equipment)
    return record


MAINTENANCE_STATUSES = frozenset(MaintenanceRecord.Status.values)


def maintenance_record_set_status(
    *, record: MaintenanceRecord, status: str, resolution_notes: str = ""
) -> MaintenanceRecord:
    """Move a record between open and in progress, or resolve it (with notes, for good); the equipment follows."""
    if status not in MAINTENANCE_STATUSES:
        raise SchedulingError(MAINTENANCE_STATUS_INVALID)
    resolution_notes = (resolution_notes or "").strip()
    if status == MaintenanceRecord.Status.RESOLVED and not resolution_notes:
        raise SchedulingError(RESOLUTION_NOTES_REQUIRED)
    pk = _pk(record, MAINTENANCE_REQUIRED)
    equipment_id = MaintenanceRecord.objects.filter(pk=pk).values_list("equipment_id", flat=True).first()
    if equipment_id is None:
        raise SchedulingError(MAINTENANCE_REQUIRED)
    with transaction.atomic():
        # The equipment row first: its status is decided from all of its records.
        equipment = _lock(Equipment, equipment_id, EQUIPMENT_REQUIRED)
        current = _lock(MaintenanceRecord, pk, MAINTENANCE_REQUIRED)
        if current.status == MaintenanceRecord.Status.RESOLVED:
            raise SchedulingError(MAINTENANCE_ALREADY_RESOLVED)
        if current.status == status:
            raise SchedulingError(MAINTENANCE_SAME_STATUS)
        current.status = status
        if status == MaintenanceRecord.Status.RESOLVED:
            current.resolved_at = timezone.now()
            current.resolution_notes = resolution_notes
        elif resolution_notes:
            current.resolution_notes = resolution_notes
        with constraint_errors(MAINTENANCE_CONSTRAINTS, SchedulingError):
            current.save(update_fields=["status", "resolved_at", "resolution_notes"])
        _sync_equipment_status(equipment)
    return current
