"""Rooms, bookings, equipment and maintenance over the staff API: the admin's services and refusals, the rows
they leave, and the queries each list costs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from clubsite.testing.api import ApiClient
from clubsite.testing.jobs import run_jobs
from clubsite.testing.roles import staff_user
from operations.errors import SchedulingError
from operations.models import Booking, ClassRegistration, Equipment, MaintenanceRecord, Room
from operations.services._common import EQUIPMENT_CONSTRAINTS
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
# The equipment admin's inline of maintenance records, with nothing in it.
NO_RECORDS = {"maintenance_records-TOTAL_FORMS": "0", "maintenance_records-INITIAL_FORMS": "0"}


def staff_api(role: str, **kwargs) -> ApiClient:
    return ApiClient(staff_user(role), **kwargs)


def problem_of(response) -> tuple[int, str, str | None]:
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    return response.status_code, body["code"], body["field"]


def warmed(api: ApiClient, path: str) -> ApiClient:
    """A token's first use also records when it was used; later calls (within a minute) do not."""
    assert api.get(path).status_code == 200
    return api


# ---------------------------------------------------------------------------------------------
# Rooms
# ---------------------------------------------------------------------------------------------


class TestRooms:
    @pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
    def test_maintenance_adds_a_room(self, session):
        response = staff_api("maintenance", session=session).post(
            "/staff/rooms", {"name": " Loft ", "location": "Top floor", "capacity": 12}
        )

        assert response.status_code == 201, response.content
        room = Room.objects.get()
        assert (room.name, room.location, room.capacity) == ("Loft", "Top floor", 12)
        assert response.json() == {
            "id": room.pk,
            "name": "Loft",
            "location": "Top floor",
            "capacity": 12,
            "equipment_count": 0,
            "open_issues": 0,
        }

    def test_a_name_in_use_is_a_conflict_on_the_name(self):
        RoomFactory(name="Loft")

        response = staff_api("maintenance").post("/staff/rooms", {"name": "loft", "capacity": 12})

        assert problem_of(response) == (409, "room_name_taken", "name")
        assert Room.objects.count() == 1

    def test_a_room_cannot_shrink_below_an_upcoming_class(self):
        group_class = GroupClassFactory(capacity=15, booking__room__capacity=20)
        room = group_class.booking.room

        response = staff_api("maintenance").put(f"/staff/rooms/{room.pk}", {"name": room.name, "capacity": 10})

        assert problem_of(response) == (409, "room_capacity_below_classes", "capacity")
        room.refresh_from_db()
        assert room.capacity == 20

    def test_a_room_is_renamed(self):
        room = RoomFactory(name="Studio", capacity=20)

        response = staff_api("manager").put(f"/staff/rooms/{room.pk}", {"name": "Hall", "capacity": 25})

        assert response.status_code == 200
        room.refresh_from_db()
        assert (room.name, room.capacity) == ("Hall", 25)

    def test_an_unknown_room_is_404(self):
        response = staff_api("manager").put("/staff/rooms/999999", {"name": "Hall", "capacity": 25})

        assert problem_of(response) == (404, "not_found", None)

    def test_the_list_counts_equipment_and_open_issues_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("maintenance"), "/staff/rooms")
        MaintenanceRecordFactory()
        with django_assert_num_queries(5):  # token, permissions (user's, groups'), count, rooms
            api.get("/staff/rooms")
        for _ in range(3):
            MaintenanceRecordFactory(equipment=EquipmentFactory())

        with django_assert_num_queries(5):
            response = api.get("/staff/rooms")

        assert [(room["equipment_count"], room["open_issues"]) for room in response.json()["items"]] == [(1, 1)] * 4


# ---------------------------------------------------------------------------------------------
# Bookings
# ---------------------------------------------------------------------------------------------


def a_day_of_bookings(hour: int) -> None:
    """A class with a registration, a PT session and an event, each in its own room, tomorrow."""
    ClassRegistrationFactory(group_class__booking__start_time=local_time(days=1, hour=hour))
    PersonalTrainingSessionFactory(booking__start_time=local_time(days=1, hour=hour), booking__room=RoomFactory())
    BookingFactory(start_time=local_time(days=1, hour=hour), title=f"Talk at {hour}")


class TestBookings:
    def test_the_front_desk_closes_a_room(self):
        room = RoomFactory()
        start = local_time(days=2, hour=8)

        response = staff_api("front_desk").post(
            "/staff/bookings",
            {"room": room.pk, "kind": "closure", "title": "Painting", "start_time": start, "end_time": start + HOUR},
        )

        assert response.status_code == 201, response.content
        booking = Booking.objects.get()
        assert (booking.room, booking.kind, booking.title, booking.start_time) == (room, "closure", "Painting", start)
        assert response.json()["label"] == "Painting"

    def test_a_room_taken_is_a_conflict_naming_what_holds_it(self):
        event = BookingFactory(title="Open day")

        response = staff_api("front_desk").post(
            "/staff/bookings",
            {
                "room": event.room.pk,
                "title": "Talk",
                "start_time": event.start_time,
                "end_time": event.end_time,
            },
        )

        assert problem_of(response) == (409, "room_booked_by", "room")
        assert "Open day" in response.json()["detail"]
        assert Booking.objects.count() == 1

    def test_a_missing_room_is_refused_on_the_room(self):
        start = local_time(days=2, hour=8)

        response = staff_api("front_desk").post(
            "/staff/bookings", {"room": 999999, "title": "Talk", "start_time": start, "end_time": start + HOUR}
        )

        assert problem_of(response) == (422, "room_required", "room")

    def test_a_time_without_a_zone_is_refused(self):
        room = RoomFactory()

        response = staff_api("front_desk").post(
            "/staff/bookings",
            {"room": room.pk, "title": "Talk", "start_time": "2031-01-01T10:00", "end_time": "2031-01-01T11:00"},
        )

        assert problem_of(response) == (422, "times_need_zone", "start_time")

    def test_cancelling_an_event_keeps_it_cancelled_and_bills_nothing(self):
        event = BookingFactory()

        response = staff_api("front_desk").delete(f"/staff/bookings/{event.pk}")

        assert response.status_code == 200, response.content
        event.refresh_from_db()
        assert event.status == Booking.Status.CANCELLED
        assert response.json()["settlement"] == {"removed": 0, "credited": 0, "summary": "nothing had been billed"}
        assert response.json()["effects"] == []

    def test_cancelling_twice_is_a_conflict(self):
        event = BookingFactory(status=Booking.Status.CANCELLED)

        response = staff_api("front_desk").delete(f"/staff/bookings/{event.pk}")

        assert problem_of(response) == (409, "booking_already_cancelled", None)

    def test_cancelling_a_sessions_booking_cancels_the_session_and_settles_its_bill(self):
        session = PersonalTrainingSessionFactory()
        draft = InvoiceFactory(member=session.member)
        InvoiceLineFactory(invoice=draft, kind="pt", pt_session=session, unit_price=Decimal("40.00"))

        response = staff_api("front_desk").delete(f"/staff/bookings/{session.booking.pk}")

        assert response.status_code == 200, response.content
        session.booking.refresh_from_db()
        assert session.booking.status == Booking.Status.CANCELLED
        assert not draft.lines.exists()
        body = response.json()
        assert body["settlement"]["removed"] == 1
        assert body["effects"] == ["1 unpaid line(s) removed from draft invoices"]

    def test_the_front_desk_may_not_cancel_a_class_through_its_booking_a_manager_may(self):
        registration = ClassRegistrationFactory()
        booking = registration.group_class.booking

        refused = staff_api("front_desk").delete(f"/staff/bookings/{booking.pk}")

        assert refused.status_code == 403
        assert refused.json()["code"] == "class_cancel_not_allowed"
        booking.refresh_from_db()
        assert booking.status == Booking.Status.SCHEDULED

        done = staff_api("manager").delete(f"/staff/bookings/{booking.pk}")

        assert done.status_code == 200
        registration.refresh_from_db()
        assert registration.status == ClassRegistration.Status.CANCELLED

    def test_a_class_moves_to_another_room_at_the_same_time(self, mailoutbox):
        window = TrainerAvailabilityFactory()
        registration = ClassRegistrationFactory(
            group_class__booking__trainer=window.trainer, group_class__booking__start_time=window.start_time
        )
        booking = registration.group_class.booking
        start, room = booking.start_time, RoomFactory()

        response = staff_api("front_desk").put(f"/staff/bookings/{booking.pk}/room", {"room": room.pk})
        run_jobs()

        assert response.status_code == 200, response.content
        booking.refresh_from_db()
        assert (booking.room, booking.start_time) == (room, start)
        assert response.json()["room"] == {"id": room.pk, "name": room.name}
        assert len(mailoutbox) == 1

    def test_an_event_is_not_moved_but_booked_again(self):
        event = BookingFactory()

        response = staff_api("front_desk").put(f"/staff/bookings/{event.pk}/room", {"room": RoomFactory().pk})

        assert problem_of(response) == (409, "events_move_by_rebooking", None)

    def test_moving_into_a_taken_room_is_a_conflict(self):
        window = TrainerAvailabilityFactory()
        booking = GroupClassFactory(booking__trainer=window.trainer, booking__start_time=window.start_time).booking
        other = BookingFactory(start_time=booking.start_time, title="Open day")

        response = staff_api("front_desk").put(f"/staff/bookings/{booking.pk}/room", {"room": other.room.pk})

        assert problem_of(response) == (409, "room_booked_by", "room")
        booking.refresh_from_db()
        assert booking.room != other.room

    def test_the_list_filters_by_room_kind_status_and_days(self):
        room = RoomFactory()
        tomorrow = BookingFactory(room=room, start_time=local_time(days=1, hour=9))
        later = BookingFactory(room=room, kind=Booking.Kind.CLOSURE, start_time=local_time(days=3, hour=9))
        cancelled = BookingFactory(room=room, start_time=local_time(days=4, hour=9), status="cancelled")
        elsewhere = BookingFactory(start_time=local_time(days=1, hour=9))
        api = staff_api("front_desk")
        day = tomorrow.start_time.date()

        def ids(**query):
            response = api.get("/staff/bookings", **query)
            assert response.status_code == 200, response.content
            return [booking["id"] for booking in response.json()["items"]]

        assert ids(room=room.pk) == [tomorrow.pk, later.pk, cancelled.pk]
        assert ids(kind="closure") == [later.pk]
        assert ids(status="cancelled") == [cancelled.pk]
        assert set(ids(starts_from=day, starts_to=day)) == {tomorrow.pk, elsewhere.pk}
        assert api.get("/staff/bookings", kind="party").status_code == 422

    def test_the_list_is_paged_at_most_100(self):
        api = staff_api("front_desk")
        for hour in (9, 10, 11):
            BookingFactory(start_time=local_time(days=1, hour=hour))

        page = api.get("/staff/bookings", limit=2, offset=1).json()

        assert page["count"] == 3
        assert len(page["items"]) == 2
        assert problem_of(api.get("/staff/bookings", limit=101))[:2] == (422, "invalid")

    def test_the_list_names_a_sessions_member_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("front_desk"), "/staff/bookings")
        a_day_of_bookings(9)
        # token, permissions (2), count, page, the sessions' members
        with django_assert_num_queries(6):
            api.get("/staff/bookings")
        for hour in (11, 13, 15):
            a_day_of_bookings(hour)

        with django_assert_num_queries(6):
            response = api.get("/staff/bookings")

        labels = [booking["label"] for booking in response.json()["items"]]
        assert len(labels) == 12
        assert sum(label.startswith("Personal training with ") for label in labels) == 4


# ---------------------------------------------------------------------------------------------
# Equipment and maintenance
# ---------------------------------------------------------------------------------------------


class TestEquipment:
    def test_maintenance_adds_equipment_that_starts_working(self):
        room = RoomFactory()

        response = staff_api("maintenance").post(
            "/staff/equipment", {"room": room.pk, "name": "Rower", "asset_tag": " EQ-1 "}
        )

        assert response.status_code == 201, response.content
        equipment = Equipment.objects.get()
        assert (equipment.room, equipment.name, equipment.asset_tag, equipment.status) == (
            room,
            "Rower",
            "EQ-1",
            "working",
        )

    def test_an_asset_tag_in_use_is_a_conflict_on_the_tag(self):
        taken = EquipmentFactory(asset_tag="EQ-1")
        other = EquipmentFactory()

        response = staff_api("maintenance").put(
            f"/staff/equipment/{other.pk}", {"room": other.room.pk, "name": other.name, "asset_tag": "EQ-1"}
        )

        assert problem_of(response) == (409, "asset_tag_taken", "asset_tag")
        other.refresh_from_db()
        assert other.asset_tag != taken.asset_tag

    def test_equipment_moves_room_and_keeps_its_status(self):
        equipment = EquipmentFactory(status=Equipment.Status.BROKEN)
        room = RoomFactory()

        response = staff_api("maintenance").put(
            f"/staff/equipment/{equipment.pk}", {"room": room.pk, "name": "Rower", "asset_tag": equipment.asset_tag}
        )

        assert response.status_code == 200
        equipment.refresh_from_db()
        assert (equipment.room, equipment.name, equipment.status) == (room, "Rower", "broken")

    def test_a_blank_name_is_refused_on_the_name(self):
        response = staff_api("maintenance").post(
            "/staff/equipment", {"room": RoomFactory().pk, "name": " ", "asset_tag": "EQ-1"}
        )

        assert problem_of(response) == (422, "equipment_name_required", "name")
        assert not Equipment.objects.exists()

    def test_the_list_filters_by_room_and_status_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("maintenance"), "/staff/equipment")
        room = RoomFactory()
        broken = MaintenanceRecordFactory(equipment__room=room).equipment
        broken.status = Equipment.Status.BROKEN
        broken.save()
        working = EquipmentFactory(room=room)
        EquipmentFactory()
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/equipment")
        for _ in range(3):
            MaintenanceRecordFactory()

        with django_assert_num_queries(5):
            everything = api.get("/staff/equipment").json()

        assert everything["count"] == 6
        in_room = api.get("/staff/equipment", room=room.pk).json()["items"]
        assert {item["id"]: item["open_issues"] for item in in_room} == {broken.pk: 1, working.pk: 0}
        assert [item["id"] for item in api.get("/staff/equipment", status="broken").json()["items"]] == [broken.pk]


class TestEquipmentBothDoors:
    """The admin saves equipment through the same services, so it refuses the same things in the same words."""

    def test_the_admin_adds_equipment_through_the_service(self, admin_client):
        room = RoomFactory()
        EquipmentFactory(asset_tag="EQ-1")
        add = reverse("admin:operations_equipment_add")

        refused = admin_client.post(add, {"name": "Rower", "asset_tag": "EQ-1", "room": room.pk, **NO_RECORDS})
        added = admin_client.post(add, {"name": "Rower", "asset_tag": "EQ-2", "room": room.pk, **NO_RECORDS})

        assert SchedulingError("asset_tag_taken").message in refused.content.decode()
        assert added.status_code == 302
        assert Equipment.objects.filter(asset_tag="EQ-2", room=room).exists()

    def test_the_admin_changes_equipment_through_the_service(self, admin_client):
        equipment = EquipmentFactory(status=Equipment.Status.BROKEN)
        room = RoomFactory()
        change = reverse("admin:operations_equipment_change", args=[equipment.pk])

        response = admin_client.post(
            change, {"name": "Bike", "asset_tag": equipment.asset_tag, "room": room.pk, **NO_RECORDS}
        )

        assert response.status_code == 302, response.content
        equipment.refresh_from_db()
        assert (equipment.name, equipment.room, equipment.status) == ("Bike", room, Equipment.Status.BROKEN)

    def test_the_database_guard_of_a_unique_tag_is_the_one_mapped_to_its_code(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [next(iter(EQUIPMENT_CONSTRAINTS))])
            assert cursor.fetchone() is not None


class TestMaintenance:
    def test_reporting_an_issue_breaks_the_equipment_and_names_the_reporter(self):
        equipment = EquipmentFactory()
        user = staff_user("maintenance", first_name="Max", last_name="Fixer")

        response = ApiClient(user).post(
            "/staff/maintenance", {"equipment": equipment.pk, "issue_description": "Belt slips"}
        )

        assert response.status_code == 201, response.content
        record = MaintenanceRecord.objects.get()
        assert (record.reported_by, record.status) == (user, "open")
        equipment.refresh_from_db()
        assert equipment.status == Equipment.Status.BROKEN
        assert response.json()["reported_by"] == "Max Fixer"

    def test_an_issue_needs_a_description(self):
        response = staff_api("maintenance").post(
            "/staff/maintenance", {"equipment": EquipmentFactory().pk, "issue_description": ""}
        )

        assert problem_of(response) == (422, "issue_required", "issue_description")

    def test_work_moves_the_record_and_the_equipment_follows(self):
        record = MaintenanceRecordFactory()
        api = staff_api("maintenance")

        started = api.put(f"/staff/maintenance/{record.pk}/status", {"status": "in_progress"})
        record.equipment.refresh_from_db()
        assert (started.status_code, record.equipment.status) == (200, Equipment.Status.IN_REPAIR)

        unresolved = api.put(f"/staff/maintenance/{record.pk}/status", {"status": "resolved"})
        assert problem_of(unresolved) == (422, "resolution_notes_required", "resolution_notes")

        resolved = api.put(
            f"/staff/maintenance/{record.pk}/status", {"status": "resolved", "resolution_notes": "New belt"}
        )

        assert resolved.status_code == 200
        record.refresh_from_db()
        record.equipment.refresh_from_db()
        assert (record.status, record.resolution_notes) == ("resolved", "New belt")
        assert record.resolved_at is not None
        assert record.equipment.status == Equipment.Status.WORKING
        again = api.put(f"/staff/maintenance/{record.pk}/status", {"status": "open"})
        assert problem_of(again) == (409, "maintenance_already_resolved", None)

    def test_the_list_filters_by_status_in_a_fixed_number_of_queries(self, django_assert_num_queries):
        api = warmed(staff_api("maintenance"), "/staff/maintenance")
        open_record = MaintenanceRecordFactory(reported_by=staff_user("maintenance"))
        reported = timezone.now() - HOUR
        done = MaintenanceRecordFactory(
            status="resolved", resolution_notes="Fixed", reported_at=reported, resolved_at=reported + HOUR / 2
        )
        with django_assert_num_queries(5):  # token, permissions (2), count, page
            api.get("/staff/maintenance")
        for _ in range(3):
            MaintenanceRecordFactory(reported_by=staff_user("maintenance"))

        with django_assert_num_queries(5):
            assert api.get("/staff/maintenance").json()["count"] == 5

        resolved = api.get("/staff/maintenance", status="resolved").json()["items"]
        assert [record["id"] for record in resolved] == [done.pk]
        assert open_record.pk in [r["id"] for r in api.get("/staff/maintenance", status="open").json()["items"]]
