"""Group classes: scheduling one or a weekly series, moving and cancelling them."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from clubsite.core.db import constraint_errors
from clubsite.core.events import publish
from trainers.models import Trainer

from ..describe import describe_day
from ..errors import SchedulingError
from ..events import Cancelled, Cause, announce_cancelled
from ..models import Booking, ClassRegistration, GroupClass, Room
from ._common import (
    BOOKING_CONSTRAINTS,
    CENT,
    MAX_CLASS,
    MAX_PRICE,
    booking_clash,
    check_span,
    check_weeks,
    fresh_room,
    full_clean,
    lock_class,
    lock_members,
    lock_trainer,
    pk_of,
    trainer_available,
    weekly_spans,
)


def _check_price(price: object) -> Decimal:
    if isinstance(price, bool) or price is None:
        raise SchedulingError("class_price_invalid")
    try:
        value = Decimal(str(price))
    except (InvalidOperation, ValueError) as error:
        raise SchedulingError("class_price_invalid") from error
    if not value.is_finite() or value < 0 or value > MAX_PRICE or value != value.quantize(CENT):
        raise SchedulingError("class_price_invalid")
    return value.quantize(CENT)


def _check_capacity(capacity: object, room: Room) -> int:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0:
        raise SchedulingError("class_capacity_invalid")
    if capacity > room.capacity:
        raise SchedulingError(
            "class_capacity_above_room", room=room.name, room_capacity=room.capacity, capacity=capacity
        )
    return capacity


def _check_class_span(start: datetime.datetime | None, end: datetime.datetime | None) -> None:
    check_span(start, end, longest=MAX_CLASS, too_long="class_too_long")


def _class_slot_problem(
    *,
    trainer: Trainer,
    room: Room,
    start: datetime.datetime,
    end: datetime.datetime,
    exclude_booking_id: int | None = None,
) -> SchedulingError | None:
    if not trainer_available(trainer, start, end):
        return SchedulingError("trainer_unavailable")
    return booking_clash(room=room, trainer=trainer, start=start, end=end, exclude_booking_id=exclude_booking_id)


def _prepare_class(*, name: str, room: Room, capacity: int, price: object, description: str) -> tuple[GroupClass, Room]:
    room = fresh_room(room)
    group_class = GroupClass(
        name=(name or "").strip(),
        description=description or "",
        capacity=_check_capacity(capacity, room),
        price=_check_price(price),
    )
    if not group_class.name:
        raise SchedulingError("class_name_required")
    full_clean(group_class, exclude=["booking", "series"])
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
    _check_class_span(start_time, end_time)
    template, room = _prepare_class(name=name, room=room, capacity=capacity, price=price, description=description)
    with transaction.atomic():
        trainer = lock_trainer(trainer)
        problem = _class_slot_problem(trainer=trainer, room=room, start=start_time, end=end_time)
        if problem is not None:
            raise problem
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
    """The same class every week for ``weeks`` weeks, as one series: all of them, or none and every clash named.

    Refused with ``class_weeks_failed``: ``problems`` says what went wrong in which week, ``weeks`` lists the
    week numbers and ``codes`` the code of each week's problem, in the same order.
    """
    weeks = check_weeks(weeks)
    spans = weekly_spans(start_time, end_time, weeks)
    for start, end in spans:
        _check_class_span(start, end)
    template, room = _prepare_class(name=name, room=room, capacity=capacity, price=price, description=description)
    with transaction.atomic():
        trainer = lock_trainer(trainer)
        problems: list[tuple[int, SchedulingError]] = []
        for number, (start, end) in enumerate(spans, start=1):
            problem = _class_slot_problem(trainer=trainer, room=room, start=start, end=end)
            if problem is not None:
                problems.append((number, problem))
        if problems:
            lines = [
                SchedulingError(
                    "class_week_problem", number=number, day=describe_day(spans[number - 1][0]), problem=problem.message
                ).message
                for number, problem in problems
            ]
            raise SchedulingError(
                "class_weeks_failed",
                problems=" ".join(lines),
                weeks=",".join(str(number) for number, _problem in problems),
                codes=",".join(problem.code for _number, problem in problems),
            )
        series = uuid.uuid4()
        return [
            _insert_class(template, trainer=trainer, room=room, start=start, end=end, series=series)
            for start, end in spans
        ]


def check_class_open(group_class: GroupClass) -> None:
    """Refuse a class that was cancelled or has started: nobody joins or moves it any more."""
    if group_class.booking.status != Booking.Status.SCHEDULED:
        raise SchedulingError("class_cancelled")
    if group_class.booking.start_time <= timezone.now():
        raise SchedulingError("class_started")


def _live_registrations(group_class: GroupClass) -> list[ClassRegistration]:
    return list(
        group_class.registrations.filter(status__in=ClassRegistration.LIVE)
        .select_related("member__user")
        .select_for_update(of=("self",))
    )


def class_reschedule(
    *,
    group_class: GroupClass,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    room: Room,
    trainer: Trainer | None,
) -> GroupClass:
    """Move a class in time, room or trainer, with the checks of a new class; its members are told by mail."""
    _check_class_span(start_time, end_time)
    room = fresh_room(room)
    with transaction.atomic():
        trainer = lock_trainer(trainer)
        group_class = lock_class(group_class)
        check_class_open(group_class)
        _check_capacity(group_class.capacity, room)
        booking = group_class.booking
        problem = _class_slot_problem(
            trainer=trainer, room=room, start=start_time, end=end_time, exclude_booking_id=booking.pk
        )
        if problem is not None:
            raise problem
        before = (booking.start_time, booking.end_time, booking.room_id, booking.trainer_id)
        booking.start_time, booking.end_time, booking.room, booking.trainer = start_time, end_time, room, trainer
        with constraint_errors(BOOKING_CONSTRAINTS, SchedulingError):
            booking.save(update_fields=["start_time", "end_time", "room", "trainer"])
        if before != (start_time, end_time, room.pk, trainer.pk):
            publish(
                "class.moved",
                group_class.pk,
                registration_ids=sorted(r.pk for r in _live_registrations(group_class)),
                start_time=start_time.isoformat(),
                was_start_time=before[0].isoformat(),
            )
        return group_class


def _live_member_ids(class_id: int) -> set[int]:
    return set(
        ClassRegistration.objects.filter(group_class_id=class_id, status__in=ClassRegistration.LIVE).values_list(
            "member_id", flat=True
        )
    )


def _lock_class_and_its_members(group_class: GroupClass | None) -> GroupClass:
    """Lock every member holding a live place in the class (in id order), then the class: the lock order.

    The members are read before the class is locked, so someone may register in between; then the locks are
    given back (to a savepoint) and taken again, members first. Once the class is locked nobody can register.
    """
    pk = pk_of(group_class, "class_required")
    while True:
        member_ids = _live_member_ids(pk)
        savepoint = transaction.savepoint()
        lock_members(member_ids)
        locked = lock_class(GroupClass(pk=pk))
        if _live_member_ids(pk) <= member_ids:
            transaction.savepoint_commit(savepoint)
            return locked
        transaction.savepoint_rollback(savepoint)


def class_cancel(*, group_class: GroupClass) -> Cancelled[GroupClass]:
    """Cancel a class that has not started: its slot is freed, its registrations cancelled, its members told.

    ``places_cancelled`` carries the registrations it ended, so what was billed for them is settled.
    """
    with transaction.atomic():
        group_class = _lock_class_and_its_members(group_class)
        booking = group_class.booking
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("class_already_cancelled")
        if booking.start_time <= timezone.now():
            raise SchedulingError("class_started")
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])
        registrations = _live_registrations(group_class)
        ClassRegistration.objects.filter(pk__in=[r.pk for r in registrations]).update(
            status=ClassRegistration.Status.CANCELLED
        )
        effects = announce_cancelled(
            sender=GroupClass, cause=Cause.CLASS_CANCELLED, registration_ids=[r.pk for r in registrations]
        )
        publish("class.cancelled", group_class.pk, registration_ids=sorted(r.pk for r in registrations))
        return Cancelled(target=group_class, effects=effects)
