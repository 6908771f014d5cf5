"""Rooms and the bookings of the one calendar: adding and resizing rooms, events and closures, moving a booking
to another room, cancelling."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.core.db import constraint_errors

from ..describe import describe_booking, related_or_none
from ..errors import SchedulingError
from ..events import Cancelled, Cause, announce_cancelled
from ..models import Booking, GroupClass, PersonalTrainingSession, Room
from ._common import (
    BOOKING_CONSTRAINTS,
    MAX_ROOM_BOOKING,
    ROOM_CONSTRAINTS,
    booking_clash,
    check_span,
    fresh_room,
    full_clean,
    lock,
    pk_of,
)
from .classes import class_cancel, class_reschedule
from .pt import pt_session_cancel, pt_session_reschedule


def _room_fields(*, name: str, location: str, capacity: object) -> dict[str, object]:
    name = (name or "").strip()
    if not name:
        raise SchedulingError("room_name_required")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0:
        raise SchedulingError("room_capacity_invalid")
    room = Room(name=name, location=(location or "").strip(), capacity=capacity)
    full_clean(room)
    return {"name": room.name, "location": room.location, "capacity": room.capacity}


def room_create(*, name: str, capacity: int, location: str = "") -> Room:
    """Add a room; its name is unique."""
    fields = _room_fields(name=name, location=location, capacity=capacity)
    with transaction.atomic():
        if Room.objects.filter(name__iexact=fields["name"]).exists():
            raise SchedulingError("room_name_taken")
        with constraint_errors(ROOM_CONSTRAINTS, SchedulingError):
            return Room.objects.create(**fields)


def room_update(*, room: Room, name: str, capacity: int, location: str = "") -> Room:
    """Rename or resize a room; it cannot shrink below the places of a scheduled class still to come in it."""
    fields = _room_fields(name=name, location=location, capacity=capacity)
    with transaction.atomic():
        locked = lock(Room, pk_of(room, "room_required"), "room_required")
        if Room.objects.filter(name__iexact=fields["name"]).exclude(pk=locked.pk).exists():
            raise SchedulingError("room_name_taken")
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
                "room_capacity_below_classes",
                room=locked.name,
                capacity=too_big[0].capacity,
                classes="; ".join(f"{describe_booking(c.booking)} ({c.capacity} places)" for c in too_big),
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
        raise SchedulingError("room_booking_kind_invalid")
    title = (title or "").strip()
    if not title:
        raise SchedulingError("room_booking_title_required")
    room = fresh_room(room)
    check_span(start_time, end_time, longest=MAX_ROOM_BOOKING, too_long="room_booking_too_long")
    booking = Booking(room=room, start_time=start_time, end_time=end_time, kind=kind, title=title)
    full_clean(booking, exclude=["room", "trainer"])
    with transaction.atomic():
        clash = booking_clash(room=room, trainer=None, start=start_time, end=end_time)
        if clash is not None:
            raise clash
        with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
            booking.save()
    return booking


def booking_move_room(*, booking: Booking, room: Room) -> Booking:
    """Move a class or PT session to another room at the same time, with the checks of its own move
    (``class_reschedule``, ``pt_session_reschedule`` as staff); an event or closure is moved by booking again."""
    pk = pk_of(booking, "booking_required")
    current = Booking.objects.select_related("trainer", "group_class", "pt_session").filter(pk=pk).first()
    if current is None:
        raise SchedulingError("booking_required")
    group_class = related_or_none(current, "group_class")
    if current.kind == Booking.Kind.GROUP_CLASS and isinstance(group_class, GroupClass):
        moved_class = class_reschedule(
            group_class=group_class,
            start_time=current.start_time,
            end_time=current.end_time,
            room=room,
            trainer=current.trainer,
        )
        return moved_class.booking
    session = related_or_none(current, "pt_session")
    if current.kind == Booking.Kind.PERSONAL_TRAINING and isinstance(session, PersonalTrainingSession):
        moved_session = pt_session_reschedule(
            session=session, start_time=current.start_time, end_time=current.end_time, room=room, by_member=False
        )
        return moved_session.booking
    raise SchedulingError("events_move_by_rebooking")


def booking_cancel_by(*, user: User, booking: Booking) -> Cancelled[Booking]:
    """``booking_cancel`` for a staff member: a class's booking cancels the class, so only who may change
    classes may cancel it (the admin's action and the staff API both ask here)."""
    if booking.kind == Booking.Kind.GROUP_CLASS and not user.has_perm("operations.change_groupclass"):
        raise SchedulingError("class_cancel_not_allowed")
    return booking_cancel(booking=booking)


def booking_cancel(*, booking: Booking) -> Cancelled[Booking]:
    """Cancel a booking; a class or PT session is cancelled as a whole (``class_cancel``, ``pt_session_cancel``),
    so its members hear of it and what was billed for it is settled."""
    pk = pk_of(booking, "booking_required")
    current = Booking.objects.select_related("group_class", "pt_session").filter(pk=pk).first()
    if current is None:
        raise SchedulingError("booking_required")
    group_class = related_or_none(current, "group_class")
    if isinstance(group_class, GroupClass):
        cancelled_class = class_cancel(group_class=group_class)
        return Cancelled(
            target=cancelled_class.target.booking, promoted=cancelled_class.promoted, effects=cancelled_class.effects
        )
    session = related_or_none(current, "pt_session")
    if isinstance(session, PersonalTrainingSession):
        cancelled_session = pt_session_cancel(session=session, by_member=False)
        return Cancelled(target=cancelled_session.target.booking, effects=cancelled_session.effects)
    with transaction.atomic():
        current = lock(Booking, pk, "booking_required")
        if current.status == Booking.Status.CANCELLED:
            raise SchedulingError("booking_already_cancelled")
        if current.start_time <= timezone.now():
            raise SchedulingError("booking_started")
        current.status = Booking.Status.CANCELLED
        current.save(update_fields=["status"])
        # An event or closure ends no place and no session; it is announced all the same, with nothing in it.
        effects = announce_cancelled(sender=Booking, cause=Cause.BOOKING_CANCELLED)
    return Cancelled(target=current, effects=effects)
