import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.admin import split_datetime
from clubsite.testing.errors import span_text
from clubsite.testing.jobs import run_jobs
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
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory


def said(code: str, **params) -> str:
    """What a person reads for ``code``: the text of the operations error table."""
    return SchedulingError(code, **params).message


pytestmark = pytest.mark.django_db

# The registrations inline's management form, as a browser posts it with the class page.
NO_INLINE_ROWS = {"registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0"}


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:operations_{model}_{view}", args=args)


def test_a_resolved_maintenance_record_opens_read_only(admin_client):
    record = MaintenanceRecordFactory(
        status=MaintenanceRecord.Status.RESOLVED,
        reported_at=timezone.now() - datetime.timedelta(hours=1),
        resolved_at=timezone.now(),
    )

    response = admin_client.get(url("maintenancerecord", "change", record.pk))

    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


class TestGroupClassAdmin:
    def form(self, **changes):
        trainer = changes.pop("trainer", None) or TrainerAvailabilityFactory().trainer
        room = changes.pop("room", None) or RoomFactory(capacity=20)
        start = changes.pop("start", local_time(days=1, hour=10))
        return {
            "name": "Spin",
            "description": "",
            "level": "all",
            "trainer": trainer.pk,
            "room": room.pk,
            **split_datetime(start, "start_time"),
            **split_datetime(start + datetime.timedelta(hours=1), "end_time"),
            "capacity": 12,
            "price": "8.00",
            **changes,
        }

    def test_adding_a_class_books_its_trainer_and_room(self, admin_client):
        response = admin_client.post(url("groupclass", "add"), self.form())

        assert response.status_code == 302
        group_class = GroupClass.objects.select_related("booking").get()
        assert (group_class.name, group_class.capacity, group_class.price) == ("Spin", 12, Decimal("8.00"))
        assert group_class.booking.start_time == local_time(days=1, hour=10)

    def test_adding_a_weekly_series(self, admin_client):
        trainer = TrainerFactory()
        for week in range(2):
            TrainerAvailabilityFactory(
                trainer=trainer,
                start_time=local_time(days=1 + 7 * week, hour=8),
                end_time=local_time(days=1 + 7 * week, hour=18),
            )
        first = local_time(days=1, hour=10)

        response = admin_client.post(
            url("groupclass", "add"),
            self.form(
                trainer=trainer,
                repeat_on=[str(first.weekday())],
                repeat_until=(first + datetime.timedelta(days=7)).date().isoformat(),
            ),
        )

        assert response.status_code == 302
        assert GroupClass.objects.count() == 2
        assert GroupClass.objects.values("series").distinct().count() == 1

    def test_a_broken_rule_is_shown_on_the_form_and_nothing_is_saved(self, admin_client):
        taken = BookingFactory(title="Open day")

        response = admin_client.post(url("groupclass", "add"), self.form(room=taken.room))

        assert response.status_code == 200
        message = said("room_booked_by", booking=f"Open day {span_text(taken.start_time, taken.end_time)}")
        assert message in response.content.decode()
        assert not GroupClass.objects.exists()

    def test_changing_the_time_reschedules_the_class(self, admin_client):
        window = TrainerAvailabilityFactory()
        group_class = GroupClassFactory(booking__trainer=window.trainer)
        new_start = local_time(days=1, hour=15)

        response = admin_client.post(
            url("groupclass", "change", group_class.pk),
            {
                "trainer": window.trainer.pk,
                "room": group_class.booking.room_id,
                **split_datetime(new_start, "start_time"),
                **split_datetime(new_start + datetime.timedelta(hours=1), "end_time"),
                **NO_INLINE_ROWS,
            },
        )

        assert response.status_code == 302
        assert Booking.objects.get().start_time == new_start

    def test_a_reschedule_outside_availability_is_a_form_error(self, admin_client):
        window = TrainerAvailabilityFactory()
        group_class = GroupClassFactory(
            booking__trainer=window.trainer, booking__start_time=local_time(days=1, hour=10)
        )
        new_start = local_time(days=1, hour=20)

        response = admin_client.post(
            url("groupclass", "change", group_class.pk),
            {
                "trainer": window.trainer.pk,
                "room": group_class.booking.room_id,
                **split_datetime(new_start, "start_time"),
                **split_datetime(new_start + datetime.timedelta(hours=1), "end_time"),
                **NO_INLINE_ROWS,
            },
        )

        assert response.status_code == 200
        assert said("trainer_unavailable") in response.content.decode()
        assert Booking.objects.get().start_time == local_time(days=1, hour=10)

    def test_the_cancel_action_cancels_through_the_service(self, admin_client, mailoutbox):
        registration = ClassRegistrationFactory()
        started = GroupClassFactory(booking__start_time=timezone.now() - datetime.timedelta(minutes=5))

        response = admin_client.post(
            url("groupclass", "changelist"),
            {"action": "cancel_classes", "_selected_action": [registration.group_class_id, started.pk]},
            follow=True,
        )
        run_jobs()

        assert response.status_code == 200
        content = response.content.decode()
        assert "1 class cancelled; its members were told." in content
        assert said("class_started") in content
        registration.refresh_from_db()
        assert registration.status == ClassRegistration.Status.CANCELLED
        assert Booking.objects.get(pk=started.booking_id).status == Booking.Status.SCHEDULED
        assert len(mailoutbox) == 1


class TestBookingAdmin:
    def test_adding_an_event(self, admin_client):
        room = RoomFactory()
        start = local_time(days=1, hour=18)

        response = admin_client.post(
            url("booking", "add"),
            {
                "room": room.pk,
                "kind": Booking.Kind.CLOSURE,
                "title": "Deep clean",
                **split_datetime(start, "start_time"),
                **split_datetime(start + datetime.timedelta(hours=2), "end_time"),
            },
        )

        assert response.status_code == 302
        booking = Booking.objects.get()
        assert (booking.room, booking.kind, booking.title) == (room, Booking.Kind.CLOSURE, "Deep clean")

    def test_a_double_booking_is_a_form_error(self, admin_client):
        taken = BookingFactory(title="Open day")

        response = admin_client.post(
            url("booking", "add"),
            {
                "room": taken.room.pk,
                "kind": Booking.Kind.EVENT,
                "title": "Talk",
                **split_datetime(taken.start_time, "start_time"),
                **split_datetime(taken.end_time, "end_time"),
            },
        )

        assert response.status_code == 200
        assert (
            said("room_booked_by", booking=f"Open day {span_text(taken.start_time, taken.end_time)}")
            in response.content.decode()
        )
        assert Booking.objects.count() == 1

    def test_the_cancel_action(self, admin_client):
        booking = BookingFactory()

        admin_client.post(url("booking", "changelist"), {"action": "cancel_bookings", "_selected_action": [booking.pk]})

        assert Booking.objects.get().status == Booking.Status.CANCELLED


class TestMaintenanceAdmin:
    def test_reporting_an_issue_breaks_the_equipment_and_records_who(self, admin_client, admin_user):
        equipment = EquipmentFactory()

        response = admin_client.post(
            url("maintenancerecord", "add"), {"equipment": equipment.pk, "issue_description": "Wobbles"}
        )

        assert response.status_code == 302
        record = MaintenanceRecord.objects.get()
        assert (record.issue_description, record.reported_by) == ("Wobbles", admin_user)
        assert Equipment.objects.get().status == Equipment.Status.BROKEN

    def test_resolving_needs_notes_then_sets_resolved_at(self, admin_client):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Wobbles")
        address = url("maintenancerecord", "change", record.pk)

        refused = admin_client.post(address, {"status": MaintenanceRecord.Status.RESOLVED, "resolution_notes": ""})
        assert refused.status_code == 200
        assert said("resolution_notes_required") in refused.content.decode()
        assert MaintenanceRecord.objects.get().resolved_at is None

        done = admin_client.post(
            address, {"status": MaintenanceRecord.Status.RESOLVED, "resolution_notes": "New feet fitted"}
        )
        assert done.status_code == 302
        record.refresh_from_db()
        assert record.status == MaintenanceRecord.Status.RESOLVED
        assert record.resolved_at is not None
        assert Equipment.objects.get().status == Equipment.Status.WORKING


class TestRegistrationAdmin:
    def test_registering_a_member(self, admin_client):
        group_class = GroupClassFactory(capacity=1)
        ClassRegistrationFactory(group_class=group_class)
        member = MemberFactory()

        response = admin_client.post(
            url("classregistration", "add"), {"member": member.pk, "group_class": group_class.pk}
        )

        assert response.status_code == 302
        assert ClassRegistration.objects.get(member=member).status == ClassRegistration.Status.WAITLISTED

    def test_registering_twice_is_a_form_error(self, admin_client):
        registration = ClassRegistrationFactory()

        response = admin_client.post(
            url("classregistration", "add"),
            {"member": registration.member_id, "group_class": registration.group_class_id},
        )

        assert response.status_code == 200
        assert said("already_registered") in response.content.decode()
        assert ClassRegistration.objects.count() == 1

    def test_the_cancel_action_promotes_the_waitlist(self, admin_client):
        seated = ClassRegistrationFactory(group_class__capacity=1)
        waiting = ClassRegistrationFactory(group_class=seated.group_class, status=ClassRegistration.Status.WAITLISTED)

        admin_client.post(
            url("classregistration", "changelist"),
            {"action": "cancel_registrations", "_selected_action": [seated.pk]},
        )

        waiting.refresh_from_db()
        assert waiting.status == ClassRegistration.Status.REGISTERED


class TestPersonalTrainingAdmin:
    def test_booking_a_session_for_a_member(self, admin_client):
        window = TrainerAvailabilityFactory()
        member = MemberFactory()
        start = local_time(days=1, hour=9)

        response = admin_client.post(
            url("personaltrainingsession", "add"),
            {
                "member": member.pk,
                "trainer": window.trainer.pk,
                "room": "",
                **split_datetime(start, "start_time"),
                **split_datetime(start + datetime.timedelta(hours=1), "end_time"),
                "notes": "First session",
            },
        )

        assert response.status_code == 302
        session = PersonalTrainingSession.objects.select_related("booking").get()
        assert (session.member, session.booking.room, session.price) == (member, None, Decimal("40.00"))

    def test_moving_a_session_inside_the_cut_off_is_allowed_for_staff(self, admin_client):
        window = TrainerAvailabilityFactory()
        session = PersonalTrainingSessionFactory(
            booking__trainer=window.trainer,
            booking__start_time=timezone.now() + datetime.timedelta(hours=1),
        )
        new_start = local_time(days=1, hour=12)

        response = admin_client.post(
            url("personaltrainingsession", "change", session.pk),
            {
                "room": "",
                **split_datetime(new_start, "start_time"),
                **split_datetime(new_start + datetime.timedelta(hours=1), "end_time"),
            },
        )

        assert response.status_code == 302
        assert Booking.objects.get().start_time == new_start

    @pytest.mark.parametrize(
        ("action", "status"),
        [("mark_sessions_completed", Booking.Status.COMPLETED), ("mark_sessions_no_show", Booking.Status.NO_SHOW)],
    )
    def test_marking_a_session(self, admin_client, action, status):
        session = PersonalTrainingSessionFactory(booking__start_time=timezone.now() - datetime.timedelta(hours=2))

        admin_client.post(
            url("personaltrainingsession", "changelist"), {"action": action, "_selected_action": [session.pk]}
        )

        assert Booking.objects.get().status == status

    def test_cancelling_a_session(self, admin_client):
        session = PersonalTrainingSessionFactory()

        admin_client.post(
            url("personaltrainingsession", "changelist"),
            {"action": "cancel_sessions", "_selected_action": [session.pk]},
        )

        assert Booking.objects.get().status == Booking.Status.CANCELLED


def test_change_pages_with_inline_rows_open(admin_client):
    registration = ClassRegistrationFactory()
    record = MaintenanceRecordFactory()

    class_page = admin_client.get(url("groupclass", "change", registration.group_class_id))
    equipment_page = admin_client.get(url("equipment", "change", record.equipment_id))

    assert class_page.status_code == equipment_page.status_code == 200
    assert str(registration.member) in class_page.content.decode()
    assert record.issue_description in equipment_page.content.decode()
