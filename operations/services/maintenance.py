"""Equipment maintenance: reporting a problem and working it through to resolved; the equipment's status follows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.core.db import constraint_errors

from ..errors import SchedulingError
from ..models import Equipment, MaintenanceRecord
from ._common import MAINTENANCE_CONSTRAINTS, full_clean, lock, pk_of

MAINTENANCE_STATUSES = frozenset(MaintenanceRecord.Status.values)


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
