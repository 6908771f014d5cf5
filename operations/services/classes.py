"""Group classes: scheduling one, a weekly series or a series on weekdays, moving and cancelling them."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import dateformat, timezone

from clubsite.core.clock import club_time, club_zone
from clubsite.core.db import constraint_errors
from clubsite.core.events import publish
from trainers.models import Trainer

from ..describe import describe_day
from ..errors import ClassSeriesRefused, SchedulingError, SkippedDate, describe_date
from ..events import Cancelled, Cause, announce_cancelled
from ..models import Booking, ClassRegistration, GroupClass, Room
from ._common import (
    BOOKING_CONSTRAINTS,
    CENT,
    MAX_CLASS,
    MAX_PRICE,
    MAX_SERIES_DAYS,
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


def _check_level(level: object) -> str:
    if not isinstance(level, str) or level not in GroupClass.Level.values:
        raise SchedulingError("class_level_invalid")
    return level


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


def _prepare_class(
    *, name: str, room: Room, capacity: int, price: object, description: str, level: str
) -> tuple[GroupClass, Room]:
    room = fresh_room(room)
    group_class = GroupClass(
        name=(name or "").strip(),
        description=description or "",
        level=_check_level(level),
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
            level=template.level,
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
    level: str = GroupClass.Level.ALL,
    series: uuid.UUID | None = None,
) -> GroupClass:
    """Schedule a class: the trainer is available and free, the room is free and big enough."""
    _check_class_span(start_time, end_time)
    template, room = _prepare_class(
        name=name, room=room, capacity=capacity, price=price, description=description, level=level
    )
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
    level: str = GroupClass.Level.ALL,
) -> list[GroupClass]:
    """The same class every week for ``weeks`` weeks, as one series: all of them, or none and every clash named.

    Refused with ``class_weeks_failed``: ``problems`` says what went wrong in which week, ``weeks`` lists the
    week numbers and ``codes`` the code of each week's problem, in the same order.
    """
    weeks = check_weeks(weeks)
    spans = weekly_spans(start_time, end_time, weeks)
    for start, end in spans:
        _check_class_span(start, end)
    template, room = _prepare_class(
        name=name, room=room, capacity=capacity, price=price, description=description, level=level
    )
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


#: What a series does when some dates collide: nothing is created (every collision named), or the dates that fit.
ALL_OR_NOTHING = "all_or_nothing"
WHAT_FITS = "what_fits"
SERIES_MODES = (ALL_OR_NOTHING, WHAT_FITS)


@dataclass(frozen=True)
class SeriesCreated:
    """The classes of a series (one ``series`` id, in date order) and the dates skipped because they collide."""

    created: list[GroupClass]
    skipped: list[SkippedDate]


def _check_weekdays(weekdays: object) -> frozenset[int]:
    if weekdays is None or isinstance(weekdays, str | bytes) or not isinstance(weekdays, Iterable):
        raise SchedulingError("series_weekdays_required")
    days = list(weekdays)
    if not days:
        raise SchedulingError("series_weekdays_required")
    if any(isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6 for day in days):
        raise SchedulingError("series_weekdays_invalid")
    if len(set(days)) != len(days):
        raise SchedulingError("series_weekdays_invalid")
    return frozenset(days)


def series_days(*, start_time: datetime.datetime, weekdays: object, until: object) -> list[datetime.date]:
    """The club days from the first class's day to ``until`` (both included) that fall on ``weekdays``
    (0 Monday to 6 Sunday), at most a year of them."""
    chosen = _check_weekdays(weekdays)
    if until is None:
        raise SchedulingError("series_until_required")
    if not isinstance(until, datetime.date) or isinstance(until, datetime.datetime):
        raise SchedulingError("series_until_required")
    first = club_time(start_time).date()
    if until < first:
        raise SchedulingError("series_until_before_start", first=describe_date(first))
    if (until - first).days > MAX_SERIES_DAYS:
        latest = first + datetime.timedelta(days=MAX_SERIES_DAYS)
        raise SchedulingError("series_too_long", latest=describe_date(latest))
    days = [first + datetime.timedelta(days=n) for n in range((until - first).days + 1)]
    days = [day for day in days if day.weekday() in chosen]
    if not days:
        names = [dateformat.format(datetime.date(2024, 1, 1 + day), "l") for day in sorted(chosen)]
        raise SchedulingError(
            "series_no_dates", first=describe_date(first), until=describe_date(until), weekdays=", ".join(names)
        )
    return days


def _series_spans(
    start_time: datetime.datetime, end_time: datetime.datetime, days: list[datetime.date]
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The first class's hours on each day, on the club's wall clock (18:00 stays 18:00 across a daylight-saving
    change); a class past midnight ends the next day, as the first one does."""
    zone = club_zone()
    local_start = club_time(start_time).replace(tzinfo=None)
    length = club_time(end_time).replace(tzinfo=None) - local_start
    spans = []
    try:
        for day in days:
            start = datetime.datetime.combine(day, local_start.time())
            aware = (timezone.make_aware(start, zone), timezone.make_aware(start + length, zone))
            # The database keeps UTC: a moment past 31 December 9999 there cannot be stored.
            for moment in aware:
                moment.astimezone(datetime.UTC)
            spans.append(aware)
    except OverflowError as error:
        raise SchedulingError("series_past_calendar") from error
    return spans


def _insert_or_skip(
    template: GroupClass,
    *,
    trainer: Trainer,
    room: Room,
    day: datetime.date,
    start: datetime.datetime,
    end: datetime.datetime,
    series: uuid.UUID,
) -> GroupClass | SkippedDate:
    """Insert one date's class in a savepoint: a booking committed by someone else since the checks (the
    exclusion constraints have the last word) makes it a skipped date, named when it can be, and the rest goes on."""
    try:
        with transaction.atomic():
            return _insert_class(template, trainer=trainer, room=room, start=start, end=end, series=series)
    except SchedulingError as error:
        # The row in the way is committed by now (the insert waited for it), so it can be named.
        named = booking_clash(room=room, trainer=trainer, start=start, end=end)
        return SkippedDate(day=day, start_time=start, end_time=end, error=named or error)


def class_series_create(
    *,
    name: str,
    trainer: Trainer,
    room: Room,
    start_time: datetime.datetime,
    end_time: datetime.datetime,
    weekdays: Iterable[int],
    until: datetime.date,
    capacity: int,
    price: Decimal,
    description: str = "",
    level: str = GroupClass.Level.ALL,
    mode: str = ALL_OR_NOTHING,
) -> SeriesCreated:
    """The class on each of ``weekdays`` (0 Monday to 6 Sunday) from the day of ``start_time`` to ``until``, at the
    hours of ``start_time``-``end_time``, as one series (at most a year).

    A date collides when the trainer is not available, the room or the trainer is booked, or it has passed. With
    ``ALL_OR_NOTHING`` a collision refuses the whole series (``class_series_collides``, every date named); with
    ``WHAT_FITS`` the dates that fit are created and the others returned in ``skipped``, each with its refusal
    (``class_series_nothing_fits`` when none fits). The checks run under the trainer's lock; a room booked
    concurrently by another trainer's class is caught by the exclusion constraint at its insert, in a savepoint.
    """
    if mode not in SERIES_MODES:
        raise SchedulingError("series_mode_invalid")
    _check_class_span(start_time, end_time)
    days = series_days(start_time=start_time, weekdays=weekdays, until=until)
    spans = _series_spans(start_time, end_time, days)
    template, room = _prepare_class(
        name=name, room=room, capacity=capacity, price=price, description=description, level=level
    )
    with transaction.atomic():
        trainer = lock_trainer(trainer)
        skipped: list[SkippedDate] = []
        free: list[tuple[datetime.date, datetime.datetime, datetime.datetime]] = []
        for day, (start, end) in zip(days, spans, strict=True):
            try:
                _check_class_span(start, end)
                problem = _class_slot_problem(trainer=trainer, room=room, start=start, end=end)
            except SchedulingError as error:
                problem = error
            if problem is None:
                free.append((day, start, end))
            else:
                skipped.append(SkippedDate(day=day, start_time=start, end_time=end, error=problem))
        if skipped and mode == ALL_OR_NOTHING:
            raise ClassSeriesRefused("class_series_collides", skipped)
        series = uuid.uuid4()
        created: list[GroupClass] = []
        for day, start, end in free:
            outcome = _insert_or_skip(
                template, trainer=trainer, room=room, day=day, start=start, end=end, series=series
            )
            if isinstance(outcome, GroupClass):
                created.append(outcome)
            else:
                skipped.append(outcome)
        skipped.sort(key=lambda date: date.day)
        if skipped and mode == ALL_OR_NOTHING:
            raise ClassSeriesRefused("class_series_collides", skipped)
        if not created:
            raise ClassSeriesRefused("class_series_nothing_fits", skipped)
        return SeriesCreated(created=created, skipped=skipped)


def check_class_open(group_class: GroupClass) -> None:
    """Refuse a class that was cancelled, has taken place or has started: nobody joins or moves it any more.

    A class that took place may be marked completed (the demo's history is): that is not a cancellation.
    """
    booking = group_class.booking
    if booking.status == Booking.Status.CANCELLED:
        raise SchedulingError("class_cancelled")
    if booking.status != Booking.Status.SCHEDULED or booking.end_time <= timezone.now():
        raise SchedulingError("class_took_place")
    if booking.start_time <= timezone.now():
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
