"""The database's own guards, tried directly (ORM or plain SQL), with no service in the way."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.utils import timezone

from clubsite.core.db import violated_constraint
from members.tests.factories import MemberFactory
from operations.models import Booking, ClassRegistration, GroupClass, MaintenanceRecord
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

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@contextmanager
def violates(constraint: str):
    """The block is refused by the database, naming ``constraint``; the test's transaction lives on."""
    with pytest.raises((IntegrityError, InternalError)) as error, transaction.atomic():
        yield
    assert violated_constraint(error.value) == constraint


class TestBookingOverlap:
    def test_a_room_cannot_be_double_booked(self):
        first = BookingFactory()

        with violates("operations_booking_room_no_overlap"):
            BookingFactory(room=first.room, start_time=first.start_time + HOUR / 2, end_time=first.end_time + HOUR)

        assert Booking.objects.count() == 1

    def test_a_class_and_a_session_share_the_room_calendar(self):
        group_class = GroupClassFactory()

        with violates("operations_booking_room_no_overlap"):
            PersonalTrainingSessionFactory(
                booking__room=group_class.booking.room,
                booking__start_time=group_class.booking.start_time,
                booking__end_time=group_class.booking.end_time,
            )

    def test_a_trainer_cannot_be_in_two_places(self):
        first = GroupClassFactory()

        with violates("operations_booking_trainer_no_overlap"):
            BookingFactory(
                room=RoomFactory(),
                trainer=first.booking.trainer,
                kind=Booking.Kind.PERSONAL_TRAINING,
                start_time=first.booking.start_time - HOUR / 2,
                end_time=first.booking.start_time + HOUR / 2,
            )

    def test_an_online_session_still_takes_the_trainer(self):
        first = PersonalTrainingSessionFactory(booking__room=None)

        with violates("operations_booking_trainer_no_overlap"):
            BookingFactory(
                room=None,
                trainer=first.booking.trainer,
                kind=Booking.Kind.PERSONAL_TRAINING,
                start_time=first.booking.start_time,
                end_time=first.booking.end_time,
            )

    def test_back_to_back_is_allowed_for_room_and_trainer(self):
        first = GroupClassFactory()

        BookingFactory(
            room=first.booking.room,
            trainer=first.booking.trainer,
            kind=Booking.Kind.GROUP_CLASS,
            start_time=first.booking.end_time,
            end_time=first.booking.end_time + HOUR,
        )
        BookingFactory(
            room=first.booking.room,
            trainer=first.booking.trainer,
            kind=Booking.Kind.GROUP_CLASS,
            start_time=first.booking.start_time - HOUR,
            end_time=first.booking.start_time,
        )

        assert Booking.objects.count() == 3

    def test_different_rooms_and_trainers_may_overlap(self):
        first = GroupClassFactory()

        GroupClassFactory(booking__start_time=first.booking.start_time)

        assert Booking.objects.count() == 2

    def test_cancelled_bookings_are_ignored(self):
        first = GroupClassFactory(booking__status=Booking.Status.CANCELLED)

        BookingFactory(
            room=first.booking.room,
            trainer=first.booking.trainer,
            start_time=first.booking.start_time,
            end_time=first.booking.end_time,
        )
        BookingFactory(
            room=first.booking.room,
            start_time=first.booking.start_time,
            end_time=first.booking.end_time,
            status=Booking.Status.CANCELLED,
        )

        assert Booking.objects.count() == 3

    def test_reviving_a_cancelled_booking_into_a_taken_slot_is_refused(self):
        cancelled = BookingFactory(status=Booking.Status.CANCELLED)
        BookingFactory(room=cancelled.room)

        with violates("operations_booking_room_no_overlap"):
            Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.SCHEDULED)

    def test_moving_into_a_taken_slot_is_refused(self):
        first = BookingFactory()
        second = BookingFactory(room=first.room, start_time=first.end_time, end_time=first.end_time + HOUR)

        with violates("operations_booking_room_no_overlap"):
            Booking.objects.filter(pk=second.pk).update(start_time=first.start_time)

    def test_completed_bookings_still_hold_their_slot(self):
        first = BookingFactory(status=Booking.Status.COMPLETED)

        with violates("operations_booking_room_no_overlap"):
            BookingFactory(room=first.room)


class TestBookingChecks:
    @pytest.mark.parametrize("length", [datetime.timedelta(0), -HOUR], ids=["zero", "negative"])
    def test_the_end_is_after_the_start(self, length):
        start = local_time(days=1, hour=10)

        with violates("operations_booking_end_after_start"):
            BookingFactory(start_time=start, end_time=start + length)

    def test_a_booking_needs_a_room_or_a_trainer(self):
        with violates("operations_booking_room_or_trainer"):
            BookingFactory(room=None, trainer=None)


class TestValueChecks:
    def test_a_room_holds_someone(self):
        with violates("operations_room_capacity_positive"):
            RoomFactory(capacity=0)

    def test_a_class_has_a_seat(self):
        with violates("operations_groupclass_capacity_positive"):
            GroupClassFactory(capacity=0)

    def test_a_class_price_is_not_negative(self):
        with violates("operations_groupclass_price_not_negative"):
            GroupClassFactory(price=Decimal("-1.00"))

    def test_a_session_price_is_not_negative(self):
        with violates("operations_personaltrainingsession_price_not_negative"):
            PersonalTrainingSessionFactory(price=Decimal("-0.01"))


class TestMaintenanceRecordChecks:
    def test_resolved_needs_resolved_at(self):
        with violates("operations_maintenancerecord_resolved_at_iff_resolved"):
            MaintenanceRecordFactory(status=MaintenanceRecord.Status.RESOLVED, resolved_at=None)

    @pytest.mark.parametrize("status", [MaintenanceRecord.Status.OPEN, MaintenanceRecord.Status.IN_PROGRESS])
    def test_unresolved_has_no_resolved_at(self, status):
        with violates("operations_maintenancerecord_resolved_at_iff_resolved"):
            MaintenanceRecordFactory(status=status, reported_at=timezone.now() - HOUR, resolved_at=timezone.now())

    def test_reopening_must_clear_resolved_at(self):
        record = MaintenanceRecordFactory(
            status=MaintenanceRecord.Status.RESOLVED, reported_at=timezone.now() - HOUR, resolved_at=timezone.now()
        )

        with violates("operations_maintenancerecord_resolved_at_iff_resolved"):
            MaintenanceRecord.objects.filter(pk=record.pk).update(status=MaintenanceRecord.Status.OPEN)

    def test_not_resolved_before_reported(self):
        now = timezone.now()

        with violates("operations_maintenancerecord_resolved_after_reported"):
            MaintenanceRecordFactory(
                equipment=EquipmentFactory(),
                reported_at=now,
                status=MaintenanceRecord.Status.RESOLVED,
                resolved_at=now - HOUR,
            )

    def test_a_resolved_record_is_fine(self):
        MaintenanceRecordFactory(
            status=MaintenanceRecord.Status.RESOLVED, reported_at=timezone.now() - HOUR, resolved_at=timezone.now()
        )

        assert MaintenanceRecord.objects.count() == 1


class TestOneLiveRegistration:
    @pytest.mark.parametrize(
        "second_status", [ClassRegistration.Status.REGISTERED, ClassRegistration.Status.WAITLISTED]
    )
    def test_a_second_live_registration_is_refused(self, second_status):
        first = ClassRegistrationFactory(group_class__capacity=5)

        with violates("operations_classregistration_one_live_per_member"):
            ClassRegistrationFactory(member=first.member, group_class=first.group_class, status=second_status)

    def test_cancelled_registrations_do_not_count(self):
        first = ClassRegistrationFactory(status=ClassRegistration.Status.CANCELLED)
        ClassRegistrationFactory(
            member=first.member, group_class=first.group_class, status=ClassRegistration.Status.CANCELLED
        )

        ClassRegistrationFactory(member=first.member, group_class=first.group_class)

        assert ClassRegistration.objects.count() == 3

    def test_reviving_a_cancelled_registration_next_to_a_live_one_is_refused(self):
        cancelled = ClassRegistrationFactory(status=ClassRegistration.Status.CANCELLED)
        ClassRegistrationFactory(member=cancelled.member, group_class=cancelled.group_class)

        with violates("operations_classregistration_one_live_per_member"):
            ClassRegistration.objects.filter(pk=cancelled.pk).update(status=ClassRegistration.Status.WAITLISTED)


def insert_registration(*, member_id: int, group_class_id: int, status: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO operations_classregistration (member_id, group_class_id, registered_at, status)"
            " VALUES (%s, %s, now(), %s)",
            [member_id, group_class_id, status],
        )


class TestCapacityTrigger:
    def full_class(self, capacity: int = 2) -> GroupClass:
        group_class = GroupClassFactory(capacity=capacity)
        ClassRegistrationFactory.create_batch(capacity - 1, group_class=group_class)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.ATTENDED)
        return group_class

    def test_a_plain_sql_insert_over_capacity_is_refused(self):
        group_class = self.full_class()
        member = MemberFactory()

        with violates("operations_classregistration_capacity"):
            insert_registration(
                member_id=member.pk, group_class_id=group_class.pk, status=ClassRegistration.Status.REGISTERED
            )

        assert group_class.registrations.count() == 2

    def test_an_attended_insert_also_needs_a_seat(self):
        group_class = self.full_class()

        with violates("operations_classregistration_capacity"):
            insert_registration(
                member_id=MemberFactory().pk, group_class_id=group_class.pk, status=ClassRegistration.Status.ATTENDED
            )

    def test_the_last_seat_can_be_taken_by_plain_sql(self):
        group_class = GroupClassFactory(capacity=2)
        ClassRegistrationFactory(group_class=group_class)

        insert_registration(
            member_id=MemberFactory().pk, group_class_id=group_class.pk, status=ClassRegistration.Status.REGISTERED
        )

        assert group_class.registrations.filter(status=ClassRegistration.Status.REGISTERED).count() == 2

    def test_waitlisted_and_cancelled_rows_need_no_seat(self):
        group_class = self.full_class()

        insert_registration(
            member_id=MemberFactory().pk, group_class_id=group_class.pk, status=ClassRegistration.Status.WAITLISTED
        )
        insert_registration(
            member_id=MemberFactory().pk, group_class_id=group_class.pk, status=ClassRegistration.Status.CANCELLED
        )

        assert group_class.registrations.count() == 4

    def test_promoting_from_the_waitlist_into_a_full_class_is_refused(self):
        group_class = self.full_class()
        waiting = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        with violates("operations_classregistration_capacity"):
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE operations_classregistration SET status = 'registered' WHERE id = %s", [waiting.pk]
                )

    def test_moving_a_seat_into_a_full_class_is_refused(self):
        group_class = self.full_class()
        elsewhere = ClassRegistrationFactory()

        with violates("operations_classregistration_capacity"):
            ClassRegistration.objects.filter(pk=elsewhere.pk).update(group_class=group_class)

    def test_a_seated_member_marked_attended_keeps_their_seat(self):
        group_class = self.full_class()

        updated = group_class.registrations.filter(status=ClassRegistration.Status.REGISTERED).update(
            status=ClassRegistration.Status.ATTENDED
        )

        assert updated == 1
        assert group_class.registrations.filter(status=ClassRegistration.Status.ATTENDED).count() == 2
