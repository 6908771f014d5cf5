"""Personal training: booking a member's session with a trainer, moving, cancelling, marking it and the trainer's
notes after it."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from clubsite.core.db import constraint_errors
from clubsite.core.events import publish
from members.models import Member
from trainers.models import Trainer

from .. import selectors
from ..errors import SchedulingError
from ..events import Cancelled, Cause, announce_cancelled, place_taken
from ..models import Booking, PersonalTrainingSession, Room
from ._common import (
    BOOKING_CONSTRAINTS,
    CENT,
    PT_MAX,
    PT_MIN,
    booking_clash,
    check_span,
    fresh_room_or_none,
    full_clean,
    lock,
    lock_member,
    lock_trainer,
    member_clash,
    pk_of,
    trainer_available,
)


def pt_session_price(*, trainer: Trainer | None, start_time: datetime.datetime, end_time: datetime.datetime) -> Decimal:
    """The trainer's hourly rate for the length of the session, to the penny (half up)."""
    if trainer is None:
        raise SchedulingError("trainer_required")
    check_span(start_time, end_time, future=False)
    microseconds = (end_time - start_time) // datetime.timedelta(microseconds=1)
    hours = Decimal(microseconds) / Decimal(3_600_000_000)
    return (Decimal(trainer.hourly_rate) * hours).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_pt_span(start: datetime.datetime, end: datetime.datetime) -> None:
    check_span(start, end)
    if not PT_MIN <= end - start <= PT_MAX:
        raise SchedulingError("pt_duration_invalid")


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
    if not trainer_available(trainer, start, end):
        raise SchedulingError("trainer_unavailable")
    problem = member_clash(member, start, end, exclude_session_id=session_id) or booking_clash(
        room=room, trainer=trainer, start=start, end=end, exclude_booking_id=booking_id
    )
    if problem is not None:
        raise problem


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
    room = fresh_room_or_none(room)
    with transaction.atomic():
        member = lock_member(member)
        trainer = lock_trainer(trainer)
        if member.user_id == trainer.user_id:
            raise SchedulingError("pt_with_self")
        _check_pt_slot(member=member, trainer=trainer, room=room, start=start_time, end=end_time)
        session = PersonalTrainingSession(
            member=member,
            price=pt_session_price(trainer=trainer, start_time=start_time, end_time=end_time),
            notes=notes or "",
        )
        full_clean(session, exclude=["member", "booking"])
        with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
            session.booking = Booking.objects.create(
                room=room,
                trainer=trainer,
                start_time=start_time,
                end_time=end_time,
                kind=Booking.Kind.PERSONAL_TRAINING,
            )
            session.save()
        # Billing refuses a day the member's membership is frozen.
        place_taken.send(sender=PersonalTrainingSession, member_id=member.pk, start_time=start_time, pt_session=session)
        publish("pt_session.booked", session.pk, member_id=member.pk, trainer_id=trainer.pk)
        return session


def _check_pt_open(booking: Booking, *, by_member: bool) -> None:
    if booking.status != Booking.Status.SCHEDULED:
        raise SchedulingError("pt_not_scheduled")
    if booking.start_time <= timezone.now():
        raise SchedulingError("pt_started")
    if by_member and selectors.pt_within_cutoff(booking.start_time):
        raise SchedulingError("pt_cutoff", hours=selectors.pt_cutoff_hours())


def _session_ids(session: PersonalTrainingSession | None) -> tuple[int, int, int, int | None]:
    pk = pk_of(session, "pt_required")
    ids: tuple[int, int, int, int | None] | None = (
        PersonalTrainingSession.objects.filter(pk=pk)
        .values_list("pk", "member_id", "booking_id", "booking__trainer_id")
        .first()
    )
    if ids is None:
        raise SchedulingError("pt_required")
    return ids


def _lock_session(session_id: int) -> PersonalTrainingSession:
    return PersonalTrainingSession.objects.select_related("booking").select_for_update().get(pk=session_id)


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
    room = fresh_room_or_none(room)
    session_id, member_id, booking_id, trainer_id = _session_ids(session)
    with transaction.atomic():
        member = lock(Member, member_id, "member_required")
        trainer = lock_trainer(Trainer(pk=trainer_id) if trainer_id else None)
        locked = _lock_session(session_id)
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
        place_taken.send(sender=PersonalTrainingSession, member_id=member.pk, start_time=start_time, pt_session=locked)
        publish("pt_session.moved", locked.pk, start_time=start_time.isoformat(), by_member=by_member)
        return locked


def pt_session_cancel(*, session: PersonalTrainingSession, by_member: bool) -> Cancelled[PersonalTrainingSession]:
    """Cancel a session before it starts; a member may not within the cut-off, staff and trainers may.

    ``places_cancelled`` carries the session, so what was billed for it is settled.
    """
    session_id, member_id, _booking_id, _trainer_id = _session_ids(session)
    with transaction.atomic():
        lock(Member, member_id, "member_required")
        locked = _lock_session(session_id)
        _check_pt_open(locked.booking, by_member=by_member)
        locked.booking.status = Booking.Status.CANCELLED
        locked.booking.save(update_fields=["status"])
        effects = announce_cancelled(
            sender=PersonalTrainingSession, cause=Cause.SESSION_CANCELLED, pt_session_ids=[locked.pk]
        )
        return Cancelled(target=locked, effects=effects)


def pt_session_mark(*, session: PersonalTrainingSession, status: str) -> PersonalTrainingSession:
    """Record, once a session has started, whether it took place or the member did not come."""
    if status not in (Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
        raise SchedulingError("pt_mark_invalid")
    session_id, _member_id, _booking_id, _trainer_id = _session_ids(session)
    with transaction.atomic():
        locked = _lock_session(session_id)
        booking = locked.booking
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("pt_cancelled")
        if booking.start_time > timezone.now():
            raise SchedulingError("pt_not_started")
        booking.status = status
        booking.save(update_fields=["status"])
        return locked


#: The longest notes a trainer may keep on one session: the column's own limit.
PT_NOTE_MAX_LENGTH: int = PersonalTrainingSession._meta.get_field("trainer_notes").max_length or 0


def pt_session_note(*, session: PersonalTrainingSession, trainer: Trainer, notes: str) -> PersonalTrainingSession:
    """The session's trainer writes (or rewrites, or clears with an empty text) their notes once it has started.

    Refused for another trainer's session, one not started yet, a cancelled one, or a no-show (nothing took place).
    """
    text = (notes or "").strip()
    if len(text) > PT_NOTE_MAX_LENGTH:
        raise SchedulingError("pt_note_too_long", limit=PT_NOTE_MAX_LENGTH, length=len(text))
    trainer_id = pk_of(trainer, "trainer_required")
    session_id = _session_ids(session)[0]
    with transaction.atomic():
        locked = _lock_session(session_id)
        booking = locked.booking
        if booking.trainer_id != trainer_id:
            raise SchedulingError("pt_note_not_yours")
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("pt_cancelled")
        if booking.start_time > timezone.now():
            raise SchedulingError("pt_note_too_early")
        if booking.status == Booking.Status.NO_SHOW:
            raise SchedulingError("pt_note_no_show")
        locked.trainer_notes = text
        locked.trainer_notes_at = timezone.now() if text else None
        locked.save(update_fields=["trainer_notes", "trainer_notes_at"])
        return locked
