"""The staff back office for rooms, equipment, bookings and classes: pages, actions, rules shown, query budgets."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing import messages_of
from clubsite.testing.admin import query_count, split_datetime
from clubsite.testing.errors import day_text, span_text
from clubsite.testing.jobs import run_jobs
from clubsite.testing.roles import sign_in_as
from members.tests.factories import MemberFactory
from operations import services
from operations.errors import SchedulingError
from operations.models import Booking, ClassRegistration, Equipment, GroupClass, MaintenanceRecord, Room
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

NO_INLINE_ROWS = {"registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0"}
# Queries of a changelist page whatever its number of rows: session, user, permissions, counts, rows, filters.
# One of them is the second factor: the device that verified the session (manager, billing), or the staff role
# the two-factor rule reads (the other roles). One more is the staff role the managers-only menu entries (the audit
# trail, erasure requests) read for a manager.
CHANGELIST_BUDGET = 14


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:operations_{model}_{view}", args=args)


def rows_of(response) -> list:
    return list(response.context["cl"].result_list)


def a_day_of_bookings(hour: int = 9) -> None:
    """A class (with a registration), a PT session and an event, each on its own trainer and room, tomorrow."""
    ClassRegistrationFactory(group_class__booking__start_time=local_time(days=1, hour=hour))
    PersonalTrainingSessionFactory(booking__start_time=local_time(days=1, hour=hour))
    BookingFactory(start_time=local_time(days=1, hour=hour), title=f"Talk at {hour}")


# ---------------------------------------------------------------------------------------------
# Bookings
# ---------------------------------------------------------------------------------------------


class TestBookingList:
    def test_the_list_names_what_each_booking_is_for(self, admin_client):
        registration = ClassRegistrationFactory(group_class__name="Spin")
        session = PersonalTrainingSessionFactory()
        BookingFactory(title="Open day")

        content = admin_client.get(url("booking", "changelist")).content.decode()

        assert "Spin" in content
        assert f"Personal training with {session.member}" in content
        assert "Open day" in content
        assert registration.group_class.booking.room.name in content

    def test_filters_by_room_kind_and_date(self, admin_client):
        room = RoomFactory()
        today_event = BookingFactory(room=room, start_time=timezone.now() + datetime.timedelta(minutes=5))
        tomorrow_event = BookingFactory(room=room, start_time=local_time(days=1, hour=9))
        closure = BookingFactory(room=room, kind=Booking.Kind.CLOSURE, start_time=local_time(days=3, hour=9))
        elsewhere = BookingFactory(start_time=local_time(days=1, hour=9))
        changelist = url("booking", "changelist")

        by_room = rows_of(admin_client.get(changelist, {"room__id__exact": room.pk}))
        by_kind = rows_of(admin_client.get(changelist, {"kind__exact": Booking.Kind.CLOSURE}))
        tomorrow = rows_of(admin_client.get(changelist, {"when": "tomorrow"}))
        week = rows_of(admin_client.get(changelist, {"when": "week", "room__id__exact": room.pk}))

        if timezone.localdate(today_event.start_time) == timezone.localdate():
            assert today_event in rows_of(admin_client.get(changelist, {"when": "today"}))
        assert set(by_room) == {today_event, tomorrow_event, closure}
        assert by_kind == [closure]
        assert set(tomorrow) == {tomorrow_event, elsewhere}
        assert set(week) == {today_event, tomorrow_event, closure}

    @pytest.mark.parametrize("role", ["manager", "front_desk"])
    def test_the_booking_list_stays_within_its_query_budget(self, client, role):
        sign_in_as(client, role)
        changelist = url("booking", "changelist")
        a_day_of_bookings(9)
        few = query_count(client, changelist)

        for hour in (11, 13, 15):
            a_day_of_bookings(hour)

        assert query_count(client, changelist) == few <= CHANGELIST_BUDGET

    def test_the_change_page_points_to_where_a_class_is_moved(self, admin_client):
        group_class = GroupClassFactory()

        content = admin_client.get(url("booking", "change", group_class.booking_id)).content.decode()

        assert url("groupclass", "change", group_class.pk) in content


class TestMoveToRoom:
    def move(self, client, bookings, room, follow=True):
        return client.post(
            url("booking", "changelist"),
            {"action": "move_to_room", "_selected_action": [b.pk for b in bookings], "apply": "1", "room": room.pk},
            follow=follow,
        )

    def test_the_action_asks_for_the_room_first(self, admin_client):
        booking = GroupClassFactory().booking

        response = admin_client.post(
            url("booking", "changelist"), {"action": "move_to_room", "_selected_action": [booking.pk]}
        )

        assert response.status_code == 200
        assert 'name="room"' in response.content.decode()
        assert Booking.objects.get().room == booking.room

    def test_moving_a_class_and_a_session_keeps_their_times_and_tells_everyone_booked(self, admin_client, mailoutbox):
        window = TrainerAvailabilityFactory()
        registration = ClassRegistrationFactory(
            group_class__booking__trainer=window.trainer, group_class__booking__start_time=local_time(days=1, hour=10)
        )
        other_window = TrainerAvailabilityFactory()
        session = PersonalTrainingSessionFactory(booking__trainer=other_window.trainer, booking__room=None)
        big_room = RoomFactory(capacity=30)
        bookings = [registration.group_class.booking, session.booking]

        response = self.move(admin_client, bookings, big_room)
        run_jobs()

        assert f"2 bookings moved to {big_room}." in messages_of(response)
        for booking in bookings:
            before = booking.start_time
            booking.refresh_from_db()
            assert (booking.room, booking.start_time) == (big_room, before)
        assert sorted((mail.to[0], mail.subject) for mail in mailoutbox) == sorted(
            [
                (registration.member.user.email, f"{registration.group_class.name} has been moved"),
                (session.member.user.email, "Personal training moved"),
                (other_window.trainer.user.email, f"Personal training moved: {session.member}"),
            ]
        )

    def test_a_taken_room_is_named_and_an_event_is_not_moved(self, admin_client):
        window = TrainerAvailabilityFactory()
        group_class = GroupClassFactory(
            booking__trainer=window.trainer, booking__start_time=local_time(days=1, hour=10)
        )
        taken = BookingFactory(title="Open day")  # the same time, tomorrow 10:00
        event = BookingFactory(start_time=local_time(days=2, hour=10))

        response = self.move(admin_client, [group_class.booking, event], taken.room)

        shown = messages_of(response)
        clash = said("room_booked_by", booking=f"Open day {span_text(taken.start_time, taken.end_time)}")
        assert f"{group_class.booking}: {clash}" in shown
        assert f"{event}: {said('events_move_by_rebooking')}" in shown
        group_class.booking.refresh_from_db()
        assert group_class.booking.room != taken.room


class TestDayView:
    def test_each_room_shows_its_bookings_of_the_day_side_by_side(self, admin_client):
        spin, yoga, empty = RoomFactory(name="Spin Room"), RoomFactory(name="Yoga Loft"), RoomFactory(name="Annex")
        group_class = GroupClassFactory(
            name="Spin Express", booking__room=spin, booking__start_time=local_time(days=1, hour=10)
        )
        event = BookingFactory(room=yoga, title="Open day", start_time=local_time(days=1, hour=14))
        BookingFactory(room=yoga, title="Gone", status=Booking.Status.CANCELLED, start_time=local_time(days=1, hour=16))
        BookingFactory(room=yoga, title="Another day", start_time=local_time(days=2, hour=14))
        day = timezone.localdate() + datetime.timedelta(days=1)

        response = admin_client.get(url("booking", "day"), {"date": day.isoformat()})

        assert response.status_code == 200
        columns = {
            column["room"].name: [b["booking"] for b in column["blocks"]] for column in response.context["columns"]
        }
        assert columns == {"Annex": [], "Spin Room": [group_class.booking], "Yoga Loft": [event]}
        assert [column["room"] for column in response.context["columns"]] == [empty, spin, yoga]
        content = response.content.decode()
        assert "Spin Express" in content and "Open day" in content and "Gone" not in content
        # A minute is a pixel: 14:00 sits four hours below 10:00.
        tops = {b["booking"].pk: b["top"] for column in response.context["columns"] for b in column["blocks"]}
        assert tops[event.pk] - tops[group_class.booking_id] == 240

    def test_without_a_date_it_shows_today_and_links_the_days_around(self, admin_client):
        response = admin_client.get(url("booking", "day"), {"date": "not-a-date"})

        today = timezone.localdate()
        assert response.context["day"] == today
        assert f"?date={today + datetime.timedelta(days=1):%Y-%m-%d}" in response.content.decode()

    def test_the_day_view_costs_the_same_queries_however_busy_the_day(self, admin_client):
        day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        a_day_of_bookings(9)
        few = query_count(admin_client, url("booking", "day") + f"?date={day}")

        for hour in (11, 13, 15):
            a_day_of_bookings(hour)

        assert query_count(admin_client, url("booking", "day") + f"?date={day}") == few

    def test_staff_who_cannot_see_bookings_cannot_see_the_day(self, client):
        sign_in_as(client, "maintenance")

        assert client.get(url("booking", "day")).status_code == 403


# ---------------------------------------------------------------------------------------------
# Rooms, equipment and maintenance
# ---------------------------------------------------------------------------------------------


class TestRoomAdmin:
    def test_adding_and_renaming_a_room(self, admin_client):
        added = admin_client.post(url("room", "add"), {"name": " Annex ", "location": "Yard", "capacity": 8})
        room = Room.objects.get()
        renamed = admin_client.post(url("room", "change", room.pk), {"name": "Garden", "location": "", "capacity": 10})

        assert (added.status_code, renamed.status_code) == (302, 302)
        room.refresh_from_db()
        assert (room.name, room.location, room.capacity) == ("Garden", "", 10)

    def test_a_room_cannot_shrink_below_its_upcoming_classes(self, admin_client):
        group_class = GroupClassFactory(name="Spin", capacity=12, booking__room__capacity=20)
        room = group_class.booking.room

        response = admin_client.post(
            url("room", "change", room.pk), {"name": room.name, "location": "", "capacity": 10}
        )

        assert response.status_code == 200
        expected = said(
            "room_capacity_below_classes",
            room=room.name,
            capacity=12,
            classes=f"Spin {span_text(group_class.booking.start_time, group_class.booking.end_time)} (12 places)",
        )
        assert response.context["adminform"].form.errors["capacity"] == [expected]
        room.refresh_from_db()
        assert room.capacity == 20

    def test_a_taken_name_is_a_form_error(self, admin_client):
        RoomFactory(name="Annex")

        response = admin_client.post(url("room", "add"), {"name": "annex", "location": "", "capacity": 8})

        assert response.context["adminform"].form.errors["name"] == [said("room_name_taken")]

    def test_open_issues_are_counted_per_room(self, admin_client):
        room = RoomFactory(name="Spin Room")
        bike, other_bike = EquipmentFactory(room=room), EquipmentFactory(room=room)
        for equipment in (bike, bike, other_bike):
            services.maintenance_record_create(equipment=equipment, issue_description="Squeaks")
        done = services.maintenance_record_create(equipment=other_bike, issue_description="Loose pedal")
        services.maintenance_record_set_status(record=done, status="resolved", resolution_notes="Tightened")
        RoomFactory(name="Annex")

        response = admin_client.get(url("room", "changelist"))

        counts = {room.name: (room.equipment_count, room.open_issues) for room in rows_of(response)}
        assert counts == {"Annex": (0, 0), "Spin Room": (2, 3)}


class TestEquipmentAdmin:
    def test_the_equipment_page_lists_its_records_and_links_a_new_report(self, admin_client):
        record = MaintenanceRecordFactory(issue_description="Belt slips")

        content = admin_client.get(url("equipment", "change", record.equipment_id)).content.decode()

        assert "Belt slips" in content
        assert f"{url('maintenancerecord', 'add')}?equipment={record.equipment_id}" in content

    def test_filters_by_status_and_room(self, admin_client):
        broken = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Dead").equipment
        working = EquipmentFactory(room=broken.room)
        EquipmentFactory()

        by_status = rows_of(admin_client.get(url("equipment", "changelist"), {"status__exact": "broken"}))
        by_room = rows_of(admin_client.get(url("equipment", "changelist"), {"room__id__exact": broken.room_id}))

        assert by_status == [broken]
        assert set(by_room) == {broken, working}
        assert by_status[0].open_count == 1


class TestMaintenanceActions:
    def changelist(self, client, action, records, **extra):
        return client.post(
            url("maintenancerecord", "changelist"),
            {"action": action, "_selected_action": [r.pk for r in records], **extra},
            follow=True,
        )

    def test_open_to_in_progress_to_resolved_and_the_equipment_follows(self, admin_client):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Dead")

        self.changelist(admin_client, "start_work", [record])
        record.refresh_from_db()
        assert record.status == MaintenanceRecord.Status.IN_PROGRESS
        assert Equipment.objects.get().status == Equipment.Status.IN_REPAIR

        response = self.changelist(admin_client, "resolve", [record], apply="1", **{f"notes_{record.pk}": "Rewired"})
        assert "1 maintenance issue marked resolved." in messages_of(response)
        record.refresh_from_db()
        assert (record.status, record.resolution_notes) == ("resolved", "Rewired")
        assert record.resolved_at is not None
        assert Equipment.objects.get().status == Equipment.Status.WORKING

    def test_resolving_asks_for_notes_on_a_page_of_its_own_and_requires_them(self, admin_client):
        first = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Dead")
        second = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Loud")

        asked = self.changelist(admin_client, "resolve", [first, second])
        refused = self.changelist(
            admin_client, "resolve", [first, second], apply="1", **{f"notes_{first.pk}": "Rewired"}
        )

        assert f'name="notes_{first.pk}"' in asked.content.decode()
        content = refused.content.decode()
        assert said("resolution_notes_required") in content
        assert "Rewired" in content  # what was typed is kept
        assert not MaintenanceRecord.objects.filter(status="resolved").exists()

    def test_a_record_already_resolved_is_named_in_the_refusal(self, admin_client):
        record = services.maintenance_record_create(equipment=EquipmentFactory(), issue_description="Dead")
        services.maintenance_record_set_status(record=record, status="resolved", resolution_notes="Fixed")

        response = self.changelist(admin_client, "start_work", [record])

        assert f"{record}: {said('maintenance_already_resolved')}" in messages_of(response)


# ---------------------------------------------------------------------------------------------
# Classes and registrations
# ---------------------------------------------------------------------------------------------


class TestClassAdmin:
    def form(self, trainer, room, start, **series):
        return {
            "name": "Spin",
            "description": "",
            "trainer": trainer.pk,
            "room": room.pk,
            **split_datetime(start, "start_time"),
            **split_datetime(start + datetime.timedelta(hours=1), "end_time"),
            "capacity": 12,
            "price": "8.00",
            **series,
        }

    def test_a_weekly_series_reports_every_collision_and_creates_nothing(self, admin_client):
        trainer = TrainerFactory()
        for week in range(3):
            TrainerAvailabilityFactory(
                trainer=trainer,
                start_time=local_time(days=1 + 7 * week, hour=8),
                end_time=local_time(days=1 + 7 * week, hour=18),
            )
        room = RoomFactory(capacity=20)
        first = BookingFactory(room=room, title="Open day", start_time=local_time(days=1, hour=10))
        third = BookingFactory(room=room, title="Repairs", start_time=local_time(days=15, hour=10))

        start = local_time(days=1, hour=10)
        every_week = {
            "repeat_on": [str(start.weekday())],
            "repeat_until": (start + datetime.timedelta(days=14)).date().isoformat(),
        }

        response = admin_client.post(url("groupclass", "add"), self.form(trainer, room, start, **every_week))

        assert response.status_code == 200
        lines = [
            said(
                "class_series_date_problem",
                day=f"{day_text(booking.start_time)} {booking.start_time.year}",
                problem=said(
                    "room_booked_by", booking=f"{booking.title} {span_text(booking.start_time, booking.end_time)}"
                ),
            )
            for booking in (first, third)
        ]
        assert response.context["adminform"].form.non_field_errors() == [
            said("class_series_collides_heading"),
            *lines,
        ]
        assert not GroupClass.objects.exists()

    def test_a_class_bigger_than_its_room_is_refused(self, admin_client):
        window = TrainerAvailabilityFactory()
        room = RoomFactory(name="PT Suite", capacity=4)

        response = admin_client.post(
            url("groupclass", "add"), self.form(window.trainer, room, local_time(days=1, hour=10))
        )

        message = said("class_capacity_above_room", room="PT Suite", room_capacity=4, capacity=12)
        assert response.context["adminform"].form.errors["capacity"] == [message]

    def test_rescheduling_emails_the_registered_members(self, admin_client, mailoutbox):
        window = TrainerAvailabilityFactory()
        registration = ClassRegistrationFactory(group_class__booking__trainer=window.trainer)
        ClassRegistrationFactory(group_class=registration.group_class, status=ClassRegistration.Status.CANCELLED)
        group_class = registration.group_class
        new_start = local_time(days=1, hour=16)

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
        run_jobs()

        assert response.status_code == 302
        assert [mail.to for mail in mailoutbox] == [[registration.member.user.email]]
        assert "has been moved" in mailoutbox[0].subject

    def test_registrations_are_shown_inline_seats_first_then_the_waitlist_in_order(self, admin_client):
        group_class = GroupClassFactory(capacity=2)
        now = timezone.now()
        made = {}
        for name, status, minutes in [
            ("late waiter", ClassRegistration.Status.WAITLISTED, 5),
            ("first seat", ClassRegistration.Status.REGISTERED, 1),
            ("gave up", ClassRegistration.Status.CANCELLED, 0),
            ("early waiter", ClassRegistration.Status.WAITLISTED, 3),
            ("second seat", ClassRegistration.Status.REGISTERED, 2),
        ]:
            made[name] = ClassRegistrationFactory(
                group_class=group_class,
                status=status,
                registered_at=now - datetime.timedelta(minutes=10 - minutes),
                member=MemberFactory(user__first_name=name.title(), user__last_name="Test"),
            )

        response = admin_client.get(url("groupclass", "change", group_class.pk))

        inline = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is ClassRegistration)
        shown = [(form.original.member, inline.opts.place(form.original)) for form in inline]
        assert shown == [
            (made["first seat"].member, "Seat 1"),
            (made["second seat"].member, "Seat 2"),
            (made["early waiter"].member, "Waitlist 1"),
            (made["late waiter"].member, "Waitlist 2"),
            (made["gave up"].member, "—"),
        ]
        assert f"{url('classregistration', 'add')}?group_class={group_class.pk}" in response.content.decode()

    def test_the_class_list_shows_how_full_each_class_is(self, admin_client):
        group_class = GroupClassFactory(capacity=4)
        ClassRegistrationFactory.create_batch(3, group_class=group_class)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

        response = admin_client.get(url("groupclass", "changelist"))

        row = rows_of(response)[0]
        assert (row.seated_count, row.waitlist_count) == (3, 1)
        assert "3 of 4, 1 waiting" in response.content.decode()


class TestRegistrationList:
    def test_waitlisted_registrations_show_their_place(self, admin_client):
        seated = ClassRegistrationFactory(group_class__capacity=1)
        now = timezone.now()
        second = ClassRegistrationFactory(
            group_class=seated.group_class, status="waitlisted", registered_at=now - datetime.timedelta(minutes=1)
        )
        first = ClassRegistrationFactory(
            group_class=seated.group_class, status="waitlisted", registered_at=now - datetime.timedelta(minutes=2)
        )

        rows = {row.pk: row for row in rows_of(admin_client.get(url("classregistration", "changelist")))}

        assert (rows[first.pk].waitlist_place, rows[second.pk].waitlist_place) == (1, 2)

    @pytest.mark.parametrize("role", ["manager", "front_desk"])
    def test_the_registration_list_stays_within_its_query_budget(self, client, role):
        sign_in_as(client, role)
        changelist = url("classregistration", "changelist")
        group_class = GroupClassFactory(capacity=2)
        ClassRegistrationFactory(group_class=group_class)
        few = query_count(client, changelist)

        ClassRegistrationFactory(group_class=group_class)
        ClassRegistrationFactory.create_batch(3, group_class=group_class, status="waitlisted")
        ClassRegistrationFactory.create_batch(3)

        assert query_count(client, changelist) == few <= CHANGELIST_BUDGET

    def test_the_date_filter_finds_registrations_by_class_date(self, admin_client):
        tomorrow = ClassRegistrationFactory(group_class__booking__start_time=local_time(days=1, hour=9))
        ClassRegistrationFactory(group_class__booking__start_time=local_time(days=3, hour=9))

        response = admin_client.get(url("classregistration", "changelist"), {"when": "tomorrow"})

        assert rows_of(response) == [tomorrow]
