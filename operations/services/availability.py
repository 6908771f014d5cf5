"""Trainer availability: the windows in which a trainer can be booked, made one by one, weekly, or from the
trainer's weekly template, and cut by time off.

Written by operations, because removing a window must look at the bookings that rely on it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import dateformat, timezone

from clubsite.core.clock import club_datetime, club_time, club_today, day_start
from clubsite.core.db import constraint_errors
from trainers.models import TimeOff, Trainer, TrainerAvailability, WeeklySlot

from ..describe import describe_booking, describe_day, describe_span
from ..errors import SchedulingError
from ..models import Booking
from ._common import (
    AVAILABILITY_CONSTRAINTS,
    MAX_AVAILABILITY,
    check_span,
    check_weeks,
    full_clean,
    lock,
    lock_trainer,
    pk_of,
    weekly_spans,
)


def _window_clash(
    trainer: Trainer, start: datetime.datetime, end: datetime.datetime, *, exclude_id: int | None = None
) -> TrainerAvailability | None:
    windows = TrainerAvailability.objects.filter(trainer=trainer, start_time__lt=end, end_time__gt=start)
    if exclude_id is not None:
        windows = windows.exclude(pk=exclude_id)
    return windows.order_by("start_time").first()


def _days_touched(start: datetime.datetime, end: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The first and last club day of ``[start, end)``: a window ending at midnight does not touch the next day."""
    return club_time(start).date(), club_time(end - datetime.timedelta(microseconds=1)).date()


def _time_off_during(
    trainer: Trainer, spans: list[tuple[datetime.datetime, datetime.datetime]]
) -> list[tuple[int, TimeOff]]:
    """(index of the span, time off) for each span that shares a club day with the trainer's time off.

    Read under the trainer's row lock, which ``time_off_create`` takes too, so a window and time off made at
    once never both stand."""
    first, _ = _days_touched(*spans[0])
    _, last = _days_touched(*spans[-1])
    off = list(TimeOff.objects.filter(trainer=trainer, first_day__lte=last, last_day__gte=first).order_by("first_day"))
    found: list[tuple[int, TimeOff]] = []
    for index, span in enumerate(spans):
        span_first, span_last = _days_touched(*span)
        days_off = next((t for t in off if t.first_day <= span_last and t.last_day >= span_first), None)
        if days_off is not None:
            found.append((index, days_off))
    return found


def _refuse_time_off(trainer: Trainer, start: datetime.datetime, end: datetime.datetime) -> None:
    found = _time_off_during(trainer, [(start, end)])
    if found:
        _index, days_off = found[0]
        raise SchedulingError("availability_in_time_off", time_off=describe_days(days_off.first_day, days_off.last_day))


def _overlaps(window: TrainerAvailability) -> SchedulingError:
    return SchedulingError("availability_overlaps", window=describe_span(window.start_time, window.end_time))


def _check_window(start: datetime.datetime, end: datetime.datetime) -> None:
    check_span(start, end, longest=MAX_AVAILABILITY, too_long="availability_too_long")


def availability_create(
    *, trainer: Trainer, start_time: datetime.datetime, end_time: datetime.datetime
) -> TrainerAvailability:
    """Open a future window in which the trainer can be booked; it may not overlap their other windows nor fall
    on a day of their time off (``availability_in_time_off``)."""
    _check_window(start_time, end_time)
    with transaction.atomic():
        trainer = lock_trainer(trainer, bookable=False)
        _refuse_time_off(trainer, start_time, end_time)
        clash = _window_clash(trainer, start_time, end_time)
        if clash is not None:
            raise _overlaps(clash)
        with constraint_errors(AVAILABILITY_CONSTRAINTS, SchedulingError):
            return TrainerAvailability.objects.create(trainer=trainer, start_time=start_time, end_time=end_time)


def availability_create_weekly(
    *, trainer: Trainer, start_time: datetime.datetime, end_time: datetime.datetime, weeks: int
) -> list[TrainerAvailability]:
    """The same window every week for ``weeks`` weeks: all of them, or none when any week collides.

    Refused with ``availability_weeks_overlap``, whose ``weeks`` parameter lists the colliding week numbers: a
    week overlapping another window or falling on a day of time off.
    """
    weeks = check_weeks(weeks)
    spans = weekly_spans(start_time, end_time, weeks)
    for start, end in spans:
        _check_window(start, end)
    with transaction.atomic():
        trainer = lock_trainer(trainer, bookable=False)
        existing = list(
            TrainerAvailability.objects.filter(
                trainer=trainer, start_time__lt=spans[-1][1], end_time__gt=spans[0][0]
            ).order_by("start_time")
        )
        time_off = dict(_time_off_during(trainer, spans))
        clashes: list[tuple[int, str]] = []
        for number, (start, end) in enumerate(spans, start=1):
            days_off = time_off.get(number - 1)
            clash = next((w for w in existing if w.start_time < end and w.end_time > start), None)
            if days_off is not None:
                line = SchedulingError(
                    "availability_week_in_time_off",
                    number=number,
                    day=describe_day(start),
                    time_off=describe_days(days_off.first_day, days_off.last_day),
                )
            elif clash is not None:
                line = SchedulingError(
                    "availability_week_overlaps",
                    number=number,
                    day=describe_day(start),
                    window=describe_span(clash.start_time, clash.end_time),
                )
            else:
                continue
            clashes.append((number, line.message))
        if clashes:
            raise SchedulingError(
                "availability_weeks_overlap",
                clashes="; ".join(text for _number, text in clashes),
                weeks=",".join(str(number) for number, _text in clashes),
            )
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
        raise SchedulingError("availability_strands_bookings", bookings=described)


def _lock_window(availability: TrainerAvailability | None) -> tuple[Trainer, TrainerAvailability]:
    pk = pk_of(availability, "availability_gone")
    trainer_id = TrainerAvailability.objects.filter(pk=pk).values_list("trainer_id", flat=True).first()
    if trainer_id is None:
        raise SchedulingError("availability_gone")
    trainer = lock(Trainer, trainer_id, "trainer_required")
    # Read again under the trainer's lock: a concurrent delete would have finished by now.
    return trainer, lock(TrainerAvailability, pk, "availability_gone")


def availability_update(
    *, availability: TrainerAvailability, start_time: datetime.datetime, end_time: datetime.datetime
) -> TrainerAvailability:
    """Move or resize a window, unless a scheduled booking would be left outside the trainer's availability or
    the window would fall on a day of the trainer's time off."""
    _check_window(start_time, end_time)
    with transaction.atomic():
        trainer, window = _lock_window(availability)
        _refuse_time_off(trainer, start_time, end_time)
        clash = _window_clash(trainer, start_time, end_time, exclude_id=window.pk)
        if clash is not None:
            raise _overlaps(clash)
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
# The weekly template, applied; time off
# ---------------------------------------------------------------------------------------------

#: The longest time off taken at once, in days.
MAX_TIME_OFF_DAYS = 366
DAY = datetime.timedelta(days=1)
TIME_OFF_CONSTRAINTS = {
    "trainers_timeoff_no_overlap": "time_off_overlaps_another",
    "trainers_timeoff_last_on_or_after_first": "time_off_reversed",
}


@dataclass(frozen=True)
class TemplateCollision:
    """A window the template would have made, and the existing window in its way."""

    start: datetime.datetime
    end: datetime.datetime
    existing: TrainerAvailability

    @property
    def message(self) -> str:
        return (
            f"{describe_span(self.start, self.end)} overlaps your window "
            f"{describe_span(self.existing.start_time, self.existing.end_time)}"
        )


@dataclass(frozen=True)
class TemplateApplied:
    """What applying the template did: the windows made, those left out for a collision, the days off skipped."""

    first_day: datetime.date
    last_day: datetime.date
    created: list[TrainerAvailability]
    collisions: list[TemplateCollision]
    days_off: list[datetime.date]


def availability_apply_template(*, trainer: Trainer, first_day: datetime.date, weeks: int) -> TemplateApplied:
    """Make the windows of the trainer's weekly template for ``weeks`` weeks from ``first_day`` (club days).

    A window that would overlap an existing one is not made and is listed; the rest are. Days of time off are
    skipped, and so are today's rows that have already started. Applying twice makes nothing new.
    """
    weeks = check_weeks(weeks)
    if not isinstance(first_day, datetime.date):
        raise SchedulingError("template_start_in_past")
    today = club_today()
    if first_day < today:
        raise SchedulingError("template_start_in_past")
    try:
        last_day = first_day + datetime.timedelta(weeks=weeks) - DAY
    except OverflowError as error:
        raise SchedulingError("weeks_past_calendar") from error
    with transaction.atomic():
        trainer = lock_trainer(trainer, bookable=False)
        slots = list(WeeklySlot.objects.filter(trainer=trainer).order_by("weekday", "start_time"))
        if not slots:
            raise SchedulingError("template_empty")
        since, until = day_start(first_day), day_start(last_day + DAY)
        existing = list(
            TrainerAvailability.objects.filter(trainer=trainer, start_time__lt=until, end_time__gt=since).order_by(
                "start_time"
            )
        )
        off = list(
            TimeOff.objects.filter(trainer=trainer, first_day__lte=last_day, last_day__gte=first_day).values_list(
                "first_day", "last_day"
            )
        )
        now = timezone.now()
        spans: list[tuple[datetime.datetime, datetime.datetime]] = []
        collisions: list[TemplateCollision] = []
        days_off: list[datetime.date] = []
        for offset in range((last_day - first_day).days + 1):
            day = first_day + datetime.timedelta(days=offset)
            rows = [slot for slot in slots if slot.weekday == day.weekday()]
            if rows and any(start <= day <= end for start, end in off):
                days_off.append(day)
                continue
            for slot in rows:
                start, end = club_datetime(day, slot.start_time), club_datetime(day, slot.end_time)
                if start <= now:
                    continue
                clash = next((w for w in existing if w.start_time < end and w.end_time > start), None)
                if clash is not None:
                    collisions.append(TemplateCollision(start=start, end=end, existing=clash))
                else:
                    spans.append((start, end))
        with constraint_errors(AVAILABILITY_CONSTRAINTS, SchedulingError):
            created = TrainerAvailability.objects.bulk_create(
                [TrainerAvailability(trainer=trainer, start_time=start, end_time=end) for start, end in spans]
            )
        return TemplateApplied(
            first_day=first_day, last_day=last_day, created=created, collisions=collisions, days_off=days_off
        )


@dataclass(frozen=True)
class TimeOffTaken:
    """The time off recorded, and how many free windows it removed or cut short."""

    time_off: TimeOff
    windows_removed: int
    windows_cut: int


def describe_days(first: datetime.date, last: datetime.date) -> str:
    """'Mon 7 Dec–Fri 11 Dec', or 'Mon 7 Dec' for one day."""
    if first == last:
        return dateformat.format(first, "D j M")
    return f"{dateformat.format(first, 'D j M')}–{dateformat.format(last, 'D j M')}"


def _check_time_off(first_day: object, last_day: object) -> tuple[datetime.date, datetime.date]:
    if not isinstance(first_day, datetime.date) or not isinstance(last_day, datetime.date):
        raise SchedulingError("time_off_days_required")
    if last_day < first_day:
        raise SchedulingError("time_off_reversed")
    if first_day < club_today():
        raise SchedulingError("time_off_in_past")
    if (last_day - first_day).days + 1 > MAX_TIME_OFF_DAYS:
        raise SchedulingError("time_off_too_long", days=MAX_TIME_OFF_DAYS)
    if last_day >= datetime.date.max:
        raise SchedulingError("weeks_past_calendar", field="last_day")
    return first_day, last_day


def time_off_create(
    *, trainer: Trainer, first_day: datetime.date, last_day: datetime.date, note: str = ""
) -> TimeOffTaken:
    """Take the club days from ``first_day`` to ``last_day`` (both included) off: the free availability in them
    is removed (a window reaching into them is cut at their edge). Refused, naming them, while classes, sessions
    or events of the trainer are scheduled in those days; refused when it overlaps other time off."""
    first_day, last_day = _check_time_off(first_day, last_day)
    since, until = day_start(first_day), day_start(last_day + DAY)
    with transaction.atomic():
        trainer = lock_trainer(trainer, bookable=False)
        other = (
            TimeOff.objects.filter(trainer=trainer, first_day__lte=last_day, last_day__gte=first_day)
            .order_by("first_day")
            .first()
        )
        if other is not None:
            raise SchedulingError("time_off_overlaps", time_off=describe_days(other.first_day, other.last_day))
        booked = list(
            Booking.objects.filter(
                trainer=trainer, status=Booking.Status.SCHEDULED, start_time__lt=until, end_time__gt=since
            )
            .select_related("group_class", "pt_session__member__user")
            .order_by("start_time")
        )
        if booked:
            raise SchedulingError(
                "time_off_booked", bookings="; ".join(describe_booking(b, with_member=True) for b in booked)
            )
        time_off = TimeOff(trainer=trainer, first_day=first_day, last_day=last_day, note=(note or "").strip())
        full_clean(time_off, exclude=["trainer"])
        removed = cut = 0
        windows = TrainerAvailability.objects.filter(trainer=trainer, start_time__lt=until, end_time__gt=since)
        with constraint_errors({**AVAILABILITY_CONSTRAINTS, **TIME_OFF_CONSTRAINTS}, SchedulingError):
            for window in windows.select_for_update().order_by("start_time"):
                before = (window.start_time, since) if window.start_time < since else None
                after = (until, window.end_time) if window.end_time > until else None
                if before is None and after is None:
                    window.delete()
                    removed += 1
                    continue
                cut += 1
                window.start_time, window.end_time = before or after  # type: ignore[misc]
                window.save(update_fields=["start_time", "end_time"])
                if before is not None and after is not None:
                    TrainerAvailability.objects.create(trainer=trainer, start_time=after[0], end_time=after[1])
            time_off.save()
        return TimeOffTaken(time_off=time_off, windows_removed=removed, windows_cut=cut)
