"""Trainer availability: the windows in which a trainer can be booked.

Written by operations, because removing a window must look at the bookings that rely on it.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from clubsite.core.db import constraint_errors
from trainers.models import Trainer, TrainerAvailability

from ..describe import describe_booking, describe_day, describe_span
from ..errors import SchedulingError
from ..models import Booking
from ._common import (
    AVAILABILITY_CONSTRAINTS,
    MAX_AVAILABILITY,
    check_span,
    check_weeks,
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


def _overlaps(window: TrainerAvailability) -> SchedulingError:
    return SchedulingError("availability_overlaps", window=describe_span(window.start_time, window.end_time))


def _check_window(start: datetime.datetime, end: datetime.datetime) -> None:
    check_span(start, end, longest=MAX_AVAILABILITY, too_long="availability_too_long")


def availability_create(
    *, trainer: Trainer, start_time: datetime.datetime, end_time: datetime.datetime
) -> TrainerAvailability:
    """Open a future window in which the trainer can be booked; it may not overlap their other windows."""
    _check_window(start_time, end_time)
    with transaction.atomic():
        trainer = lock_trainer(trainer, bookable=False)
        clash = _window_clash(trainer, start_time, end_time)
        if clash is not None:
            raise _overlaps(clash)
        with constraint_errors(AVAILABILITY_CONSTRAINTS, SchedulingError):
            return TrainerAvailability.objects.create(trainer=trainer, start_time=start_time, end_time=end_time)


def availability_create_weekly(
    *, trainer: Trainer, start_time: datetime.datetime, end_time: datetime.datetime, weeks: int
) -> list[TrainerAvailability]:
    """The same window every week for ``weeks`` weeks: all of them, or none when any week collides.

    Refused with ``availability_weeks_overlap``, whose ``weeks`` parameter lists the colliding week numbers.
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
        clashes: list[tuple[int, str]] = []
        for number, (start, end) in enumerate(spans, start=1):
            clash = next((w for w in existing if w.start_time < end and w.end_time > start), None)
            if clash is not None:
                line = SchedulingError(
                    "availability_week_overlaps",
                    number=number,
                    day=describe_day(start),
                    window=describe_span(clash.start_time, clash.end_time),
                )
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
    """Move or resize a window, unless a scheduled booking would be left outside the trainer's availability."""
    _check_window(start_time, end_time)
    with transaction.atomic():
        trainer, window = _lock_window(availability)
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
