"""Operations services and reads added for the back office: rooms, open maintenance and the rooms' day."""

import datetime

import pytest
from django.utils import timezone

from clubsite.testing.errors import refused, span_text
from operations import selectors, services
from operations.models import Booking, MaintenanceRecord, Room
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)

pytestmark = pytest.mark.django_db


class TestRoomCreateAndUpdate:
    def test_a_room_is_created_with_its_name_trimmed(self):
        room = services.room_create(name="  Annex ", location=" Yard ", capacity=8)

        assert (room.name, room.location, room.capacity) == ("Annex", "Yard", 8)

    @pytest.mark.parametrize(
        ("name", "capacity", "code"),
        [
            ("", 8, "room_name_required"),
            ("Annex", 0, "room_capacity_invalid"),
            ("Annex", -3, "room_capacity_invalid"),
            ("Annex", "8", "room_capacity_invalid"),
            ("Annex", True, "room_capacity_invalid"),
            ("x" * 81, 8, "invalid"),
        ],
    )
    def test_bad_input_is_refused(self, name, capacity, code):
        with refused(code):
            services.room_create(name=name, capacity=capacity)

        assert not Room.objects.exists()

    def test_names_are_unique_regardless_of_case(self):
        RoomFactory(name="Annex")
        other = RoomFactory(name="Garden")

        with refused("room_name_taken"):
            services.room_create(name="ANNEX", capacity=4)
        with refused("room_name_taken"):
            services.room_update(room=other, name="annex", capacity=4)

    def test_a_room_shrinks_to_its_largest_upcoming_class_and_no_further(self):
        room = RoomFactory(capacity=30)
        biggest = GroupClassFactory(name="HIIT", capacity=20, booking__room=room)
        GroupClassFactory(name="Yoga", capacity=12, booking__room=room, booking__start_time=local_time(days=2, hour=9))
        GroupClassFactory(  # cancelled classes and past ones do not count
            capacity=25,
            booking__room=room,
            booking__status=Booking.Status.CANCELLED,
            booking__start_time=local_time(days=3, hour=9),
        )
        GroupClassFactory(
            capacity=28,
            booking__room=room,
            booking__start_time=timezone.now() - datetime.timedelta(days=2),
        )

        services.room_update(room=room, name=room.name, capacity=20)
        with refused(
            "room_capacity_below_classes",
            room=room.name,
            capacity=20,
            classes=f"HIIT {span_text(biggest.booking.start_time, biggest.booking.end_time)} (20 places)",
        ):
            services.room_update(room=room, name=room.name, capacity=19)

        room.refresh_from_db()
        assert room.capacity == 20

    def test_a_room_gone_meanwhile(self):
        room = RoomFactory()
        Room.objects.filter(pk=room.pk).delete()

        with refused("room_required"):
            services.room_update(room=room, name="Annex", capacity=4)


class TestReads:
    def test_open_maintenance_lists_unresolved_records_oldest_first(self, django_assert_num_queries):
        first = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="One")
        second = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Two")
        services.maintenance_record_set_status(record=second, status=MaintenanceRecord.Status.IN_PROGRESS)
        done = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Three")
        services.maintenance_record_set_status(record=done, status="resolved", resolution_notes="Done")

        with django_assert_num_queries(1):
            records = [(r, r.equipment.room.name) for r in selectors.open_maintenance()]

        assert [record for record, _room in records] == [first, second]

    def test_the_rooms_day_in_two_queries(self, django_assert_num_queries):
        day = timezone.localdate() + datetime.timedelta(days=1)
        for hour in (9, 12):
            ClassRegistrationFactory(group_class__booking__start_time=local_time(days=1, hour=hour))
            PersonalTrainingSessionFactory(booking__start_time=local_time(days=1, hour=hour))
        PersonalTrainingSessionFactory(booking__room=None, booking__start_time=local_time(days=1, hour=15))
        overnight = BookingFactory(
            kind=Booking.Kind.CLOSURE,
            start_time=local_time(days=0, hour=22),
            end_time=local_time(days=1, hour=6),
        )

        with django_assert_num_queries(2):
            rooms, bookings = selectors.room_day(day=day)
            labels = [str(getattr(b, "group_class", None) or getattr(b, "pt_session", None) or b) for b in bookings]

        assert len(bookings) == 5  # two classes, two sessions in rooms, and the closure running into the day
        assert overnight in bookings
        assert len(labels) == 5
        assert len(rooms) == Room.objects.count()
