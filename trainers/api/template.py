"""The trainer's weekly template (rows, applying it to coming weeks) and time off.

The rules are the services': rows never overlap (``trainers.services``); applying makes what fits and lists the
windows in the way, and time off is refused while something is booked (``operations.services``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from clubsite.api.access import trainer_of
from clubsite.api.schemas import PROBLEMS
from operations import services
from trainers import selectors as trainer_reads
from trainers import services as trainer_services
from trainers.models import TimeOff, WeeklySlot
from trainers.portal import selectors

from .schemas import (
    AvailabilityWindowOut,
    TrainerTemplateAppliedOut,
    TrainerTemplateApplyIn,
    TrainerTemplateCollisionOut,
    TrainerTimeOffIn,
    TrainerTimeOffOut,
    TrainerTimeOffTakenOut,
    TrainerWeeklySlotIn,
    TrainerWeeklySlotOut,
)

router = Router(tags=["trainer"])


def _slot(slot: WeeklySlot) -> TrainerWeeklySlotOut:
    return TrainerWeeklySlotOut(
        id=slot.pk,
        weekday=slot.weekday,
        weekday_label=slot.get_weekday_display(),
        start_time=f"{slot.start_time:%H:%M}",
        end_time=f"{slot.end_time:%H:%M}",
    )


@router.get(
    "/availability/template",
    response={200: list[TrainerWeeklySlotOut], **PROBLEMS},
    operation_id="trainer_template_list",
    url_name="trainer_template_list",
    summary="The rows of your weekly template",
)
def trainer_template_list(request: HttpRequest) -> list[TrainerWeeklySlotOut]:
    """Monday first, each day's rows by start."""
    return [_slot(slot) for slot in selectors.weekly_template(trainer=trainer_of(request))]


@router.post(
    "/availability/template",
    response={201: TrainerWeeklySlotOut, **PROBLEMS},
    operation_id="trainer_template_slot_add",
    url_name="trainer_template_slot_add",
    summary="Add a row to your weekly template",
)
def trainer_template_slot_add(request: HttpRequest, payload: TrainerWeeklySlotIn) -> Status[TrainerWeeklySlotOut]:
    """A row overlapping another of the same day is a 409 ``slot_overlaps`` naming it; an end not after the start
    a 422 ``slot_end_not_after_start``."""
    slot = trainer_services.weekly_slot_add(
        trainer=trainer_of(request), weekday=payload.weekday, start_time=payload.start_time, end_time=payload.end_time
    )
    return Status(201, _slot(slot))


@router.post(
    "/availability/template/apply",
    response={200: TrainerTemplateAppliedOut, **PROBLEMS},
    operation_id="trainer_template_apply",
    url_name="trainer_template_apply",
    summary="Make your template's windows for the coming weeks",
)
def trainer_template_apply(request: HttpRequest, payload: TrainerTemplateApplyIn) -> TrainerTemplateAppliedOut:
    """Every row on each of its days from ``first_day`` for ``weeks`` weeks: the windows that fit are made, those
    overlapping a window you have are listed in ``collisions``, days of time off are skipped. An empty template
    is a 409 ``template_empty``; a first day before today a 422 ``template_start_in_past``."""
    applied = services.availability_apply_template(
        trainer=trainer_of(request), first_day=payload.first_day, weeks=payload.weeks
    )
    return TrainerTemplateAppliedOut(
        first_day=applied.first_day,
        last_day=applied.last_day,
        created=[AvailabilityWindowOut.model_validate(window) for window in applied.created],
        collisions=[
            TrainerTemplateCollisionOut(
                start_time=collision.start,
                end_time=collision.end,
                existing=AvailabilityWindowOut.model_validate(collision.existing),
                message=collision.message,
            )
            for collision in applied.collisions
        ],
        days_off=applied.days_off,
    )


@router.delete(
    "/availability/template/{slot_id}",
    response={204: None, **PROBLEMS},
    operation_id="trainer_template_slot_delete",
    url_name="trainer_template_slot_delete",
    summary="Remove a row of your weekly template",
)
def trainer_template_slot_delete(request: HttpRequest, slot_id: int) -> Status[None]:
    """The windows it already made stay. Another trainer's row is a 404."""
    slot = get_object_or_404(trainer_reads.trainer_weekly_slots(trainer=trainer_of(request)), pk=slot_id)
    trainer_services.weekly_slot_delete(slot=slot)
    return Status(204, None)


def _time_off(time_off: TimeOff) -> TrainerTimeOffOut:
    return TrainerTimeOffOut(
        id=time_off.pk, first_day=time_off.first_day, last_day=time_off.last_day, note=time_off.note
    )


@router.get(
    "/time-off",
    response={200: list[TrainerTimeOffOut], **PROBLEMS},
    operation_id="trainer_time_off_list",
    url_name="trainer_time_off_list",
    summary="Your coming time off",
)
def trainer_time_off_list(request: HttpRequest) -> list[TrainerTimeOffOut]:
    """Time off that has not ended, soonest first."""
    return [_time_off(item) for item in selectors.time_off_list(trainer=trainer_of(request))]


@router.post(
    "/time-off",
    response={201: TrainerTimeOffTakenOut, **PROBLEMS},
    operation_id="trainer_time_off_create",
    url_name="trainer_time_off_create",
    summary="Take time off",
)
def trainer_time_off_create(request: HttpRequest, payload: TrainerTimeOffIn) -> Status[TrainerTimeOffTakenOut]:
    """The club days from ``first_day`` to ``last_day``, both included: your free availability in them is removed
    or cut at their edges. While classes, sessions or events are booked with you then, a 409 ``time_off_booked``
    names them; overlapping other time off, a 409 ``time_off_overlaps``."""
    taken = services.time_off_create(
        trainer=trainer_of(request), first_day=payload.first_day, last_day=payload.last_day, note=payload.note
    )
    return Status(
        201,
        TrainerTimeOffTakenOut(
            time_off=_time_off(taken.time_off), windows_removed=taken.windows_removed, windows_cut=taken.windows_cut
        ),
    )


@router.delete(
    "/time-off/{time_off_id}",
    response={204: None, **PROBLEMS},
    operation_id="trainer_time_off_delete",
    url_name="trainer_time_off_delete",
    summary="Cancel time off",
)
def trainer_time_off_delete(request: HttpRequest, time_off_id: int) -> Status[None]:
    """The availability it removed is not put back (apply your template again). Another trainer's is a 404."""
    time_off = get_object_or_404(trainer_reads.trainer_time_off(trainer=trainer_of(request)), pk=time_off_id)
    trainer_services.time_off_delete(time_off=time_off)
    return Status(204, None)
