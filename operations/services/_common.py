"""What every scheduling service shares: limits, span checks, the locks in their order, clash checks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from clubsite.core.clock import club_time, club_zone
from members.models import Member
from trainers.models import Trainer, TrainerAvailability

from ..describe import describe_booking, describe_span
from ..errors import SchedulingError
from ..models import Booking, GroupClass, Room
from ..selectors import member_commitment_between

MAX_AVAILABILITY = datetime.timedelta(hours=16)
MAX_CLASS = datetime.timedelta(hours=8)
MAX_ROOM_BOOKING = datetime.timedelta(days=31)
PT_MIN = datetime.timedelta(minutes=30)
PT_MAX = datetime.timedelta(hours=3)
MAX_WEEKS = 52
# A series on weekdays runs for at most a year from its first day (up to 371 classes).
MAX_SERIES_DAYS = 366
MAX_PRICE = Decimal("99999999.99")
CENT = Decimal("0.01")

# Constraint (or trigger) name -> error code.
AVAILABILITY_CONSTRAINTS = {
    "trainers_traineravailability_no_overlap": "availability_overlaps_another",
    "trainers_traineravailability_end_after_start": "end_not_after_start",
}
BOOKING_CONSTRAINTS = {
    "operations_booking_room_no_overlap": "room_booked",
    "operations_booking_trainer_no_overlap": "trainer_booked",
    "operations_booking_end_after_start": "end_not_after_start",
    "operations_booking_room_or_trainer": "room_required",
    "operations_groupclass_capacity_positive": "class_capacity_invalid",
    "operations_groupclass_price_not_negative": "class_price_invalid",
    "operations_personaltrainingsession_price_not_negative": "class_price_invalid",
}
REGISTRATION_CONSTRAINTS = {
    "operations_classregistration_capacity": "class_full",
    "operations_classregistration_one_live_per_member": "already_registered",
}
ROOM_CONSTRAINTS = {
    "operations_room_name_key": "room_name_taken",
    "operations_room_capacity_positive": "room_capacity_invalid",
}
EQUIPMENT_CONSTRAINTS = {"operations_equipment_asset_tag_key": "asset_tag_taken"}
MAINTENANCE_CONSTRAINTS = {
    "operations_maintenancerecord_resolved_at_iff_resolved": "maintenance_resolved_at",
    "operations_maintenancerecord_resolved_after_reported": "maintenance_resolved_at",
}

ModelT = TypeVar("ModelT", bound=models.Model)


# ---------------------------------------------------------------------------------------------
# Checking times and fields
# ---------------------------------------------------------------------------------------------


def check_span(
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    *,
    future: bool = True,
    longest: datetime.timedelta | None = None,
    too_long: str = "",
) -> None:
    """Both times given, with a zone, the end after the start; in the future, and at most ``longest``
    (refused with the code ``too_long``) when asked."""
    if not isinstance(start, datetime.datetime) or not isinstance(end, datetime.datetime):
        raise SchedulingError("times_required")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise SchedulingError("times_need_zone")
    if end <= start:
        raise SchedulingError("end_not_after_start")
    if future and start <= timezone.now():
        raise SchedulingError("start_in_past")
    if longest is not None and end - start > longest:
        raise SchedulingError(too_long)


def check_weeks(weeks: object) -> int:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise SchedulingError("weeks_out_of_range")
    return weeks


def weekly_spans(
    start: datetime.datetime, end: datetime.datetime, weeks: int
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The span and its repeats, week after week, on the club's wall clock (09:00 stays 09:00 across a
    daylight-saving change)."""
    zone = club_zone()
    local_start = club_time(start).replace(tzinfo=None)
    local_end = club_time(end).replace(tzinfo=None)
    try:
        return [
            (
                timezone.make_aware(local_start + datetime.timedelta(weeks=week), zone),
                timezone.make_aware(local_end + datetime.timedelta(weeks=week), zone),
            )
            for week in range(weeks)
        ]
    except OverflowError as error:  # a week past 31 December 9999, the last day a datetime holds
        raise SchedulingError("weeks_past_calendar") from error


def full_clean(obj: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """Field checks only: relations were checked when locked, constraints are the database's job."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        fields = [name for name in getattr(error, "error_dict", {}) if name != "__all__"]
        raise SchedulingError(
            "invalid", field=fields[0] if len(fields) == 1 else None, details=" ".join(error.messages)
        ) from error


# ---------------------------------------------------------------------------------------------
# Locks, always in the order Member (by id), Trainer, GroupClass (docs/architecture.md)
# ---------------------------------------------------------------------------------------------


def pk_of(obj: models.Model | None, code: str) -> Any:
    pk = getattr(obj, "pk", None)
    if pk is None:
        raise SchedulingError(code)
    return pk


def lock(model: type[ModelT], pk: Any, code: str) -> ModelT:
    try:
        # get() drops the default ordering, so FOR UPDATE touches this one row only.
        return model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist as error:  # type: ignore[attr-defined]
        raise SchedulingError(code) from error


def lock_member(member: Member | None) -> Member:
    return lock(Member, pk_of(member, "member_required"), "member_required")


def lock_members(member_ids: Iterable[int]) -> None:
    """Lock these members' rows, in id order (and without the default ordering's join, which would lock
    their users too)."""
    ids = sorted(set(member_ids))
    if ids:
        list(Member.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def lock_trainer(trainer: Trainer | None, *, bookable: bool = True) -> Trainer:
    locked = lock(Trainer, pk_of(trainer, "trainer_required"), "trainer_required")
    if bookable and not locked.is_active:
        raise SchedulingError("trainer_inactive")
    return locked


def lock_class(group_class: GroupClass | None) -> GroupClass:
    pk = pk_of(group_class, "class_required")
    try:
        return GroupClass.objects.select_related("booking").select_for_update(of=("self",)).get(pk=pk)
    except GroupClass.DoesNotExist as error:
        raise SchedulingError("class_required") from error


def fresh_room(room: Room | None) -> Room:
    pk = pk_of(room, "room_required")
    try:
        return Room.objects.get(pk=pk)
    except Room.DoesNotExist as error:
        raise SchedulingError("room_required") from error


def fresh_room_or_none(room: Room | None) -> Room | None:
    return None if room is None else fresh_room(room)


# ---------------------------------------------------------------------------------------------
# Who is busy when
# ---------------------------------------------------------------------------------------------


def trainer_available(trainer: Trainer, start: datetime.datetime, end: datetime.datetime) -> bool:
    """Inside ONE window: a span across two back-to-back windows is refused, for classes as for sessions,
    so that deleting or moving a window can tell exactly which bookings rely on it."""
    return TrainerAvailability.objects.filter(trainer=trainer, start_time__lte=start, end_time__gte=end).exists()


def booking_clash(
    *,
    room: Room | None,
    trainer: Trainer | None,
    start: datetime.datetime,
    end: datetime.datetime,
    exclude_booking_id: int | None = None,
) -> SchedulingError | None:
    """The booking already holding the room or trainer, named, as the exclusion constraints would see it."""
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
            return SchedulingError("room_booked_by", booking=describe_booking(clash))
    if trainer is not None:
        clash = live.filter(trainer=trainer).first()
        if clash is not None:
            return SchedulingError("trainer_booked_by", booking=describe_booking(clash))
    return None


def member_clash(
    member: Member,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    exclude_session_id: int | None = None,
) -> SchedulingError | None:
    """The member's live class or scheduled PT session overlapping the span, described for them."""
    booking = member_commitment_between(
        member_id=member.pk, start=start, end=end, exclude_session_id=exclude_session_id
    )
    if booking is None:
        return None
    if booking.kind == Booking.Kind.GROUP_CLASS:
        return SchedulingError("member_busy", commitment=describe_booking(booking))
    trainer = f" with {booking.trainer}" if booking.trainer_id else ""
    when = describe_span(booking.start_time, booking.end_time)
    return SchedulingError("member_busy", commitment=f"personal training{trainer} {when}")
