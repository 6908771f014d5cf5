"""What the staff endpoints share: the rows as the schemas give them back, and a cancellation's outcome."""

from __future__ import annotations

from typing import Any

from django.db import models

from billing.services import Settlement
from operations.describe import booking_label, related_or_none
from operations.events import Cancelled
from operations.models import Booking, ClassRegistration, Equipment, GroupClass, MaintenanceRecord, Room

from .schemas import (
    StaffBookingOut,
    StaffClassOut,
    StaffEquipmentOut,
    StaffEquipmentRef,
    StaffMaintenanceOut,
    StaffRef,
    StaffRegistrationClass,
    StaffRegistrationOut,
    StaffSettlementOut,
)


def found(model: type[models.Model], pk: int | None) -> Any:
    """The row a request refers to by id, or None, so that the service refuses it with its own code
    (``room_required``, ``member_required``...) as it would a choice gone from a form. (Typed Any: the services
    are declared for the row, and check for its absence themselves.)"""
    if pk is None:
        return None
    return model._default_manager.filter(pk=pk).first()


def ref(obj: Any) -> StaffRef | None:
    return None if obj is None else StaffRef(id=obj.pk, name=str(obj))


def room_ref(room: Room | None) -> StaffRef | None:
    return None if room is None else StaffRef(id=room.pk, name=room.name)


def booking_out(booking: Booking) -> StaffBookingOut:
    """Load ``room``, ``trainer__user``, ``group_class`` and ``pt_session__member__user`` with it."""
    group_class = related_or_none(booking, "group_class")
    session = related_or_none(booking, "pt_session")
    return StaffBookingOut(
        id=booking.pk,
        kind=booking.kind,
        title=booking.title,
        label=booking_label(booking, with_member=True),
        room=room_ref(booking.room),
        trainer=ref(booking.trainer),
        start_time=booking.start_time,
        end_time=booking.end_time,
        status=booking.status,
        created_at=booking.created_at,
        group_class_id=group_class.pk if group_class is not None else None,
        pt_session_id=session.pk if session is not None else None,
    )


def settlement_of(outcome: Cancelled[Any]) -> StaffSettlementOut | None:
    settlement = outcome.effect(Settlement)
    if settlement is None:
        return None
    return StaffSettlementOut(removed=settlement.removed, credited=settlement.credited, summary=str(settlement))


def effects_of(outcome: Cancelled[Any]) -> list[str]:
    """What the admin reports after a cancellation: each effect that did something, in words."""
    return [str(effect) for effect in outcome.effects if effect]


def equipment_out(equipment: Equipment, open_issues: int) -> StaffEquipmentOut:
    return StaffEquipmentOut(
        id=equipment.pk,
        name=equipment.name,
        asset_tag=equipment.asset_tag,
        room=StaffRef(id=equipment.room.pk, name=equipment.room.name),
        status=equipment.status,
        open_issues=open_issues,
    )


def maintenance_out(record: MaintenanceRecord) -> StaffMaintenanceOut:
    """Load ``equipment__room`` and ``reported_by`` with it."""
    equipment = record.equipment
    return StaffMaintenanceOut(
        id=record.pk,
        equipment=StaffEquipmentRef(id=equipment.pk, name=equipment.name, asset_tag=equipment.asset_tag),
        room=StaffRef(id=equipment.room.pk, name=equipment.room.name),
        issue_description=record.issue_description,
        status=record.status,
        reported_at=record.reported_at,
        reported_by=record.reported_by.get_full_name() if record.reported_by is not None else None,
        resolved_at=record.resolved_at,
        resolution_notes=record.resolution_notes,
    )


def class_out(group_class: GroupClass) -> StaffClassOut:
    """Read with ``operations.selectors.timetable_rows`` (seat counts, room, trainer)."""
    booking = group_class.booking
    return StaffClassOut(
        id=group_class.pk,
        name=group_class.name,
        description=group_class.description,
        level=GroupClass.Level(group_class.level),
        capacity=group_class.capacity,
        price=group_class.price,
        series=group_class.series,
        status=booking.status,
        start_time=booking.start_time,
        end_time=booking.end_time,
        room=room_ref(booking.room),
        trainer=ref(booking.trainer),
        seated_count=group_class.seated_count,
        waitlist_count=group_class.waitlist_count,
    )


def registration_out(registration: ClassRegistration, waitlist_place: int | None) -> StaffRegistrationOut:
    """Load ``member__user`` and ``group_class__booking__room`` with it."""
    group_class = registration.group_class
    booking = group_class.booking
    return StaffRegistrationOut(
        id=registration.pk,
        member=StaffRef(id=registration.member.pk, name=str(registration.member)),
        group_class=StaffRegistrationClass(
            id=group_class.pk, name=group_class.name, start_time=booking.start_time, room=room_ref(booking.room)
        ),
        status=registration.status,
        registered_at=registration.registered_at,
        waitlist_place=waitlist_place,
    )
