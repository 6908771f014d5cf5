import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from clubsite.testing.errors import refused
from operations import selectors, services
from operations.models import Booking, ClassRegistration, GroupClass
from operations.selectors import class_timetable, trainer_free_slots, waitlist_position
from operations.tests.factories import (
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    local_time,
)
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


class TestClassTimetable:
    def test_scheduled_classes_in_range_with_seats_and_waitlist_in_two_queries(self, django_assert_num_queries):
        full = GroupClassFactory(capacity=1, booking__start_time=local_time(days=1, hour=9))
        ClassRegistrationFactory(group_class=full)
        ClassRegistrationFactory(group_class=full, status=ClassRegistration.Status.WAITLISTED)
        roomy = GroupClassFactory(capacity=5, booking__start_time=local_time(days=2, hour=9))
        ClassRegistrationFactory(group_class=roomy, status=ClassRegistration.Status.ATTENDED)
        ClassRegistrationFactory(group_class=roomy, status=ClassRegistration.Status.CANCELLED)
        GroupClassFactory(booking__start_time=local_time(days=1, hour=12), booking__status=Booking.Status.CANCELLED)
        GroupClassFactory(booking__start_time=local_time(days=9, hour=9))

        with django_assert_num_queries(2):
            rows = [
                (c.pk, c.seats_left, c.waitlist_count, c.booking.room.name, str(c.booking.trainer))
                for c in class_timetable(start=timezone.now(), end=timezone.now() + datetime.timedelta(days=7))
            ]

        assert [(pk, seats, waiting) for pk, seats, waiting, _room, _trainer in rows] == [
            (full.pk, 0, 1),
            (roomy.pk, 4, 0),
        ]


class TestTrainerFreeSlots:
    def test_slots_inside_availability_minus_bookings_in_two_queries(self, django_assert_num_queries):
        trainer = TrainerFactory()
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=1, hour=8), end_time=local_time(days=1, hour=12)
        )
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=1, hour=14), end_time=local_time(days=1, hour=16)
        )
        PersonalTrainingSessionFactory(
            booking__trainer=trainer,
            booking__start_time=local_time(days=1, hour=9),
            booking__end_time=local_time(days=1, hour=9, minute=45),
        )
        PersonalTrainingSessionFactory(
            booking__trainer=trainer,
            booking__start_time=local_time(days=1, hour=14),
            booking__end_time=local_time(days=1, hour=15),
            booking__status=Booking.Status.CANCELLED,
        )
        # Another trainer's booking does not take this trainer's time.
        PersonalTrainingSessionFactory(
            booking__start_time=local_time(days=1, hour=10), booking__end_time=local_time(days=1, hour=11)
        )

        with django_assert_num_queries(2):
            slots = trainer_free_slots(
                trainer=trainer, day=timezone.localdate() + datetime.timedelta(days=1), duration=HOUR
            )

        assert [(timezone.localtime(s.start).time(), timezone.localtime(s.end).time()) for s in slots] == [
            (datetime.time(8), datetime.time(9)),
            (datetime.time(9, 45), datetime.time(10, 45)),
            (datetime.time(10, 45), datetime.time(11, 45)),
            (datetime.time(14), datetime.time(15)),
            (datetime.time(15), datetime.time(16)),
        ]

    def test_a_finer_step(self):
        trainer = TrainerFactory()
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=1, hour=8), end_time=local_time(days=1, hour=10)
        )

        slots = trainer_free_slots(
            trainer=trainer,
            day=timezone.localdate() + datetime.timedelta(days=1),
            duration=HOUR,
            step=datetime.timedelta(minutes=30),
        )

        assert [timezone.localtime(s.start).time() for s in slots] == [
            datetime.time(8),
            datetime.time(8, 30),
            datetime.time(9),
        ]

    def test_past_slots_and_other_days_are_left_out(self):
        trainer = TrainerFactory()
        now = timezone.now()
        TrainerAvailabilityFactory(trainer=trainer, start_time=now - 2 * HOUR, end_time=now + 3 * HOUR)

        slots = trainer_free_slots(trainer=trainer, day=timezone.localdate(), duration=HOUR)

        assert all(slot.start > now and slot.end <= now + 3 * HOUR for slot in slots)
        assert all(timezone.localtime(slot.start).date() == timezone.localdate() for slot in slots)
        assert (
            trainer_free_slots(trainer=trainer, day=timezone.localdate() + datetime.timedelta(days=3), duration=HOUR)
            == []
        )

    def test_no_window_no_slots_and_an_inactive_trainer_has_none(self, django_assert_num_queries):
        window = TrainerAvailabilityFactory(trainer__is_active=False)
        idle = TrainerFactory()
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)

        with django_assert_num_queries(0):
            assert trainer_free_slots(trainer=window.trainer, day=tomorrow, duration=HOUR) == []
        with django_assert_num_queries(1):
            assert trainer_free_slots(trainer=idle, day=tomorrow, duration=HOUR) == []


class TestWaitlistPosition:
    def test_position_by_registration_time_then_id_in_one_query(self, django_assert_num_queries):
        group_class = GroupClassFactory(capacity=1)
        ClassRegistrationFactory(group_class=group_class)
        now = timezone.now()
        third = ClassRegistrationFactory(
            group_class=group_class, status=ClassRegistration.Status.WAITLISTED, registered_at=now
        )
        first = ClassRegistrationFactory(
            group_class=group_class, status=ClassRegistration.Status.WAITLISTED, registered_at=now - HOUR
        )
        second = ClassRegistrationFactory(
            group_class=group_class, status=ClassRegistration.Status.WAITLISTED, registered_at=now - HOUR
        )
        ClassRegistrationFactory(
            group_class=group_class, status=ClassRegistration.Status.CANCELLED, registered_at=now - 2 * HOUR
        )
        # Someone waiting for another class is not ahead of anyone here.
        ClassRegistrationFactory(status=ClassRegistration.Status.WAITLISTED, registered_at=now - 3 * HOUR)

        with django_assert_num_queries(3):
            positions = [waitlist_position(registration=r) for r in (first, second, third)]

        assert positions == [1, 2, 3]

    def test_none_unless_waitlisted_without_a_query(self, django_assert_num_queries):
        registration = ClassRegistrationFactory()

        with django_assert_num_queries(0):
            assert waitlist_position(registration=registration) is None


class TestOneRuleEach:
    def test_seat_counts_read_the_same_on_classes_and_on_their_bookings(self):
        group_class = GroupClassFactory(capacity=2)
        ClassRegistrationFactory(group_class=group_class)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.ATTENDED)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.CANCELLED)
        session_booking = PersonalTrainingSessionFactory().booking

        counted_class = selectors.with_seat_counts(GroupClass.objects.filter(pk=group_class.pk)).get()
        counted = {b.pk: (b.seated_count, b.waitlist_count) for b in selectors.with_seat_counts(Booking.objects.all())}

        assert (counted_class.seated_count, counted_class.waitlist_count, counted_class.seats_left) == (2, 1, 0)
        assert counted == {group_class.booking_id: (2, 1), session_booking.pk: (0, 0)}

    def test_live_registrations_are_seats_and_waitlist_places(self):
        live = {
            ClassRegistrationFactory(status=status).pk
            for status in (ClassRegistration.Status.REGISTERED, ClassRegistration.Status.WAITLISTED)
        }
        for status in (ClassRegistration.Status.CANCELLED, ClassRegistration.Status.ATTENDED):
            ClassRegistrationFactory(status=status)

        assert (
            set(ClassRegistration.objects.filter(selectors.live_registrations()).values_list("pk", flat=True)) == live
        )

    def test_the_waitlist_is_served_in_the_order_its_places_are_numbered(self):
        group_class = GroupClassFactory(capacity=1)
        ClassRegistrationFactory(group_class=group_class)
        now = timezone.now()
        waiting = [
            ClassRegistrationFactory(
                group_class=group_class, status=ClassRegistration.Status.WAITLISTED, registered_at=moment
            )
            for moment in (now, now - HOUR, now, now - 2 * HOUR)
        ]

        served = list(selectors.waitlist(group_class.pk))
        placed = sorted(
            ClassRegistration.objects.filter(pk__in=[r.pk for r in waiting]).annotate(place=selectors.waitlist_place()),
            key=lambda r: r.place,
        )

        assert served == placed == [waiting[3], waiting[1], waiting[0], waiting[2]]
        assert [selectors.waitlist_position(registration=r) for r in served] == [1, 2, 3, 4]

    @pytest.mark.parametrize(("minutes", "within"), [(-1, True), (1, False)])
    def test_the_pt_cut_off_is_the_one_the_service_holds_members_to(self, minutes, within):
        start = timezone.now() + datetime.timedelta(hours=settings.PT_CANCELLATION_CUTOFF_HOURS, minutes=minutes)
        session = PersonalTrainingSessionFactory(booking__start_time=start, booking__end_time=start + HOUR)

        assert selectors.pt_within_cutoff(start) is within
        assert selectors.pt_cutoff_hours() == settings.PT_CANCELLATION_CUTOFF_HOURS
        if within:
            with refused("pt_cutoff", hours=settings.PT_CANCELLATION_CUTOFF_HOURS):
                services.pt_session_cancel(session=session, by_member=True)
        else:
            services.pt_session_cancel(session=session, by_member=True)
            session.booking.refresh_from_db()
            assert session.booking.status == Booking.Status.CANCELLED
