"""Who may call each staff endpoint of operations (/api/v1/staff): the roles whose permissions (operations.staff)
hold the permission the admin checks for the same change. Read by the API access matrix, which fails for an
endpoint missing here; ``test_api_roles`` calls each endpoint as each role."""

from __future__ import annotations

MAINTENANCE = frozenset({"maintenance", "manager", "superuser"})
FRONT_DESK = frozenset({"front_desk", "manager", "superuser"})
MANAGER = frozenset({"manager", "superuser"})

API_ACCESS: dict[str, frozenset[str]] = {
    # operations.*_room
    "staff_room_list": MAINTENANCE,
    "staff_room_create": MAINTENANCE,
    "staff_room_update": MAINTENANCE,
    # operations.*_booking (a class's booking is cancelled only with operations.change_groupclass, too)
    "staff_booking_list": FRONT_DESK,
    "staff_booking_create": FRONT_DESK,
    "staff_booking_cancel": FRONT_DESK,
    "staff_booking_move_room": FRONT_DESK,
    # operations.*_equipment
    "staff_equipment_list": MAINTENANCE,
    "staff_equipment_create": MAINTENANCE,
    "staff_equipment_update": MAINTENANCE,
    # operations.*_maintenancerecord
    "staff_maintenance_list": MAINTENANCE,
    "staff_maintenance_create": MAINTENANCE,
    "staff_maintenance_set_status": MAINTENANCE,
    # operations.view_groupclass; add_ and change_ only for the manager
    "staff_class_list": FRONT_DESK,
    "staff_class_create": MANAGER,
    "staff_class_create_weekly": MANAGER,
    "staff_class_create_series": MANAGER,
    "staff_class_reschedule": MANAGER,
    "staff_class_cancel": MANAGER,
    # operations.*_classregistration
    "staff_registration_list": FRONT_DESK,
    "staff_registration_create": FRONT_DESK,
    "staff_registration_cancel": FRONT_DESK,
    # members.view_member
    "staff_member_search": frozenset({"front_desk", "billing", "manager", "superuser"}),
}
