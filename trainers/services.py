"""Writes of trainers' own rows: the weekly template's rows, and removing time off.

Applying the template and taking time off change availability windows, which bookings rely on: those are
``operations.services.availability``'s (``availability_apply_template``, ``time_off_create``).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from clubsite.core.db import constraint_errors

from .errors import TrainerError
from .models import TimeOff, Trainer, WeeklySlot

SLOT_CONSTRAINTS = {
    "trainers_weeklyslot_no_overlap": "slot_overlaps_another",
    "trainers_weeklyslot_end_after_start": "slot_end_not_after_start",
    "trainers_weeklyslot_weekday_valid": "slot_weekday_invalid",
}


def describe_slot(slot: WeeklySlot) -> str:
    """``Monday 09:00–12:00``."""
    return f"{slot.get_weekday_display()} {slot.start_time:%H:%M}–{slot.end_time:%H:%M}"


def _lock_trainer(trainer: Trainer | None) -> Trainer:
    # The same row the availability services lock, so a template is never changed while it is applied.
    pk = getattr(trainer, "pk", None)
    locked = Trainer.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if locked is None:
        raise TrainerError("trainer_required")
    return locked


def weekly_slot_add(
    *, trainer: Trainer, weekday: int, start_time: datetime.time | None, end_time: datetime.time | None
) -> WeeklySlot:
    """Add a row to the trainer's weekly template; it may not overlap another row of the same day."""
    if isinstance(weekday, bool) or weekday not in WeeklySlot.Weekday.values:
        raise TrainerError("slot_weekday_invalid")
    if not isinstance(start_time, datetime.time) or not isinstance(end_time, datetime.time):
        raise TrainerError("slot_times_required")
    if start_time.tzinfo is not None or end_time.tzinfo is not None:
        # A template row is a time of any day on the club's clock; an offset would mean a different hour in summer.
        raise TrainerError("slot_time_has_zone", field="start_time" if start_time.tzinfo is not None else "end_time")
    if end_time <= start_time:
        raise TrainerError("slot_end_not_after_start")
    with transaction.atomic():
        trainer = _lock_trainer(trainer)
        clash = (
            WeeklySlot.objects.filter(
                trainer=trainer, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
            )
            .order_by("start_time")
            .first()
        )
        if clash is not None:
            raise TrainerError("slot_overlaps", slot=describe_slot(clash))
        with constraint_errors(SLOT_CONSTRAINTS, TrainerError):
            return WeeklySlot.objects.create(trainer=trainer, weekday=weekday, start_time=start_time, end_time=end_time)


def weekly_slot_delete(*, slot: WeeklySlot) -> None:
    """Remove a row of the template; the windows it already made stay (remove those on their own)."""
    with transaction.atomic():
        trainer_id = WeeklySlot.objects.filter(pk=slot.pk).values_list("trainer_id", flat=True).first()
        if trainer_id is None:
            raise TrainerError("slot_gone")
        _lock_trainer(Trainer(pk=trainer_id))
        if not WeeklySlot.objects.filter(pk=slot.pk).delete()[0]:
            raise TrainerError("slot_gone")


def time_off_delete(*, time_off: TimeOff) -> None:
    """Cancel time off; the availability it removed is not put back (apply the template again for that)."""
    with transaction.atomic():
        trainer_id = TimeOff.objects.filter(pk=time_off.pk).values_list("trainer_id", flat=True).first()
        if trainer_id is None:
            raise TrainerError("time_off_gone")
        _lock_trainer(Trainer(pk=trainer_id))
        if not TimeOff.objects.filter(pk=time_off.pk).delete()[0]:
            raise TrainerError("time_off_gone")
