import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from clubsite.accounts.tests.factories import UserFactory
from clubsite.testing.errors import day_text, refused, span_text
from clubsite.testing.jobs import queued, run_jobs
from members.tests.factories import MemberFactory
from operations import services
from operations.errors import SchedulingError
from operations.models import (
    Booking,
    ClassRegistration,
    Equipment,
    GroupClass,
    MaintenanceRecord,
    PersonalTrainingSession,
)
from operations.services import availability, classes, pt, registrations, rooms
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
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def message(code: str, **params) -> str:
    """What a person reads for ``code`` (to check an aggregate error's lines)."""
    return SchedulingError(code, **params).message


def in_hours(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def available_trainer(*, days: int = 1, start: int = 8, end: int = 18, **trainer_fields):
    """A trainer with one availability window ``days`` from today, start:00-end:00."""
    trainer = TrainerFactory(**trainer_fields)
    TrainerAvailabilityFactory(
        trainer=trainer, start_time=local_time(days=days, hour=start), end_time=local_time(days=days, hour=end)
    )
    return trainer


def class_booking(*, trainer=None, room=None, start, end=None, **fields) -> GroupClass:
    """A class written straight to the database (no rules), for setting the scene."""
    return GroupClassFactory(
        booking__trainer=trainer or TrainerFactory(),
        booking__room=room or RoomFactory(),
        booking__start_time=start,
        booking__end_time=end or start + HOUR,
        **fields,
    )


def pt_booking(*, member=None, trainer=None, room=None, start, end=None, status=Booking.Status.SCHEDULED):
    return PersonalTrainingSessionFactory(
        member=member or MemberFactory(),
        booking__trainer=trainer or TrainerFactory(),
        booking__room=room,
        booking__start_time=start,
        booking__end_time=end or start + HOUR,
        booking__status=status,
    )


# ---------------------------------------------------------------------------------------------
# Availability
# ---------------------------------------------------------------------------------------------


class TestAvailabilityCreate:
    def test_opens_a_future_window(self):
        trainer = TrainerFactory()
        start, end = local_time(days=1, hour=9), local_time(days=1, hour=12)

        window = services.availability_create(trainer=trainer, start_time=start, end_time=end)

        assert list(TrainerAvailability.objects.values_list("trainer", "start_time", "end_time")) == [
            (trainer.pk, start, end)
        ]
        assert window.pk is not None

    def test_back_to_back_windows_are_fine(self):
        trainer = TrainerFactory()
        services.availability_create(
            trainer=trainer, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=12)
        )

        services.availability_create(
            trainer=trainer, start_time=local_time(days=1, hour=12), end_time=local_time(days=1, hour=14)
        )

        assert TrainerAvailability.objects.count() == 2

    def test_an_overlap_names_the_window_it_collides_with_in_local_time(self):
        trainer = TrainerFactory()
        start, end = local_time(days=1, hour=9), local_time(days=1, hour=12)
        services.availability_create(trainer=trainer, start_time=start, end_time=end)

        with refused("availability_overlaps", window=span_text(start, end)) as error:
            services.availability_create(
                trainer=trainer, start_time=local_time(days=1, hour=11), end_time=local_time(days=1, hour=13)
            )

        assert f"overlaps your window {span_text(start, end)}" in str(error.value)
        assert TrainerAvailability.objects.count() == 1

    def test_other_trainers_windows_do_not_count(self):
        TrainerAvailabilityFactory()

        services.availability_create(
            trainer=TrainerFactory(), start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=12)
        )

        assert TrainerAvailability.objects.count() == 2

    @pytest.mark.parametrize(
        ("start", "end", "code"),
        [
            (lambda: in_hours(-2), lambda: in_hours(1), "start_in_past"),
            (lambda: local_time(days=1, hour=12), lambda: local_time(days=1, hour=12), "end_not_after_start"),
            (lambda: local_time(days=1, hour=12), lambda: local_time(days=1, hour=9), "end_not_after_start"),
            (
                lambda: local_time(days=1, hour=6),
                lambda: local_time(days=1, hour=22, minute=1),
                "availability_too_long",
            ),
            (lambda: None, lambda: local_time(days=1, hour=9), "times_required"),
            (lambda: datetime.datetime(2030, 1, 1, 9), lambda: datetime.datetime(2030, 1, 1, 10), "times_need_zone"),
        ],
        ids=["past", "zero-length", "end-before-start", "over-16-hours", "missing", "naive"],
    )
    def test_bad_times_are_refused_and_nothing_is_written(self, start, end, code):
        with refused(code):
            services.availability_create(trainer=TrainerFactory(), start_time=start(), end_time=end())

        assert not TrainerAvailability.objects.exists()

    def test_sixteen_hours_exactly_is_allowed(self):
        services.availability_create(
            trainer=TrainerFactory(), start_time=local_time(days=1, hour=6), end_time=local_time(days=1, hour=22)
        )

        assert TrainerAvailability.objects.count() == 1

    def test_a_trainer_is_required(self):
        with refused("trainer_required"):
            services.availability_create(
                trainer=None, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=10)
            )

    def test_the_database_refusal_is_a_readable_error(self, monkeypatch):
        trainer = TrainerFactory()
        services.availability_create(
            trainer=trainer, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=12)
        )
        # As if another request had slipped its window in after the friendly check.
        monkeypatch.setattr(availability, "_window_clash", lambda *args, **kwargs: None)

        with refused("availability_overlaps_another"):
            services.availability_create(
                trainer=trainer, start_time=local_time(days=1, hour=10), end_time=local_time(days=1, hour=11)
            )

        assert TrainerAvailability.objects.count() == 1


class TestAvailabilityCreateWeekly:
    def test_creates_the_same_local_window_every_week(self):
        trainer = TrainerFactory()
        start, end = local_time(days=1, hour=9), local_time(days=1, hour=12)

        windows = services.availability_create_weekly(trainer=trainer, start_time=start, end_time=end, weeks=3)

        assert len(windows) == 3
        stored = list(TrainerAvailability.objects.order_by("start_time"))
        assert [timezone.localtime(w.start_time).date() for w in stored] == [
            start.date() + datetime.timedelta(weeks=week) for week in range(3)
        ]
        assert {(timezone.localtime(w.start_time).time(), timezone.localtime(w.end_time).time()) for w in stored} == {
            (datetime.time(9), datetime.time(12))
        }

    @pytest.mark.parametrize("weeks", [0, 53, -1, True, "3", None])
    def test_weeks_must_be_between_1_and_52(self, weeks):
        with refused("weeks_out_of_range"):
            services.availability_create_weekly(
                trainer=TrainerFactory(),
                start_time=local_time(days=1, hour=9),
                end_time=local_time(days=1, hour=12),
                weeks=weeks,
            )

        assert not TrainerAvailability.objects.exists()

    def test_all_or_none_and_every_colliding_week_is_named(self):
        trainer = TrainerFactory()
        week2 = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=8, hour=11), end_time=local_time(days=8, hour=13)
        )
        week4 = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=22, hour=7), end_time=local_time(days=22, hour=10)
        )
        week2_text = message(
            "availability_week_overlaps",
            number=2,
            day=day_text(week2.start_time),
            window=span_text(week2.start_time, week2.end_time),
        )
        week4_text = message(
            "availability_week_overlaps",
            number=4,
            day=day_text(week4.start_time),
            window=span_text(week4.start_time, week4.end_time),
        )

        with refused("availability_weeks_overlap", clashes=f"{week2_text}; {week4_text}", weeks="2,4") as error:
            services.availability_create_weekly(
                trainer=trainer, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=12), weeks=4
            )

        assert f"Week 2 ({day_text(week2.start_time)}) overlaps your window" in str(error.value)
        assert TrainerAvailability.objects.count() == 2

    def test_a_past_start_is_refused(self):
        with refused("start_in_past"):
            services.availability_create_weekly(
                trainer=TrainerFactory(), start_time=in_hours(-1), end_time=in_hours(1), weeks=2
            )

        assert not TrainerAvailability.objects.exists()


class TestAvailabilityUpdate:
    def test_moves_a_window(self):
        window = TrainerAvailabilityFactory()
        start, end = local_time(days=2, hour=9), local_time(days=2, hour=11)

        services.availability_update(availability=window, start_time=start, end_time=end)

        window.refresh_from_db()
        assert (window.start_time, window.end_time) == (start, end)

    def test_an_overlap_with_another_window_names_it(self):
        window = TrainerAvailabilityFactory(start_time=local_time(days=1, hour=8), end_time=local_time(days=1, hour=10))
        other = TrainerAvailabilityFactory(
            trainer=window.trainer, start_time=local_time(days=1, hour=12), end_time=local_time(days=1, hour=14)
        )

        with refused("availability_overlaps", window=span_text(other.start_time, other.end_time)):
            services.availability_update(
                availability=window, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=13)
            )

        window.refresh_from_db()
        assert window.end_time == local_time(days=1, hour=10)

    def test_overlapping_its_own_old_span_is_fine(self):
        window = TrainerAvailabilityFactory()

        services.availability_update(availability=window, start_time=window.start_time, end_time=window.end_time + HOUR)

        window.refresh_from_db()
        assert window.end_time == local_time(days=1, hour=19)

    def test_refused_when_a_scheduled_booking_would_be_left_outside(self):
        trainer = available_trainer()
        group_class = class_booking(trainer=trainer, start=local_time(days=1, hour=10), name="Spin")
        session = pt_booking(trainer=trainer, start=local_time(days=1, hour=15))
        window = trainer.availability.get()
        listed = "; ".join(
            [
                f"Spin {span_text(group_class.booking.start_time, group_class.booking.end_time)}",
                f"Personal training with {session.member} "
                f"{span_text(session.booking.start_time, session.booking.end_time)}",
            ]
        )

        with refused("availability_strands_bookings", bookings=listed):
            services.availability_update(
                availability=window, start_time=local_time(days=1, hour=11), end_time=local_time(days=1, hour=14)
            )

        window.refresh_from_db()
        assert window.start_time == local_time(days=1, hour=8)

    def test_allowed_when_bookings_stay_inside(self):
        trainer = available_trainer()
        class_booking(trainer=trainer, start=local_time(days=1, hour=10))
        window = trainer.availability.get()

        services.availability_update(
            availability=window, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=11)
        )

        window.refresh_from_db()
        assert window.start_time == local_time(days=1, hour=9)

    def test_cancelled_bookings_do_not_hold_a_window(self):
        trainer = available_trainer()
        class_booking(trainer=trainer, start=local_time(days=1, hour=10), booking__status=Booking.Status.CANCELLED)

        services.availability_update(
            availability=trainer.availability.get(),
            start_time=local_time(days=1, hour=12),
            end_time=local_time(days=1, hour=13),
        )

        window = trainer.availability.get()
        assert (window.start_time, window.end_time) == (local_time(days=1, hour=12), local_time(days=1, hour=13))

    def test_bad_times_are_refused(self):
        window = TrainerAvailabilityFactory()

        with refused("end_not_after_start"):
            services.availability_update(availability=window, start_time=window.end_time, end_time=window.start_time)

    def test_a_deleted_window_cannot_be_updated(self):
        window = TrainerAvailabilityFactory()
        TrainerAvailability.objects.filter(pk=window.pk).delete()

        with refused("availability_gone"):
            services.availability_update(
                availability=window, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=10)
            )


class TestAvailabilityDelete:
    def test_deletes_a_window_nobody_relies_on(self):
        window = TrainerAvailabilityFactory()

        services.availability_delete(availability=window)

        assert not TrainerAvailability.objects.exists()

    def test_refused_while_a_scheduled_booking_relies_on_it(self):
        trainer = available_trainer()
        group_class = class_booking(trainer=trainer, start=local_time(days=1, hour=10), name="Yoga Flow")

        with refused(
            "availability_strands_bookings",
            bookings=f"Yoga Flow {span_text(group_class.booking.start_time, group_class.booking.end_time)}",
        ):
            services.availability_delete(availability=trainer.availability.get())

        assert TrainerAvailability.objects.count() == 1

    def test_completed_or_cancelled_bookings_do_not_hold_it(self):
        trainer = available_trainer()
        class_booking(trainer=trainer, start=local_time(days=1, hour=10), booking__status=Booking.Status.CANCELLED)

        services.availability_delete(availability=trainer.availability.get())

        assert not TrainerAvailability.objects.exists()

    def test_a_deleted_window_is_reported(self):
        window = TrainerAvailabilityFactory()
        services.availability_delete(availability=window)

        with refused("availability_gone"):
            services.availability_delete(availability=window)


# ---------------------------------------------------------------------------------------------
# Room bookings
# ---------------------------------------------------------------------------------------------


class TestRoomBookingCreate:
    def test_books_a_room_for_an_event(self):
        room = RoomFactory()
        start, end = local_time(days=1, hour=18), local_time(days=1, hour=20)

        booking = services.room_booking_create(room=room, start_time=start, end_time=end, title=" Open evening ")

        stored = Booking.objects.get()
        assert stored == booking
        assert (stored.room, stored.trainer, stored.kind, stored.title) == (
            room,
            None,
            Booking.Kind.EVENT,
            "Open evening",
        )
        assert stored.status == Booking.Status.SCHEDULED

    def test_a_closure_over_several_days(self):
        services.room_booking_create(
            room=RoomFactory(),
            start_time=local_time(days=1, hour=0),
            end_time=local_time(days=4, hour=0),
            kind=Booking.Kind.CLOSURE,
            title="Refurbishment",
        )

        assert Booking.objects.get().kind == Booking.Kind.CLOSURE

    def test_a_clash_names_what_holds_the_room(self):
        group_class = class_booking(start=local_time(days=1, hour=10), name="Boxfit")

        with refused(
            "room_booked_by",
            booking=f"Boxfit {span_text(group_class.booking.start_time, group_class.booking.end_time)}",
        ):
            services.room_booking_create(
                room=group_class.booking.room,
                start_time=local_time(days=1, hour=10, minute=30),
                end_time=local_time(days=1, hour=12),
                title="Photo shoot",
            )

        assert Booking.objects.count() == 1

    def test_back_to_back_and_cancelled_bookings_do_not_clash(self):
        room = RoomFactory()
        BookingFactory(room=room, start_time=local_time(days=1, hour=9), end_time=local_time(days=1, hour=10))
        BookingFactory(
            room=room,
            start_time=local_time(days=1, hour=10),
            end_time=local_time(days=1, hour=11),
            status=Booking.Status.CANCELLED,
        )

        services.room_booking_create(
            room=room, start_time=local_time(days=1, hour=10), end_time=local_time(days=1, hour=11), title="Talk"
        )

        assert Booking.objects.filter(status=Booking.Status.SCHEDULED).count() == 2

    @pytest.mark.parametrize(
        ("changes", "code"),
        [
            ({"kind": Booking.Kind.GROUP_CLASS}, "room_booking_kind_invalid"),
            ({"kind": Booking.Kind.PERSONAL_TRAINING}, "room_booking_kind_invalid"),
            ({"title": "   "}, "room_booking_title_required"),
            ({"title": "x" * 121}, "invalid"),
            ({"room": None}, "room_required"),
            ({"start_time": in_hours(-1)}, "start_in_past"),
            ({"end_time": local_time(days=40, hour=9)}, "room_booking_too_long"),
        ],
        ids=["class-kind", "pt-kind", "blank-title", "long-title", "no-room", "past", "too-long"],
    )
    def test_bad_input_is_refused_and_nothing_is_written(self, changes, code):
        arguments = {
            "room": RoomFactory(),
            "start_time": local_time(days=1, hour=9),
            "end_time": local_time(days=1, hour=10),
            "title": "Talk",
            **changes,
        }

        with refused(code):
            services.room_booking_create(**arguments)

        assert not Booking.objects.exists()

    def test_the_database_refusal_is_a_readable_error(self, monkeypatch):
        existing = BookingFactory()
        monkeypatch.setattr(rooms, "booking_clash", lambda **kwargs: None)

        with refused("room_booked"):
            services.room_booking_create(
                room=existing.room, start_time=existing.start_time, end_time=existing.end_time, title="Talk"
            )

        assert Booking.objects.count() == 1


class TestBookingCancel:
    def test_cancels_a_room_booking(self):
        booking = BookingFactory()

        outcome = services.booking_cancel(booking=booking)

        booking.refresh_from_db()
        assert booking.status == outcome.target.status == Booking.Status.CANCELLED
        assert outcome.promoted == ()

    def test_cancelling_a_class_booking_cancels_the_class(self, mailoutbox):
        registration = ClassRegistrationFactory()

        services.booking_cancel(booking=registration.group_class.booking)
        run_jobs()

        registration.refresh_from_db()
        assert registration.status == ClassRegistration.Status.CANCELLED
        assert [mail.to for mail in mailoutbox] == [[registration.member.user.email]]

    def test_cancelling_a_pt_booking_cancels_the_session(self):
        session = pt_booking(start=in_hours(2))

        services.booking_cancel(booking=session.booking)

        assert Booking.objects.get().status == Booking.Status.CANCELLED

    def test_twice_is_refused(self):
        booking = BookingFactory(status=Booking.Status.CANCELLED)

        with refused("booking_already_cancelled"):
            services.booking_cancel(booking=booking)

    def test_a_started_booking_cannot_be_cancelled(self):
        booking = BookingFactory(start_time=in_hours(-1), end_time=in_hours(1))

        with refused("booking_started"):
            services.booking_cancel(booking=booking)

        assert Booking.objects.get().status == Booking.Status.SCHEDULED


# ---------------------------------------------------------------------------------------------
# Group classes
# ---------------------------------------------------------------------------------------------


def class_arguments(**changes):
    trainer = changes.pop("trainer", None) or available_trainer()
    return {
        "name": "Spin",
        "trainer": trainer,
        "room": RoomFactory(capacity=20),
        "start_time": local_time(days=1, hour=10),
        "end_time": local_time(days=1, hour=11),
        "capacity": 12,
        "price": Decimal("8.50"),
        **changes,
    }


class TestClassCreate:
    def test_schedules_a_class_with_its_booking(self):
        arguments = class_arguments(description="Bring water")

        group_class = services.class_create(**arguments)

        stored = GroupClass.objects.select_related("booking").get()
        assert stored == group_class
        assert (stored.name, stored.capacity, stored.price, stored.description, stored.series) == (
            "Spin",
            12,
            Decimal("8.50"),
            "Bring water",
            None,
        )
        booking = stored.booking
        assert (booking.kind, booking.room, booking.trainer, booking.start_time, booking.end_time) == (
            Booking.Kind.GROUP_CLASS,
            arguments["room"],
            arguments["trainer"],
            arguments["start_time"],
            arguments["end_time"],
        )

    def test_capacity_may_equal_the_room_capacity(self):
        services.class_create(**class_arguments(capacity=20))

        assert GroupClass.objects.get().capacity == 20

    def test_back_to_back_with_the_same_trainer_and_room(self):
        first = services.class_create(**class_arguments())

        services.class_create(
            **class_arguments(
                trainer=first.booking.trainer,
                room=first.booking.room,
                start_time=local_time(days=1, hour=11),
                end_time=local_time(days=1, hour=12),
            )
        )

        assert GroupClass.objects.count() == 2

    @pytest.mark.parametrize(
        ("changes", "code"),
        [
            ({"name": "  "}, "class_name_required"),
            ({"capacity": 0}, "class_capacity_invalid"),
            ({"capacity": -3}, "class_capacity_invalid"),
            ({"capacity": None}, "class_capacity_invalid"),
            ({"price": Decimal("-0.01")}, "class_price_invalid"),
            ({"price": Decimal("8.505")}, "class_price_invalid"),
            ({"price": "free"}, "class_price_invalid"),
            ({"price": Decimal("1e12")}, "class_price_invalid"),
            ({"start_time": in_hours(-1), "end_time": in_hours(1)}, "start_in_past"),
            ({"end_time": local_time(days=1, hour=10)}, "end_not_after_start"),
            ({"end_time": local_time(days=1, hour=18, minute=30)}, "class_too_long"),
            ({"room": None}, "room_required"),
        ],
        ids=[
            "blank-name",
            "zero-capacity",
            "negative-capacity",
            "no-capacity",
            "negative-price",
            "fractional-penny",
            "not-a-price",
            "absurd-price",
            "past",
            "zero-length",
            "too-long",
            "no-room",
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_written(self, changes, code):
        with refused(code):
            services.class_create(**class_arguments(**changes))

        assert not GroupClass.objects.exists()
        assert not Booking.objects.exists()

    def test_capacity_above_the_room_is_refused(self):
        room = RoomFactory(name="Small studio", capacity=8)

        with refused("class_capacity_above_room", room="Small studio", room_capacity=8, capacity=9):
            services.class_create(**class_arguments(room=room, capacity=9))

        assert not GroupClass.objects.exists()

    def test_a_trainer_is_required(self):
        with refused("trainer_required"):
            services.class_create(**{**class_arguments(), "trainer": None})

    def test_an_inactive_trainer_is_refused(self):
        with refused("trainer_inactive"):
            services.class_create(**class_arguments(trainer=available_trainer(is_active=False)))

        assert not Booking.objects.exists()

    @pytest.mark.parametrize(
        ("start", "end"), [(7, 9), (17, 19), (20, 21)], ids=["starts-early", "ends-late", "outside"]
    )
    def test_the_trainer_must_be_available_for_the_whole_span(self, start, end):
        with refused("trainer_unavailable"):
            services.class_create(
                **class_arguments(start_time=local_time(days=1, hour=start), end_time=local_time(days=1, hour=end))
            )

        assert not Booking.objects.exists()

    def test_a_booked_room_is_refused_naming_the_clash(self):
        existing = BookingFactory(title="Open day")
        arguments = class_arguments(room=existing.room)

        with refused("room_booked_by", booking=f"Open day {span_text(existing.start_time, existing.end_time)}"):
            services.class_create(**arguments)

        assert not GroupClass.objects.exists()

    def test_a_booked_trainer_is_refused_naming_the_clash(self):
        trainer = available_trainer()
        session = pt_booking(trainer=trainer, start=local_time(days=1, hour=10, minute=30))

        with refused(
            "trainer_booked_by",
            booking=f"Personal training {span_text(session.booking.start_time, session.booking.end_time)}",
        ):
            services.class_create(**class_arguments(trainer=trainer))

        assert not GroupClass.objects.exists()

    def test_cancelled_bookings_do_not_block(self):
        existing = BookingFactory(status=Booking.Status.CANCELLED)

        services.class_create(**class_arguments(room=existing.room))

        assert GroupClass.objects.count() == 1

    def test_the_database_refusal_is_a_readable_error(self, monkeypatch):
        existing = class_booking(start=local_time(days=1, hour=10))
        monkeypatch.setattr(classes, "booking_clash", lambda **kwargs: None)

        with refused("room_booked"):
            services.class_create(**class_arguments(room=existing.booking.room))

        assert GroupClass.objects.count() == 1


class TestClassCreateWeekly:
    def test_creates_a_series_a_week_apart(self):
        trainer = TrainerFactory()
        for week in range(3):
            TrainerAvailabilityFactory(
                trainer=trainer,
                start_time=local_time(days=1 + 7 * week, hour=8),
                end_time=local_time(days=1 + 7 * week, hour=18),
            )

        classes = services.class_create_weekly(weeks=3, **class_arguments(trainer=trainer))

        assert len(classes) == 3
        stored = list(GroupClass.objects.select_related("booking").order_by("booking__start_time"))
        assert len({c.series for c in stored}) == 1
        assert stored[0].series is not None
        assert [timezone.localtime(c.booking.start_time) for c in stored] == [
            timezone.localtime(local_time(days=1 + 7 * week, hour=10)) for week in range(3)
        ]

    def test_every_colliding_week_is_reported_and_nothing_is_created(self):
        trainer = TrainerFactory()
        room = RoomFactory()
        for week in (0, 1, 3):  # no window in week 3
            TrainerAvailabilityFactory(
                trainer=trainer,
                start_time=local_time(days=1 + 7 * week, hour=8),
                end_time=local_time(days=1 + 7 * week, hour=18),
            )
        taken = BookingFactory(
            room=room, start_time=local_time(days=8, hour=10), end_time=local_time(days=8, hour=11), title="Open day"
        )
        week2 = message(
            "class_week_problem",
            number=2,
            day=day_text(taken.start_time),
            problem=message("room_booked_by", booking=f"Open day {span_text(taken.start_time, taken.end_time)}"),
        )
        week3 = message(
            "class_week_problem",
            number=3,
            day=day_text(local_time(days=15, hour=10)),
            problem=message("trainer_unavailable"),
        )

        with refused(
            "class_weeks_failed", problems=f"{week2} {week3}", weeks="2,3", codes="room_booked_by,trainer_unavailable"
        ):
            services.class_create_weekly(weeks=4, **class_arguments(trainer=trainer, room=room))

        assert not GroupClass.objects.exists()
        assert Booking.objects.count() == 1

    def test_weeks_out_of_range(self):
        with refused("weeks_out_of_range"):
            services.class_create_weekly(weeks=53, **class_arguments())

        assert not GroupClass.objects.exists()


def live_class(**fields) -> GroupClass:
    """Tomorrow 10-11, its trainer available all day."""
    trainer = available_trainer()
    return class_booking(trainer=trainer, start=local_time(days=1, hour=10), **fields)


class TestClassReschedule:
    def test_moves_the_class_and_mails_live_members_through_the_queue(self, mailoutbox):
        group_class = live_class(name="Pilates")
        registered = ClassRegistrationFactory(group_class=group_class)
        waitlisted = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.CANCELLED)
        room = RoomFactory(name="Big hall", capacity=30)
        start, end = local_time(days=1, hour=14), local_time(days=1, hour=15)

        services.class_reschedule(
            group_class=group_class, start_time=start, end_time=end, room=room, trainer=group_class.booking.trainer
        )
        assert mailoutbox == []  # the request never sends: a worker does
        run_jobs()

        booking = Booking.objects.get(pk=group_class.booking_id)
        assert (booking.start_time, booking.end_time, booking.room) == (start, end, room)
        assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
            [registered.member.user.email, waitlisted.member.user.email]
        )
        assert mailoutbox[0].subject == "Pilates has been moved"
        assert span_text(start, end) in mailoutbox[0].body
        assert "Big hall" in mailoutbox[0].body

    def test_may_overlap_its_own_old_slot(self):
        group_class = live_class()

        services.class_reschedule(
            group_class=group_class,
            start_time=local_time(days=1, hour=10, minute=30),
            end_time=local_time(days=1, hour=11, minute=30),
            room=group_class.booking.room,
            trainer=group_class.booking.trainer,
        )

        assert Booking.objects.get().start_time == local_time(days=1, hour=10, minute=30)

    def test_to_another_available_trainer(self):
        group_class = live_class()
        other = available_trainer()

        services.class_reschedule(
            group_class=group_class,
            start_time=group_class.booking.start_time,
            end_time=group_class.booking.end_time,
            room=group_class.booking.room,
            trainer=other,
        )

        assert Booking.objects.get().trainer == other

    def test_capacity_must_fit_the_new_room(self):
        group_class = live_class(capacity=10)
        small = RoomFactory(name="Nook", capacity=6)

        with refused("class_capacity_above_room", room="Nook", room_capacity=6, capacity=10):
            services.class_reschedule(
                group_class=group_class,
                start_time=group_class.booking.start_time,
                end_time=group_class.booking.end_time,
                room=small,
                trainer=group_class.booking.trainer,
            )

        assert Booking.objects.get().room == group_class.booking.room

    def test_a_clash_in_the_new_slot_is_named(self):
        group_class = live_class()
        ClassRegistrationFactory(group_class=group_class)
        other = class_booking(trainer=group_class.booking.trainer, start=local_time(days=1, hour=14), name="HIIT")

        with refused(
            "trainer_booked_by", booking=f"HIIT {span_text(other.booking.start_time, other.booking.end_time)}"
        ):
            services.class_reschedule(
                group_class=group_class,
                start_time=local_time(days=1, hour=14),
                end_time=local_time(days=1, hour=15),
                room=group_class.booking.room,
                trainer=group_class.booking.trainer,
            )

        assert Booking.objects.get(pk=group_class.booking_id).start_time == local_time(days=1, hour=10)
        assert queued() == []  # a refused move tells no one

    def test_the_new_slot_must_be_inside_the_trainers_availability(self):
        group_class = live_class()

        with refused("trainer_unavailable"):
            services.class_reschedule(
                group_class=group_class,
                start_time=local_time(days=1, hour=18),
                end_time=local_time(days=1, hour=19),
                room=group_class.booking.room,
                trainer=group_class.booking.trainer,
            )

    def test_a_cancelled_class_cannot_be_moved(self):
        group_class = live_class(booking__status=Booking.Status.CANCELLED)

        with refused("class_cancelled"):
            services.class_reschedule(
                group_class=group_class,
                start_time=local_time(days=1, hour=12),
                end_time=local_time(days=1, hour=13),
                room=group_class.booking.room,
                trainer=group_class.booking.trainer,
            )

    def test_a_started_class_cannot_be_moved(self):
        group_class = class_booking(start=in_hours(-0.5))
        TrainerAvailabilityFactory(trainer=group_class.booking.trainer)

        with refused("class_started"):
            services.class_reschedule(
                group_class=group_class,
                start_time=local_time(days=1, hour=12),
                end_time=local_time(days=1, hour=13),
                room=group_class.booking.room,
                trainer=group_class.booking.trainer,
            )

    def test_the_new_start_must_be_in_the_future(self):
        group_class = live_class()

        with refused("start_in_past"):
            services.class_reschedule(
                group_class=group_class,
                start_time=in_hours(-2),
                end_time=in_hours(-1),
                room=group_class.booking.room,
                trainer=group_class.booking.trainer,
            )


class TestClassCancel:
    def test_cancels_booking_and_live_registrations_and_mails_members(self, mailoutbox):
        group_class = live_class(name="Boxfit")
        registered = ClassRegistrationFactory(group_class=group_class)
        waitlisted = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
        gone = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.CANCELLED)

        outcome = services.class_cancel(group_class=group_class)
        run_jobs()

        assert outcome.target.booking.status == Booking.Status.CANCELLED
        assert Booking.objects.get().status == Booking.Status.CANCELLED
        assert set(ClassRegistration.objects.values_list("status", flat=True)) == {ClassRegistration.Status.CANCELLED}
        assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
            [registered.member.user.email, waitlisted.member.user.email]
        )
        assert gone.member.user.email not in {mail.to[0] for mail in mailoutbox}
        assert mailoutbox[0].subject == "Boxfit has been cancelled"

    def test_the_slot_is_free_again(self):
        group_class = live_class()
        services.class_cancel(group_class=group_class)

        talk = services.room_booking_create(
            room=group_class.booking.room,
            start_time=group_class.booking.start_time,
            end_time=group_class.booking.end_time,
            title="Talk",
        )

        assert list(
            Booking.objects.filter(room=group_class.booking.room).values_list("pk", "status").order_by("pk")
        ) == [(group_class.booking.pk, Booking.Status.CANCELLED), (talk.pk, Booking.Status.SCHEDULED)]

    def test_twice_is_refused(self):
        group_class = live_class(booking__status=Booking.Status.CANCELLED)

        with refused("class_already_cancelled"):
            services.class_cancel(group_class=group_class)

    def test_a_started_class_cannot_be_cancelled(self):
        group_class = class_booking(start=in_hours(-0.5))
        ClassRegistrationFactory(group_class=group_class)

        with refused("class_started"):
            services.class_cancel(group_class=group_class)

        assert Booking.objects.get().status == Booking.Status.SCHEDULED
        assert ClassRegistration.objects.get().status == ClassRegistration.Status.REGISTERED


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------


class TestClassRegister:
    def test_takes_a_free_seat(self):
        group_class = class_booking(start=local_time(days=1, hour=10), capacity=2)
        member = MemberFactory()

        registration = services.class_register(member=member, group_class=group_class)

        assert registration.status == ClassRegistration.Status.REGISTERED
        assert list(ClassRegistration.objects.values_list("member", "group_class", "status")) == [
            (member.pk, group_class.pk, ClassRegistration.Status.REGISTERED)
        ]

    def test_waitlists_when_full(self):
        group_class = class_booking(start=local_time(days=1, hour=10), capacity=1)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.ATTENDED)

        registration = services.class_register(member=MemberFactory(), group_class=group_class)

        assert registration.status == ClassRegistration.Status.WAITLISTED

    def test_cancelled_registrations_free_their_seat(self):
        group_class = class_booking(start=local_time(days=1, hour=10), capacity=1)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.CANCELLED)

        registration = services.class_register(member=MemberFactory(), group_class=group_class)

        assert registration.status == ClassRegistration.Status.REGISTERED

    @pytest.mark.parametrize("status", [ClassRegistration.Status.REGISTERED, ClassRegistration.Status.WAITLISTED])
    def test_twice_is_refused(self, status):
        existing = ClassRegistrationFactory(status=status)

        with refused("already_registered"):
            services.class_register(member=existing.member, group_class=existing.group_class)

        assert ClassRegistration.objects.count() == 1

    def test_again_after_cancelling(self):
        existing = ClassRegistrationFactory(status=ClassRegistration.Status.CANCELLED)

        services.class_register(member=existing.member, group_class=existing.group_class)

        assert ClassRegistration.objects.filter(status=ClassRegistration.Status.REGISTERED).count() == 1

    def test_a_cancelled_class_is_refused(self):
        group_class = class_booking(start=local_time(days=1, hour=10), booking__status=Booking.Status.CANCELLED)

        with refused("class_cancelled"):
            services.class_register(member=MemberFactory(), group_class=group_class)

        assert not ClassRegistration.objects.exists()

    def test_a_started_class_is_refused(self):
        group_class = class_booking(start=in_hours(-0.25))

        with refused("class_started"):
            services.class_register(member=MemberFactory(), group_class=group_class)

        assert not ClassRegistration.objects.exists()

    @pytest.mark.parametrize("status", [ClassRegistration.Status.REGISTERED, ClassRegistration.Status.WAITLISTED])
    def test_an_overlapping_class_is_named(self, status):
        member = MemberFactory()
        other = class_booking(start=local_time(days=1, hour=9, minute=30), name="Yoga Flow")
        ClassRegistrationFactory(member=member, group_class=other, status=status)
        group_class = class_booking(start=local_time(days=1, hour=10))

        with refused(
            "member_busy", commitment=f"Yoga Flow {span_text(other.booking.start_time, other.booking.end_time)}"
        ):
            services.class_register(member=member, group_class=group_class)

        assert not ClassRegistration.objects.filter(group_class=group_class).exists()

    def test_an_overlapping_pt_session_is_named(self):
        member = MemberFactory()
        session = pt_booking(member=member, start=local_time(days=1, hour=10, minute=30))
        group_class = class_booking(start=local_time(days=1, hour=10))

        with refused(
            "member_busy",
            commitment=f"personal training with {session.booking.trainer} "
            f"{span_text(session.booking.start_time, session.booking.end_time)}",
        ):
            services.class_register(member=member, group_class=group_class)

    def test_cancelled_and_back_to_back_commitments_do_not_clash(self):
        member = MemberFactory()
        ClassRegistrationFactory(
            member=member,
            group_class=class_booking(start=local_time(days=1, hour=10)),
            status=ClassRegistration.Status.CANCELLED,
        )
        pt_booking(member=member, start=local_time(days=1, hour=10), status=Booking.Status.CANCELLED)
        ClassRegistrationFactory(member=member, group_class=class_booking(start=local_time(days=1, hour=9)))
        pt_booking(member=member, start=local_time(days=1, hour=11))
        wanted = class_booking(start=local_time(days=1, hour=10))

        registration = services.class_register(member=member, group_class=wanted)

        assert registration.status == ClassRegistration.Status.REGISTERED
        assert (
            ClassRegistration.objects.get(member=member, group_class=wanted).status
            == ClassRegistration.Status.REGISTERED
        )

    @pytest.mark.parametrize("missing", ["member", "group_class"])
    def test_member_and_class_are_required(self, missing):
        arguments = {"member": MemberFactory(), "group_class": class_booking(start=local_time(days=1, hour=10))}
        arguments[missing] = None

        with refused("member_required" if missing == "member" else "class_required"):
            services.class_register(**arguments)

    def test_the_capacity_trigger_is_a_readable_error(self, monkeypatch):
        group_class = class_booking(start=local_time(days=1, hour=10), capacity=1)
        ClassRegistrationFactory(group_class=group_class)
        # As if the service had miscounted the seats: the trigger still refuses the extra one.
        real_lock = registrations.lock_class

        def lock_with_stale_capacity(group_class):
            locked = real_lock(group_class)
            locked.capacity = 5
            return locked

        monkeypatch.setattr(registrations, "lock_class", lock_with_stale_capacity)

        with refused("class_full"):
            services.class_register(member=MemberFactory(), group_class=group_class)

        assert ClassRegistration.objects.count() == 1


class TestClassRegistrationCancel:
    def test_frees_the_seat_for_the_first_on_the_waitlist(self, mailoutbox):
        # Outside the cancellation cut-off at any hour of the day the suite runs (then the seat is given, not offered).
        group_class = class_booking(start=local_time(days=2, hour=10), capacity=1, name="Spin")
        seated = ClassRegistrationFactory(group_class=group_class)
        now = timezone.now()
        later = ClassRegistrationFactory(
            group_class=group_class, status=ClassRegistration.Status.WAITLISTED, registered_at=now
        )
        first = ClassRegistrationFactory(
            group_class=group_class,
            status=ClassRegistration.Status.WAITLISTED,
            registered_at=now - datetime.timedelta(minutes=5),
        )

        outcome = services.class_registration_cancel(registration=seated)
        run_jobs()

        assert outcome.target == seated
        assert outcome.target.status == ClassRegistration.Status.CANCELLED
        assert outcome.promoted == (first,)
        assert dict(ClassRegistration.objects.values_list("pk", "status")) == {
            seated.pk: ClassRegistration.Status.CANCELLED,
            first.pk: ClassRegistration.Status.REGISTERED,
            later.pk: ClassRegistration.Status.WAITLISTED,
        }
        assert {mail.to[0]: mail.subject for mail in mailoutbox} == {
            first.member.user.email: "You have a place in Spin",
            seated.member.user.email: "Your place in Spin is cancelled",
        }

    def test_ties_on_time_go_to_the_earlier_registration(self):
        group_class = class_booking(start=local_time(days=1, hour=10), capacity=1)
        seated = ClassRegistrationFactory(group_class=group_class)
        same_time = timezone.now()
        first = ClassRegistrationFactory(
            group_class=group_class, status=ClassRegistration.Status.WAITLISTED, registered_at=same_time
        )
        ClassRegistrationFactory(
            group_class=group_class, status=ClassRegistration.Status.WAITLISTED, registered_at=same_time
        )

        assert services.class_registration_cancel(registration=seated).promoted == (first,)

    def test_leaving_the_waitlist_promotes_no_one(self, mailoutbox):
        group_class = class_booking(start=local_time(days=1, hour=10), capacity=1)
        ClassRegistrationFactory(group_class=group_class)
        waitlisted = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
        other = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        assert services.class_registration_cancel(registration=waitlisted).promoted == ()
        run_jobs()

        other.refresh_from_db()
        assert other.status == ClassRegistration.Status.WAITLISTED
        assert [mail.to[0] for mail in mailoutbox] == [waitlisted.member.user.email]  # their own cancellation

    def test_without_a_waitlist_promotes_no_one(self):
        registration = ClassRegistrationFactory()

        assert services.class_registration_cancel(registration=registration).promoted == ()
        registration.refresh_from_db()
        assert registration.status == ClassRegistration.Status.CANCELLED

    def test_twice_is_refused(self):
        registration = ClassRegistrationFactory(status=ClassRegistration.Status.CANCELLED)

        with refused("registration_already_cancelled"):
            services.class_registration_cancel(registration=registration)

    def test_refused_once_the_class_has_started(self):
        group_class = class_booking(start=in_hours(-0.25), capacity=1)
        registration = ClassRegistrationFactory(group_class=group_class)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        with refused("registration_class_started"):
            services.class_registration_cancel(registration=registration)

        assert sorted(ClassRegistration.objects.values_list("status", flat=True)) == [
            ClassRegistration.Status.REGISTERED,
            ClassRegistration.Status.WAITLISTED,
        ]


class TestClassAttendanceMark:
    def test_seated_members_listed_attended_the_others_marked_no_show(self):
        group_class = class_booking(start=in_hours(-1))
        came = ClassRegistrationFactory(group_class=group_class)
        stayed_home = ClassRegistrationFactory(group_class=group_class)
        waitlisted = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        services.class_attendance_mark(group_class=group_class, attended_member_ids=[came.member_id])

        assert dict(ClassRegistration.objects.values_list("pk", "status")) == {
            came.pk: ClassRegistration.Status.ATTENDED,
            stayed_home.pk: ClassRegistration.Status.NO_SHOW,
            waitlisted.pk: ClassRegistration.Status.WAITLISTED,
        }

    def test_marking_again_corrects_the_roll_call(self):
        group_class = class_booking(start=in_hours(-1))
        first = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.ATTENDED)
        second = ClassRegistrationFactory(group_class=group_class)

        services.class_attendance_mark(group_class=group_class, attended_member_ids=[second.member_id])

        assert dict(ClassRegistration.objects.values_list("pk", "status")) == {
            first.pk: ClassRegistration.Status.NO_SHOW,
            second.pk: ClassRegistration.Status.ATTENDED,
        }

    def test_not_before_the_class_starts(self):
        registration = ClassRegistrationFactory()

        with refused("attendance_too_early"):
            services.class_attendance_mark(
                group_class=registration.group_class, attended_member_ids=[registration.member_id]
            )

        assert ClassRegistration.objects.get().status == ClassRegistration.Status.REGISTERED

    def test_only_seated_members(self):
        group_class = class_booking(start=in_hours(-1))
        seated = ClassRegistrationFactory(group_class=group_class)
        waitlisted = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        with refused("attendance_not_seated"):
            services.class_attendance_mark(
                group_class=group_class, attended_member_ids=[seated.member_id, waitlisted.member_id]
            )

        assert ClassRegistration.objects.get(pk=seated.pk).status == ClassRegistration.Status.REGISTERED

    def test_not_for_a_cancelled_class(self):
        group_class = class_booking(start=in_hours(-1), booking__status=Booking.Status.CANCELLED)

        with refused("class_cancelled"):
            services.class_attendance_mark(group_class=group_class, attended_member_ids=[])


# ---------------------------------------------------------------------------------------------
# Personal training
# ---------------------------------------------------------------------------------------------


class TestPtSessionPrice:
    @pytest.mark.parametrize(
        ("rate", "minutes", "price"),
        [
            ("40.00", 60, "40.00"),
            ("40.00", 90, "60.00"),
            ("33.33", 45, "25.00"),  # 24.9975
            ("0.10", 15, "0.03"),  # 0.025: half up, not to even
            ("55.55", 30, "27.78"),  # 27.775
        ],
    )
    def test_hourly_rate_times_hours_to_the_penny_half_up(self, rate, minutes, price):
        trainer = TrainerFactory.build(hourly_rate=Decimal(rate))
        start = local_time(days=1, hour=9)

        assert services.pt_session_price(
            trainer=trainer, start_time=start, end_time=start + datetime.timedelta(minutes=minutes)
        ) == Decimal(price)

    def test_end_after_start(self):
        start = local_time(days=1, hour=9)

        with refused("end_not_after_start"):
            services.pt_session_price(trainer=TrainerFactory(), start_time=start, end_time=start)


class TestPtSessionBook:
    def test_books_a_session_in_a_room(self):
        trainer = available_trainer(hourly_rate=Decimal("50.00"))
        member = MemberFactory()
        room = RoomFactory()
        start, end = local_time(days=1, hour=9), local_time(days=1, hour=10, minute=30)

        session = services.pt_session_book(
            member=member, trainer=trainer, room=room, start_time=start, end_time=end, notes="Knee rehab"
        )

        stored = PersonalTrainingSession.objects.select_related("booking").get()
        assert stored == session
        assert (stored.member, stored.price, stored.notes) == (member, Decimal("75.00"), "Knee rehab")
        assert (stored.booking.kind, stored.booking.trainer, stored.booking.room) == (
            Booking.Kind.PERSONAL_TRAINING,
            trainer,
            room,
        )
        assert (stored.booking.start_time, stored.booking.end_time) == (start, end)

    def test_online_without_a_room(self):
        session = services.pt_session_book(
            member=MemberFactory(),
            trainer=available_trainer(),
            start_time=local_time(days=1, hour=9),
            end_time=local_time(days=1, hour=10),
        )

        assert session.booking.room is None

    def test_may_fill_a_whole_window_exactly(self):
        trainer = available_trainer(start=9, end=10)
        member = MemberFactory()

        services.pt_session_book(
            member=member,
            trainer=trainer,
            start_time=local_time(days=1, hour=9),
            end_time=local_time(days=1, hour=10),
        )

        session = PersonalTrainingSession.objects.select_related("booking").get()
        assert (session.member, session.booking.trainer, session.booking.status) == (
            member,
            trainer,
            Booking.Status.SCHEDULED,
        )
        assert (session.booking.start_time, session.booking.end_time) == trainer.availability.values_list(
            "start_time", "end_time"
        ).get()

    @pytest.mark.parametrize(
        ("start", "end", "code"),
        [
            ((9, 0), (9, 29), "pt_duration_invalid"),
            ((9, 0), (12, 1), "pt_duration_invalid"),
            ((7, 30), (8, 30), "trainer_unavailable"),
            ((17, 30), (18, 30), "trainer_unavailable"),
        ],
        ids=["too-short", "too-long", "before-window", "after-window"],
    )
    def test_bad_spans_are_refused(self, start, end, code):
        with refused(code):
            services.pt_session_book(
                member=MemberFactory(),
                trainer=available_trainer(),
                start_time=local_time(days=1, hour=start[0], minute=start[1]),
                end_time=local_time(days=1, hour=end[0], minute=end[1]),
            )

        assert not Booking.objects.exists()

    def test_must_sit_inside_one_window_not_across_two(self):
        trainer = available_trainer(start=8, end=10)
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=1, hour=10), end_time=local_time(days=1, hour=12)
        )

        with refused("trainer_unavailable"):
            services.pt_session_book(
                member=MemberFactory(),
                trainer=trainer,
                start_time=local_time(days=1, hour=9, minute=30),
                end_time=local_time(days=1, hour=10, minute=30),
            )

    def test_a_past_start_is_refused(self):
        with refused("start_in_past"):
            services.pt_session_book(
                member=MemberFactory(), trainer=available_trainer(), start_time=in_hours(-1), end_time=in_hours(0)
            )

    def test_an_inactive_trainer_is_refused(self):
        with refused("trainer_inactive"):
            services.pt_session_book(
                member=MemberFactory(),
                trainer=available_trainer(is_active=False),
                start_time=local_time(days=1, hour=9),
                end_time=local_time(days=1, hour=10),
            )

    def test_a_trainer_cannot_train_themselves(self):
        trainer = available_trainer()
        member = MemberFactory(user=trainer.user)

        with refused("pt_with_self"):
            services.pt_session_book(
                member=member,
                trainer=trainer,
                start_time=local_time(days=1, hour=9),
                end_time=local_time(days=1, hour=10),
            )

    def test_the_member_must_be_free(self):
        member = MemberFactory()
        other = class_booking(start=local_time(days=1, hour=9), name="HIIT")
        ClassRegistrationFactory(member=member, group_class=other)

        with refused("member_busy", commitment=f"HIIT {span_text(other.booking.start_time, other.booking.end_time)}"):
            services.pt_session_book(
                member=member,
                trainer=available_trainer(),
                start_time=local_time(days=1, hour=9, minute=30),
                end_time=local_time(days=1, hour=10, minute=30),
            )

        assert not PersonalTrainingSession.objects.exists()

    def test_the_trainer_must_be_free(self):
        trainer = available_trainer()
        taken = pt_booking(trainer=trainer, start=local_time(days=1, hour=9))

        with refused(
            "trainer_booked_by",
            booking=f"Personal training {span_text(taken.booking.start_time, taken.booking.end_time)}",
        ):
            services.pt_session_book(
                member=MemberFactory(),
                trainer=trainer,
                start_time=local_time(days=1, hour=9),
                end_time=local_time(days=1, hour=10),
            )

        assert PersonalTrainingSession.objects.count() == 1

    def test_the_room_must_be_free(self):
        taken = BookingFactory(title="Closed for cleaning", kind=Booking.Kind.CLOSURE)

        with refused("room_booked_by", booking=f"Closed for cleaning {span_text(taken.start_time, taken.end_time)}"):
            services.pt_session_book(
                member=MemberFactory(),
                trainer=available_trainer(),
                room=taken.room,
                start_time=taken.start_time,
                end_time=taken.end_time,
            )

    @pytest.mark.parametrize("missing", ["member", "trainer"])
    def test_member_and_trainer_are_required(self, missing):
        arguments = {
            "member": MemberFactory(),
            "trainer": available_trainer(),
            "start_time": local_time(days=1, hour=9),
            "end_time": local_time(days=1, hour=10),
            missing: None,
        }

        with refused("member_required" if missing == "member" else "trainer_required"):
            services.pt_session_book(**arguments)

    def test_the_database_refusal_is_a_readable_error(self, monkeypatch):
        trainer = available_trainer()
        pt_booking(trainer=trainer, start=local_time(days=1, hour=9))
        monkeypatch.setattr(pt, "booking_clash", lambda **kwargs: None)

        with refused("trainer_booked"):
            services.pt_session_book(
                member=MemberFactory(),
                trainer=trainer,
                start_time=local_time(days=1, hour=9),
                end_time=local_time(days=1, hour=10),
            )

        assert PersonalTrainingSession.objects.count() == 1


def booked_session(*, days: int = 2, hour: int = 10, **fields) -> PersonalTrainingSession:
    """A session ``days`` from today with a trainer available that whole day."""
    trainer = available_trainer(days=days, start=6, end=22, hourly_rate=Decimal("40.00"))
    return pt_booking(trainer=trainer, start=local_time(days=days, hour=hour), **fields)


class TestPtSessionReschedule:
    def test_moves_the_session_and_reprices_it(self):
        session = booked_session()
        room = RoomFactory()
        start, end = local_time(days=2, hour=10, minute=30), local_time(days=2, hour=12)

        result = services.pt_session_reschedule(session=session, start_time=start, end_time=end, room=room)

        stored = PersonalTrainingSession.objects.select_related("booking").get()
        assert (stored.booking.start_time, stored.booking.end_time, stored.booking.room) == (start, end, room)
        assert stored.price == result.price == Decimal("60.00")

    def test_checks_the_member_excluding_the_session_itself(self):
        session = booked_session()
        other = class_booking(start=local_time(days=2, hour=12), name="Spin")
        ClassRegistrationFactory(member=session.member, group_class=other)

        with refused("member_busy", commitment=f"Spin {span_text(other.booking.start_time, other.booking.end_time)}"):
            services.pt_session_reschedule(
                session=session,
                start_time=local_time(days=2, hour=11, minute=30),
                end_time=local_time(days=2, hour=12, minute=30),
                room=None,
            )

        assert Booking.objects.get(pk=session.booking_id).start_time == local_time(days=2, hour=10)

    def test_a_member_is_held_to_the_cut_off(self):
        session = pt_booking(start=in_hours(2))

        with refused("pt_cutoff", hours=settings.PT_CANCELLATION_CUTOFF_HOURS):
            services.pt_session_reschedule(
                session=session,
                start_time=local_time(days=1, hour=10),
                end_time=local_time(days=1, hour=11),
                room=None,
            )

    def test_staff_may_move_a_session_inside_the_cut_off(self):
        trainer = available_trainer(days=1)
        session = pt_booking(trainer=trainer, start=in_hours(2))

        services.pt_session_reschedule(
            session=session,
            start_time=local_time(days=1, hour=10),
            end_time=local_time(days=1, hour=11),
            room=None,
            by_member=False,
        )

        assert Booking.objects.get().start_time == local_time(days=1, hour=10)

    def test_a_cancelled_session_cannot_be_moved(self):
        session = booked_session(status=Booking.Status.CANCELLED)

        with refused("pt_not_scheduled"):
            services.pt_session_reschedule(
                session=session, start_time=local_time(days=2, hour=12), end_time=local_time(days=2, hour=13), room=None
            )

    def test_the_new_slot_must_be_available(self):
        session = booked_session()

        with refused("trainer_unavailable"):
            services.pt_session_reschedule(
                session=session, start_time=local_time(days=2, hour=22), end_time=local_time(days=2, hour=23), room=None
            )


class TestPtSessionCancel:
    def test_a_member_cancels_before_the_cut_off(self):
        session = booked_session()

        outcome = services.pt_session_cancel(session=session, by_member=True)

        assert outcome.target.booking.status == Booking.Status.CANCELLED
        assert Booking.objects.get().status == Booking.Status.CANCELLED

    def test_a_member_cannot_cancel_within_the_cut_off(self):
        session = pt_booking(start=in_hours(settings.PT_CANCELLATION_CUTOFF_HOURS - 0.5))

        with refused("pt_cutoff", hours=settings.PT_CANCELLATION_CUTOFF_HOURS) as error:
            services.pt_session_cancel(session=session, by_member=True)

        assert f"{settings.PT_CANCELLATION_CUTOFF_HOURS} hours" in str(error.value)
        assert Booking.objects.get().status == Booking.Status.SCHEDULED

    def test_the_cut_off_follows_the_setting(self, settings):
        settings.PT_CANCELLATION_CUTOFF_HOURS = 1
        session = pt_booking(start=in_hours(2))

        services.pt_session_cancel(session=session, by_member=True)

        assert Booking.objects.get().status == Booking.Status.CANCELLED

    def test_staff_may_cancel_within_the_cut_off(self):
        session = pt_booking(start=in_hours(1))

        services.pt_session_cancel(session=session, by_member=False)

        assert Booking.objects.get().status == Booking.Status.CANCELLED

    def test_a_started_session_cannot_be_cancelled(self):
        session = pt_booking(start=in_hours(-0.5))

        with refused("pt_started"):
            services.pt_session_cancel(session=session, by_member=False)

    def test_twice_is_refused(self):
        session = booked_session(status=Booking.Status.CANCELLED)

        with refused("pt_not_scheduled"):
            services.pt_session_cancel(session=session, by_member=False)


class TestPtSessionMark:
    @pytest.mark.parametrize("status", [Booking.Status.COMPLETED, Booking.Status.NO_SHOW])
    def test_marks_a_started_session(self, status):
        session = pt_booking(start=in_hours(-1))

        services.pt_session_mark(session=session, status=status)

        assert Booking.objects.get().status == status

    def test_not_before_it_starts(self):
        session = pt_booking(start=in_hours(1))

        with refused("pt_not_started"):
            services.pt_session_mark(session=session, status=Booking.Status.COMPLETED)

        assert Booking.objects.get().status == Booking.Status.SCHEDULED

    @pytest.mark.parametrize("status", [Booking.Status.CANCELLED, Booking.Status.SCHEDULED, "finished"])
    def test_only_completed_or_no_show(self, status):
        session = pt_booking(start=in_hours(-1))

        with refused("pt_mark_invalid"):
            services.pt_session_mark(session=session, status=status)

    def test_not_a_cancelled_session(self):
        session = pt_booking(start=in_hours(-1), status=Booking.Status.CANCELLED)

        with refused("pt_cancelled"):
            services.pt_session_mark(session=session, status=Booking.Status.COMPLETED)


# ---------------------------------------------------------------------------------------------
# Maintenance
# ---------------------------------------------------------------------------------------------


class TestMaintenanceRecordCreate:
    def test_reports_an_issue_and_the_equipment_is_broken(self):
        equipment = EquipmentFactory()
        reporter = UserFactory()

        record = services.maintenance_record_create(
            equipment=equipment, issue_description="  Display flickers ", reported_by=reporter
        )

        stored = MaintenanceRecord.objects.get()
        assert stored == record
        assert (stored.issue_description, stored.status, stored.reported_by, stored.resolved_at) == (
            "Display flickers",
            MaintenanceRecord.Status.OPEN,
            reporter,
            None,
        )
        assert Equipment.objects.get().status == Equipment.Status.BROKEN

    def test_a_description_is_required(self):
        with refused("issue_required"):
            services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="  ")

        assert not MaintenanceRecord.objects.exists()
        assert Equipment.objects.get().status == Equipment.Status.WORKING

    def test_equipment_is_required(self):
        with refused("equipment_required"):
            services.maintenance_record_create(equipment=None, issue_description="Noisy")


class TestMaintenanceRecordSetStatus:
    def test_in_progress_puts_the_equipment_in_repair(self):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Noisy")

        services.maintenance_record_set_status(record=record, status=MaintenanceRecord.Status.IN_PROGRESS)

        assert MaintenanceRecord.objects.get().status == MaintenanceRecord.Status.IN_PROGRESS
        assert Equipment.objects.get().status == Equipment.Status.IN_REPAIR

    def test_resolving_sets_resolved_at_and_the_equipment_works_again(self):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Noisy")
        services.maintenance_record_set_status(record=record, status=MaintenanceRecord.Status.IN_PROGRESS)
        before = timezone.now()

        result = services.maintenance_record_set_status(
            record=record, status=MaintenanceRecord.Status.RESOLVED, resolution_notes="Belt replaced"
        )

        stored = MaintenanceRecord.objects.get()
        assert stored.status == MaintenanceRecord.Status.RESOLVED
        assert stored.resolution_notes == "Belt replaced"
        assert before <= stored.resolved_at <= timezone.now()
        assert result.resolved_at == stored.resolved_at
        assert Equipment.objects.get().status == Equipment.Status.WORKING

    def test_open_straight_to_resolved(self):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Loose bolt")

        services.maintenance_record_set_status(
            record=record, status=MaintenanceRecord.Status.RESOLVED, resolution_notes="Tightened"
        )

        assert Equipment.objects.get().status == Equipment.Status.WORKING

    def test_the_equipment_follows_all_of_its_records(self):
        equipment = EquipmentFactory()
        first = services.maintenance_record_create(equipment=equipment, issue_description="Noisy")
        second = services.maintenance_record_create(equipment=equipment, issue_description="Screen dead")

        services.maintenance_record_set_status(record=first, status=MaintenanceRecord.Status.IN_PROGRESS)
        assert Equipment.objects.get().status == Equipment.Status.BROKEN  # the second is still open

        services.maintenance_record_set_status(record=second, status=MaintenanceRecord.Status.IN_PROGRESS)
        assert Equipment.objects.get().status == Equipment.Status.IN_REPAIR

        services.maintenance_record_set_status(
            record=first, status=MaintenanceRecord.Status.RESOLVED, resolution_notes="Oiled"
        )
        assert Equipment.objects.get().status == Equipment.Status.IN_REPAIR

        services.maintenance_record_set_status(
            record=second, status=MaintenanceRecord.Status.RESOLVED, resolution_notes="New screen"
        )
        assert Equipment.objects.get().status == Equipment.Status.WORKING

    def test_back_from_in_progress_to_open(self):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Noisy")
        services.maintenance_record_set_status(record=record, status=MaintenanceRecord.Status.IN_PROGRESS)

        services.maintenance_record_set_status(record=record, status=MaintenanceRecord.Status.OPEN)

        assert Equipment.objects.get().status == Equipment.Status.BROKEN

    @pytest.mark.parametrize("notes", ["", "   "])
    def test_resolving_needs_notes(self, notes):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Noisy")

        with refused("resolution_notes_required"):
            services.maintenance_record_set_status(
                record=record, status=MaintenanceRecord.Status.RESOLVED, resolution_notes=notes
            )

        stored = MaintenanceRecord.objects.get()
        assert (stored.status, stored.resolved_at) == (MaintenanceRecord.Status.OPEN, None)

    @pytest.mark.parametrize("status", [MaintenanceRecord.Status.OPEN, MaintenanceRecord.Status.IN_PROGRESS])
    def test_no_moves_out_of_resolved(self, status):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Noisy")
        services.maintenance_record_set_status(
            record=record, status=MaintenanceRecord.Status.RESOLVED, resolution_notes="Fixed"
        )

        with refused("maintenance_already_resolved"):
            services.maintenance_record_set_status(record=record, status=status)

        assert MaintenanceRecord.objects.get().status == MaintenanceRecord.Status.RESOLVED
        assert Equipment.objects.get().status == Equipment.Status.WORKING

    def test_the_same_status_again_is_refused(self):
        record = MaintenanceRecordFactory()

        with refused("maintenance_same_status"):
            services.maintenance_record_set_status(record=record, status=MaintenanceRecord.Status.OPEN)

    def test_an_unknown_status_is_refused(self):
        record = MaintenanceRecordFactory()

        with refused("maintenance_status_invalid"):
            services.maintenance_record_set_status(record=record, status="fixed-ish")

    def test_an_unsaved_record_is_refused(self):
        with refused("maintenance_required"):
            services.maintenance_record_set_status(
                record=MaintenanceRecord(), status=MaintenanceRecord.Status.IN_PROGRESS
            )
