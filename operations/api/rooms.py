"""Rooms, the bookings of the one calendar (events, closures, cancelling, moving rooms), equipment and its
maintenance: the staff admin's pages, with the same permissions and the same services."""


from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from clubsite.core.clock import day_bounds
from clubsite.core.dates import ClubDate
from operations import selectors, services
from operations.models import Booking, Equipment, MaintenanceRecord, PersonalTrainingSession, Room

from ._common import booking_out, effects_of, equipment_out, found, maintenance_out, settlement_of
from .schemas import (
    StaffBookingCancelledOut,
    StaffBookingOut,
    StaffEquipmentIn,
    StaffEquipmentOut,
    StaffMaintenanceIn,
    StaffMaintenanceOut,
    StaffMaintenanceStatusIn,
    StaffMoveRoomIn,
    StaffRoomBookingIn,
    StaffRoomIn,
    StaffRoomOut,
)

router = Router()


# -- rooms ------------------------------------------------------------------------------------


def _room_out(room: Room) -> StaffRoomOut:
    return StaffRoomOut(
        id=room.pk,
        name=room.name,
        location=room.location,
        capacity=room.capacity,
        equipment_count=room.equipment_count,  # type: ignore[attr-defined]
        open_issues=room.open_issues,  # type: ignore[attr-defined]
    )


def _room(pk: int) -> StaffRoomOut:
    return _room_out(selectors.rooms_with_open_issues().get(pk=pk))


@router.get(
    "/rooms",
    response={200: list[StaffRoomOut], **PROBLEMS},
    operation_id="staff_room_list",
    url_name="staff_room_list",
    summary="Rooms, with their equipment and open issues",
)
@paginate(LimitOffsetPagination)
def room_list(request: HttpRequest):
    """Every room by name, as the admin's room list shows it. Needs ``operations.view_room``."""
    require_staff(request, "operations.view_room")
    return Converted(selectors.rooms_with_open_issues(), _room_out)


@router.post(
    "/rooms",
    response={201: StaffRoomOut, **PROBLEMS},
    operation_id="staff_room_create",
    url_name="staff_room_create",
    summary="Add a room",
)
def room_create(request: HttpRequest, payload: StaffRoomIn) -> Status[StaffRoomOut]:
    """A room's name is unique, regardless of case (``room_name_taken``). Needs ``operations.add_room``."""
    require_staff(request, "operations.add_room")
    room = services.room_create(**payload.dict())
    return Status(201, _room(room.pk))


@router.put(
    "/rooms/{room_id}",
    response={200: StaffRoomOut, **PROBLEMS},
    operation_id="staff_room_update",
    url_name="staff_room_update",
    summary="Rename or resize a room",
)
def room_update(request: HttpRequest, room_id: int, payload: StaffRoomIn) -> StaffRoomOut:
    """A room cannot shrink below an upcoming class in it (``room_capacity_below_classes``).
    Needs ``operations.change_room``."""
    require_staff(request, "operations.change_room")
    room = get_object_or_404(Room, pk=room_id)
    services.room_update(room=room, **payload.dict())
    return _room(room.pk)


# -- bookings ---------------------------------------------------------------------------------


def _bookings():
    # As the admin's calendar: a session's member in a small query of its own (prefetched, not joined).
    sessions = PersonalTrainingSession.objects.select_related("member__user")
    return Booking.objects.select_related("room", "trainer__user", "group_class").prefetch_related(
        Prefetch("pt_session", sessions)
    )


def _booking(pk: int) -> StaffBookingOut:
    return booking_out(_bookings().get(pk=pk))


@router.get(
    "/bookings",
    response={200: list[StaffBookingOut], **PROBLEMS},
    operation_id="staff_booking_list",
    url_name="staff_booking_list",
    summary="The calendar of bookings",
)
@paginate(LimitOffsetPagination)
def booking_list(
    request: HttpRequest,
    room: int | None = None,
    starts_from: ClubDate | None = None,
    starts_to: ClubDate | None = None,
    kind: Booking.Kind | None = None,
    status: Booking.Status | None = None,
):
    """Every booking (classes, PT sessions, events, closures) in time order; ``starts_from`` and ``starts_to``
    are club days, both included. Needs ``operations.view_booking``."""
    require_staff(request, "operations.view_booking")
    bookings = _bookings().order_by("start_time", "id")
    if room is not None:
        bookings = bookings.filter(room_id=room)
    if starts_from is not None:
        bookings = bookings.filter(start_time__gte=day_bounds(starts_from)[0])
    if starts_to is not None:
        bookings = bookings.filter(start_time__lt=day_bounds(starts_to)[1])
    if kind is not None:
        bookings = bookings.filter(kind=kind)
    if status is not None:
        bookings = bookings.filter(status=status)
    return Converted(bookings, booking_out)


@router.post(
    "/bookings",
    response={201: StaffBookingOut, **PROBLEMS},
    operation_id="staff_booking_create",
    url_name="staff_booking_create",
    summary="Book a room for an event, or close it",
)
def booking_create(request: HttpRequest, payload: StaffRoomBookingIn) -> Status[StaffBookingOut]:
    """Refused while anything else holds the room (``room_booked_by``, 409). Classes and sessions are booked
    through their own endpoints. Needs ``operations.add_booking``."""
    require_staff(request, "operations.add_booking")
    data = payload.dict()
    booking = services.room_booking_create(room=found(Room, data.pop("room")), **data)
    return Status(201, _booking(booking.pk))


@router.delete(
    "/bookings/{booking_id}",
    response={200: StaffBookingCancelledOut, **PROBLEMS},
    operation_id="staff_booking_cancel",
    url_name="staff_booking_cancel",
    summary="Cancel a booking (a class or session with it)",
)
def booking_cancel(request: HttpRequest, booking_id: int) -> StaffBookingCancelledOut:
    """The booking is kept, cancelled. A class's booking cancels the class (only for who may change classes),
    a session's the session; what was billed for them is settled, as ``settlement`` says.
    Needs ``operations.change_booking`` (and ``operations.change_groupclass`` for a class)."""
    staff = require_staff(request, "operations.change_booking")
    booking = get_object_or_404(Booking, pk=booking_id)
    outcome = services.booking_cancel_by(user=staff, booking=booking)
    return StaffBookingCancelledOut(
        booking=_booking(booking.pk),
        promoted=[registration.pk for registration in outcome.promoted],
        settlement=settlement_of(outcome),
        effects=effects_of(outcome),
    )


@router.put(
    "/bookings/{booking_id}/room",
    response={200: StaffBookingOut, **PROBLEMS},
    operation_id="staff_booking_move_room",
    url_name="staff_booking_move_room",
    summary="Move a class or session to another room",
)
def booking_move_room(request: HttpRequest, booking_id: int, payload: StaffMoveRoomIn) -> StaffBookingOut:
    """Same time, another room, with the checks of moving the class or session; an event or closure is moved
    by cancelling it and booking again (``events_move_by_rebooking``). Needs ``operations.change_booking``."""
    require_staff(request, "operations.change_booking")
    booking = get_object_or_404(Booking, pk=booking_id)
    services.booking_move_room(booking=booking, room=found(Room, payload.room))
    return _booking(booking.pk)


# -- equipment --------------------------------------------------------------------------------


def _equipment():
    unresolved = ~Q(maintenance_records__status=MaintenanceRecord.Status.RESOLVED)
    return Equipment.objects.select_related("room").annotate(open_count=Count("maintenance_records", filter=unresolved))


def _equipment_one(pk: int) -> StaffEquipmentOut:
    equipment = _equipment().get(pk=pk)
    return equipment_out(equipment, equipment.open_count)  # type: ignore[attr-defined]


@router.get(
    "/equipment",
    response={200: list[StaffEquipmentOut], **PROBLEMS},
    operation_id="staff_equipment_list",
    url_name="staff_equipment_list",
    summary="Equipment, with its status and open issues",
)
@paginate(LimitOffsetPagination)
def equipment_list(request: HttpRequest, room: int | None = None, status: Equipment.Status | None = None):
    """By room and name. Needs ``operations.view_equipment``."""
    require_staff(request, "operations.view_equipment")
    equipment = _equipment().order_by("room__name", "name", "id")
    if room is not None:
        equipment = equipment.filter(room_id=room)
    if status is not None:
        equipment = equipment.filter(status=status)
    return Converted(equipment, lambda item: equipment_out(item, item.open_count))


@router.post(
    "/equipment",
    response={201: StaffEquipmentOut, **PROBLEMS},
    operation_id="staff_equipment_create",
    url_name="staff_equipment_create",
    summary="Add equipment to a room",
)
def equipment_create(request: HttpRequest, payload: StaffEquipmentIn) -> Status[StaffEquipmentOut]:
    """Its asset tag is unique (``asset_tag_taken``); it starts working. Needs ``operations.add_equipment``."""
    require_staff(request, "operations.add_equipment")
    data = payload.dict()
    equipment = services.equipment_create(room=found(Room, data.pop("room")), **data)
    return Status(201, _equipment_one(equipment.pk))


@router.put(
    "/equipment/{equipment_id}",
    response={200: StaffEquipmentOut, **PROBLEMS},
    operation_id="staff_equipment_update",
    url_name="staff_equipment_update",
    summary="Rename, re-tag or move equipment",
)
def equipment_update(request: HttpRequest, equipment_id: int, payload: StaffEquipmentIn) -> StaffEquipmentOut:
    """Its status follows its maintenance records and is not changed here. Needs ``operations.change_equipment``."""
    require_staff(request, "operations.change_equipment")
    equipment = get_object_or_404(Equipment, pk=equipment_id)
    data = payload.dict()
    services.equipment_update(equipment=equipment, room=found(Room, data.pop("room")), **data)
    return _equipment_one(equipment.pk)


# -- maintenance ------------------------------------------------------------------------------


def _records():
    return MaintenanceRecord.objects.select_related("equipment__room", "reported_by")


@router.get(
    "/maintenance",
    response={200: list[StaffMaintenanceOut], **PROBLEMS},
    operation_id="staff_maintenance_list",
    url_name="staff_maintenance_list",
    summary="Maintenance records",
)
@paginate(LimitOffsetPagination)
def maintenance_list(
    request: HttpRequest, status: MaintenanceRecord.Status | None = None, equipment: int | None = None
):
    """Newest report first. Needs ``operations.view_maintenancerecord``."""
    require_staff(request, "operations.view_maintenancerecord")
    records = _records().order_by("-reported_at", "-id")
    if status is not None:
        records = records.filter(status=status)
    if equipment is not None:
        records = records.filter(equipment_id=equipment)
    return Converted(records, maintenance_out)


@router.post(
    "/maintenance",
    response={201: StaffMaintenanceOut, **PROBLEMS},
    operation_id="staff_maintenance_create",
    url_name="staff_maintenance_create",
    summary="Report an issue with equipment",
)
def maintenance_create(request: HttpRequest, payload: StaffMaintenanceIn) -> Status[StaffMaintenanceOut]:
    """The equipment is broken until the record is dealt with; you are its reporter.
    Needs ``operations.add_maintenancerecord``."""
    require_staff(request, "operations.add_maintenancerecord")
    record = services.maintenance_record_create(
        equipment=found(Equipment, payload.equipment),
        issue_description=payload.issue_description,
        reported_by=request.user,  # type: ignore[arg-type]
    )
    return Status(201, maintenance_out(_records().get(pk=record.pk)))


@router.put(
    "/maintenance/{record_id}/status",
    response={200: StaffMaintenanceOut, **PROBLEMS},
    operation_id="staff_maintenance_set_status",
    url_name="staff_maintenance_set_status",
    summary="Move a maintenance record: open, in progress, resolved",
)
def maintenance_set_status(
    request: HttpRequest, record_id: int, payload: StaffMaintenanceStatusIn
) -> StaffMaintenanceOut:
    """Resolving needs ``resolution_notes`` and is for good (``maintenance_already_resolved``); the equipment's
    status follows. Needs ``operations.change_maintenancerecord``."""
    require_staff(request, "operations.change_maintenancerecord")
    record = get_object_or_404(MaintenanceRecord, pk=record_id)
    services.maintenance_record_set_status(record=record, **payload.dict())
    return maintenance_out(_records().get(pk=record.pk))
