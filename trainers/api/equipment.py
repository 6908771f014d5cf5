"""Equipment, and reporting a problem with it: it shows as broken until staff deal with it."""

from django.http import HttpRequest
from ninja import Router, Status

from clubsite.api.access import trainer_of
from clubsite.api.schemas import PROBLEMS
from operations import services
from operations.models import Equipment, MaintenanceRecord
from trainers.portal import selectors

from .schemas import TrainerEquipmentIssueIn, TrainerEquipmentIssueOut, TrainerEquipmentOut

router = Router(tags=["trainer"])


def _equipment(item: Equipment) -> TrainerEquipmentOut:
    return TrainerEquipmentOut(
        id=item.pk, name=item.name, asset_tag=item.asset_tag, room=item.room.name, status=item.status
    )


@router.get(
    "/equipment",
    response={200: list[TrainerEquipmentOut], **PROBLEMS},
    operation_id="trainer_equipment_list",
    url_name="trainer_equipment_list",
    summary="The club's equipment, by room",
)
def trainer_equipment_list(request: HttpRequest) -> list[TrainerEquipmentOut]:
    """Every piece of equipment, rooms and items in name order, as the issue form offers them."""
    trainer_of(request)
    return [_equipment(item) for _room, items in selectors.equipment_by_room() for item in items]


@router.post(
    "/equipment-issues",
    response={201: TrainerEquipmentIssueOut, **PROBLEMS},
    operation_id="trainer_equipment_issue_create",
    url_name="trainer_equipment_issue_create",
    summary="Report a problem with equipment",
)
def trainer_equipment_issue_create(
    request: HttpRequest, payload: TrainerEquipmentIssueIn
) -> Status[TrainerEquipmentIssueOut]:
    """The equipment is broken until staff deal with it. An unknown equipment id is a 422 on ``equipment``; an
    empty description a 422 ``issue_required``."""
    trainer_of(request)
    equipment = Equipment.objects.select_related("room").filter(pk=payload.equipment).first()
    record: MaintenanceRecord = services.maintenance_record_create(
        equipment=equipment,  # type: ignore[arg-type]  # None: the service refuses it with equipment_required
        issue_description=payload.issue_description,
        reported_by=request.user,  # type: ignore[arg-type]
    )
    assert equipment is not None  # the service refused a missing one
    # The service's row holds the status the report gave it; the room is the one read above.
    equipment.status = record.equipment.status
    return Status(
        201,
        TrainerEquipmentIssueOut(
            id=record.pk,
            equipment=_equipment(equipment),
            issue_description=record.issue_description,
            status=record.status,
            reported_at=record.reported_at,
        ),
    )
