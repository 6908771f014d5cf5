"""Equipment and its maintenance: adding and changing equipment, reporting a problem and working it through to
resolved; the equipment's status follows its records."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.core.db import constraint_errors

from ..errors import SchedulingError
from ..models import Equipment, MaintenanceRecord, Room
from ._common import EQUIPMENT_CONSTRAINTS, MAINTENANCE_CONSTRAINTS, fresh_room, full_clean, lock, pk_of

MAINTENANCE_STATUSES = frozenset(MaintenanceRecord.Status.values)


def _equipment_fields(*, room: Room, name: str, asset_tag: str) -> dict[str, object]:
    name, asset_tag = (name or "").strip(), (asset_tag or "").strip()
    if not name:
        raise SchedulingError("equipment_name_required")
    if not asset_tag:
        raise SchedulingError("asset_tag_required")
    room = fresh_room(room)
    full_clean(Equipment(room=room, name=name, asset_tag=asset_tag), exclude=["room"])
    return {"room": room, "name": name, "asset_tag": asset_tag}


def _check_asset_tag_free(asset_tag: object, *, exclude_id: int | None = None) -> None:
    taken = Equipment.objects.filter(asset_tag=asset_tag)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise SchedulingError("asset_tag_taken")


def equipment_create(*, room: Room, name: str, asset_tag: str) -> Equipment:
    """Add a piece of equipment to a room; its asset tag is unique, and it starts working."""
    fields = _equipment_fields(room=room, name=name, asset_tag=asset_tag)
    with transaction.atomic():
        _check_asset_tag_free(fields["asset_tag"])
        with constraint_errors(EQUIPMENT_CONSTRAINTS, SchedulingError):
            return Equipment.objects.create(**fields)


def equipment_update(*, equipment: Equipment, room: Room, name: str, asset_tag: str) -> Equipment:
    """Rename, re-tag or move a piece of equipment; its status is left to its maintenance records."""
    fields = _equipment_fields(room=room, name=name, asset_tag=asset_tag)
    with transaction.atomic():
        locked = lock(Equipment, pk_of(equipment, "equipment_required"), "equipment_required")
        _check_asset_tag_free(fields["asset_tag"], exclude_id=locked.pk)
        for field, value in fields.items():
            setattr(locked, field, value)
        with constraint_errors(EQUIPMENT_CONSTRAINTS, SchedulingError):
            locked.save(update_fields=list(fields))
        return locked


def _sync_equipment_status(equipment: Equipment) -> None:
    statuses = set(
        equipment.maintenance_records.exclude(status=MaintenanceRecord.Status.RESOLVED)
        .values_list("status", flat=True)
        .distinct()
    )
    if MaintenanceRecord.Status.OPEN in statuses:
        status = Equipment.Status.BROKEN
    elif MaintenanceRecord.Status.IN_PROGRESS in statuses:
        status = Equipment.Status.IN_REPAIR
    else:
        status = Equipment.Status.WORKING
    if equipment.status != status:
        equipment.status = status
        equipment.save(update_fields=["status"])


def maintenance_record_create(
    *, equipment: Equipment, issue_description: str, reported_by: User | None = None
) -> MaintenanceRecord:
    """Report a problem with a piece of equipment, which is broken until the report is dealt with."""
    issue_description = (issue_description or "").strip()
    if not issue_description:
        raise SchedulingError("issue_required")
    with transaction.atomic():
        equipment = lock(Equipment, pk_of(equipment, "equipment_required"), "equipment_required")
        record = MaintenanceRecord(equipment=equipment, issue_description=issue_description, reported_by=reported_by)
        full_clean(record, exclude=["equipment", "reported_by"])
        with constraint_errors(MAINTENANCE_CONSTRAINTS, SchedulingError):
            record.save()
        _sync_equipment_status(equipment)
    return record


def maintenance_record_set_status(
    *, record: MaintenanceRecord, status: str, resolution_notes: str = ""
) -> MaintenanceRecord:
    """Move a record between open and in progress, or resolve it (with notes, for good); the equipment follows."""
    if status not in MAINTENANCE_STATUSES:
        raise SchedulingError("maintenance_status_invalid")
    resolution_notes = (resolution_notes or "").strip()
    if status == MaintenanceRecord.Status.RESOLVED and not resolution_notes:
        raise SchedulingError("resolution_notes_required")
    pk = pk_of(record, "maintenance_required")
    equipment_id = MaintenanceRecord.objects.filter(pk=pk).values_list("equipment_id", flat=True).first()
    if equipment_id is None:
        raise SchedulingError("maintenance_required")
    with transaction.atomic():
        # The equipment row first: its status is decided from all of its records.
        equipment = lock(Equipment, equipment_id, "equipment_required")
        current = lock(MaintenanceRecord, pk, "maintenance_required")
        if current.status == MaintenanceRecord.Status.RESOLVED:
            raise SchedulingError("maintenance_already_resolved")
        if current.status == status:
            raise SchedulingError("maintenance_same_status")
        current.status = status
        if status == MaintenanceRecord.Status.RESOLVED:
            current.resolved_at = timezone.now()
            current.resolution_notes = resolution_notes
        elif resolution_notes:
            current.resolution_notes = resolution_notes
        with constraint_errors(MAINTENANCE_CONSTRAINTS, SchedulingError):
            current.save(update_fields=["status", "resolved_at", "resolution_notes"])
        _sync_equipment_status(equipment)
    return current
