"""Every staff endpoint of operations called as every kind of caller: each staff role may do over the API
exactly what its permissions let it do in the admin (operations/tests/api_access.py), nobody else anything."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from billing.tests.api_access import API_ACCESS as BILLING_ACCESS
from clubsite.audit.tests.api_access import API_ACCESS as AUDIT_ACCESS
from clubsite.frontdesk.tests.api_access import API_ACCESS as FRONT_DESK_ACCESS
from clubsite.privacy.tests.api_access import API_ACCESS as PRIVACY_ACCESS
from clubsite.testing.api_roles import assert_each_caller_gets_what_its_role_allows, operations_of
from members.tests.factories import MemberFactory
from operations.tests.api_access import API_ACCESS
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    RoomFactory,
    local_time,
)
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/staff"


def test_every_staff_endpoint_has_an_entry_and_every_entry_an_endpoint():
    # clubsite/webhooks/tests/api_access.py, clubsite/jobs/tests/api_access.py, the front desk's and billing's (a
    # member's membership and credits, under /staff/members/{id}/), the audit trail's and the privacy app's hold these.
    elsewhere = (
        operations_of(PREFIX + "/webhooks/")
        | operations_of(PREFIX + "/jobs/")
        | set(FRONT_DESK_ACCESS)
        | set(BILLING_ACCESS)
        | set(AUDIT_ACCESS)
        | set(PRIVACY_ACCESS)
    )
    assert operations_of(PREFIX + "/", exclude=PREFIX + "/billing") - elsewhere == set(API_ACCESS)


def scene() -> dict[str, Any]:
    room = RoomFactory()
    equipment = EquipmentFactory(room=room)
    group_class = GroupClassFactory(booking__start_time=local_time(days=3, hour=9))
    # The class's trainer is available on the days the calls schedule or move classes.
    for days in (3, 5, 12):
        TrainerAvailabilityFactory(
            trainer=group_class.booking.trainer,
            start_time=local_time(days=days, hour=8),
            end_time=local_time(days=days, hour=18),
        )
    return {
        "room": room,
        "other_room": RoomFactory(),
        "equipment": equipment,
        "record": MaintenanceRecordFactory(equipment=equipment),
        "event": BookingFactory(room=room, start_time=local_time(days=2, hour=10)),
        "class": group_class,
        "registration": ClassRegistrationFactory(group_class=group_class),
        "member": MemberFactory(),
        "trainer": group_class.booking.trainer,
    }


def _class_body(s: dict[str, Any], **extra: Any) -> dict[str, Any]:
    start = local_time(days=5, hour=9)
    return {
        "name": "Spin",
        "trainer": s["trainer"].pk,
        "room": s["room"].pk,
        "start_time": start.isoformat(),
        "end_time": (start + datetime.timedelta(hours=1)).isoformat(),
        "capacity": 5,
        "price": "8.00",
        **extra,
    }


CALLS: dict[str, Callable[[dict[str, Any]], tuple[str, str, Any]]] = {
    "staff_room_list": lambda s: ("GET", "/staff/rooms", None),
    "staff_room_create": lambda s: ("POST", "/staff/rooms", {"name": "Loft", "capacity": 10}),
    "staff_room_update": lambda s: ("PUT", f"/staff/rooms/{s['room'].pk}", {"name": "Hall", "capacity": 30}),
    "staff_booking_list": lambda s: ("GET", "/staff/bookings", None),
    "staff_booking_create": lambda s: (
        "POST",
        "/staff/bookings",
        {
            "room": s["other_room"].pk,
            "kind": "closure",
            "title": "Painting",
            "start_time": local_time(days=4, hour=8).isoformat(),
            "end_time": local_time(days=4, hour=12).isoformat(),
        },
    ),
    "staff_booking_cancel": lambda s: ("DELETE", f"/staff/bookings/{s['event'].pk}", None),
    "staff_booking_move_room": lambda s: (
        "PUT",
        f"/staff/bookings/{s['class'].booking.pk}/room",
        {"room": s["other_room"].pk},
    ),
    "staff_equipment_list": lambda s: ("GET", "/staff/equipment", None),
    "staff_equipment_create": lambda s: (
        "POST",
        "/staff/equipment",
        {"room": s["room"].pk, "name": "Rower", "asset_tag": "NEW-1"},
    ),
    "staff_equipment_update": lambda s: (
        "PUT",
        f"/staff/equipment/{s['equipment'].pk}",
        {"room": s["room"].pk, "name": "Rower", "asset_tag": s["equipment"].asset_tag},
    ),
    "staff_maintenance_list": lambda s: ("GET", "/staff/maintenance", None),
    "staff_maintenance_create": lambda s: (
        "POST",
        "/staff/maintenance",
        {"equipment": s["equipment"].pk, "issue_description": "Squeaks"},
    ),
    "staff_maintenance_set_status": lambda s: (
        "PUT",
        f"/staff/maintenance/{s['record'].pk}/status",
        {"status": "in_progress"},
    ),
    "staff_class_list": lambda s: ("GET", "/staff/classes", None),
    "staff_class_create": lambda s: ("POST", "/staff/classes", _class_body(s)),
    "staff_class_create_weekly": lambda s: ("POST", "/staff/classes/weekly", _class_body(s, weeks=2)),
    "staff_class_create_series": lambda s: (
        "POST",
        "/staff/classes/series",
        _class_body(
            s,
            weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            until=local_time(days=6, hour=9).date().isoformat(),
            mode="what_fits",
        ),
    ),
    "staff_class_reschedule": lambda s: (
        "PUT",
        f"/staff/classes/{s['class'].pk}",
        {
            "room": s["other_room"].pk,
            "trainer": s["trainer"].pk,
            "start_time": s["class"].booking.start_time.isoformat(),
            "end_time": s["class"].booking.end_time.isoformat(),
        },
    ),
    "staff_class_cancel": lambda s: ("DELETE", f"/staff/classes/{s['class'].pk}", None),
    "staff_registration_list": lambda s: ("GET", "/staff/registrations", None),
    "staff_registration_create": lambda s: (
        "POST",
        "/staff/registrations",
        {"member": s["member"].pk, "group_class": s["class"].pk},
    ),
    "staff_registration_cancel": lambda s: ("DELETE", f"/staff/registrations/{s['registration'].pk}", None),
    "staff_member_search": lambda s: ("GET", "/staff/members", {"q": "a"}),
}


def test_every_entry_has_a_call():
    assert set(CALLS) == set(API_ACCESS)


@pytest.mark.parametrize("operation_id", sorted(API_ACCESS))
def test_each_caller_may_do_exactly_what_its_role_allows(operation_id: str):
    s = scene()
    method, path, body = CALLS[operation_id](s)
    assert_each_caller_gets_what_its_role_allows(method, path, body, API_ACCESS[operation_id])
