"""What the operations admin says and shows: whole sentences with plurals after an action, records and bookings
named without half a phrase and with a readable time, lists that start with what is coming, and the front desk's
class choice that offers today's and upcoming classes first."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing import messages_of
from members.tests.factories import MemberFactory
from operations.models import Booking, MaintenanceRecord
from operations.tests.factories import (
    BookingFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    PersonalTrainingSessionFactory,
    local_time,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def changelist(model: str) -> str:
    return reverse(f"admin:operations_{model}_changelist")


def a_class_at(start: datetime.datetime, name: str = "Spin"):
    return GroupClassFactory(name=name, booking__start_time=start, booking__end_time=start + HOUR)


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


class TestNames:
    def test_a_class_booking_is_named_by_its_class_and_a_readable_time(self):
        start = timezone.make_aware(datetime.datetime(2026, 11, 18, 7, 0))
        group_class = a_class_at(start)

        assert str(group_class.booking) == "Spin, Wed 18 Nov 2026 07:00"
        assert str(group_class) == "Spin, Wed 18 Nov 2026 07:00"

    def test_an_event_and_a_session_read_the_same_way(self):
        start = timezone.make_aware(datetime.datetime(2026, 11, 18, 7, 0))
        event = BookingFactory(title="Open day", start_time=start)
        session = PersonalTrainingSessionFactory(
            booking__start_time=start, member=MemberFactory(user__first_name="Ann", user__last_name="Lee")
        )

        assert str(event) == "Open day, Wed 18 Nov 2026 07:00"
        assert str(session.booking) == "Personal training, Wed 18 Nov 2026 07:00"
        assert str(session) == f"Personal training with {session.member}, Wed 18 Nov 2026 07:00"

    def test_a_maintenance_record_is_named_by_a_whole_sentence(self):
        record = MaintenanceRecordFactory(
            issue_description="Belt slips. It started last week at speeds above 12 km/h, worse when warm."
        )

        assert str(record) == f"{record.equipment}: Belt slips."

    def test_a_long_first_sentence_is_never_cut_mid_phrase(self):
        reported = timezone.make_aware(datetime.datetime(2026, 12, 3, 10, 15))
        record = MaintenanceRecordFactory(
            reported_at=reported,
            issue_description="The belt slips and the motor stutters loudly at speeds above 12 km/h when it is warm",
        )

        assert str(record) == f"{record.equipment}: issue reported Thu 3 Dec 2026 10:15"

    def test_the_added_message_quotes_a_whole_phrase(self, admin_client):
        equipment = EquipmentFactory(name="Treadmill", asset_tag="T-1")
        issue = "The belt slips and the motor stutters loudly at speeds above 12 km/h when it is warm"

        response = admin_client.post(
            reverse("admin:operations_maintenancerecord_add"),
            {"equipment": equipment.pk, "issue_description": issue},
            follow=True,
        )

        (message,) = messages_of(response)
        record = MaintenanceRecord.objects.get()
        assert message.startswith("The maintenance record “")
        assert f">{record}</a>” was added successfully." in message
        assert "speeds above" not in message


# ---------------------------------------------------------------------------------------------
# Action messages: whole sentences, with plurals
# ---------------------------------------------------------------------------------------------


class TestActionMessages:
    def test_resolving_one_record(self, admin_client):
        record = MaintenanceRecordFactory()

        response = admin_client.post(
            changelist("maintenancerecord"),
            {"action": "resolve", "_selected_action": [record.pk], "apply": "1", f"notes_{record.pk}": "New belt"},
            follow=True,
        )

        assert messages_of(response) == ["1 maintenance issue marked resolved."]

    def test_starting_work_on_two_records(self, admin_client):
        records = MaintenanceRecordFactory.create_batch(2)

        response = admin_client.post(
            changelist("maintenancerecord"),
            {"action": "start_work", "_selected_action": [r.pk for r in records]},
            follow=True,
        )

        assert messages_of(response) == ["2 maintenance issues marked in progress."]

    def test_cancelling_two_bookings(self, admin_client):
        bookings = [BookingFactory(start_time=local_time(days=2, hour=hour)) for hour in (9, 11)]

        response = admin_client.post(
            changelist("booking"),
            {"action": "cancel_bookings", "_selected_action": [b.pk for b in bookings]},
            follow=True,
        )

        assert messages_of(response) == ["2 bookings cancelled."]
        assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.CANCELLED}

    def test_cancelling_a_class(self, admin_client, mailoutbox):
        group_class = GroupClassFactory()

        response = admin_client.post(
            changelist("groupclass"), {"action": "cancel_classes", "_selected_action": [group_class.pk]}, follow=True
        )

        assert messages_of(response) == ["1 class cancelled; its members were told."]


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def rows_of(response) -> list:
    return list(response.context["cl"].result_list)


class TestTheClassList:
    def test_it_opens_on_today_and_later_soonest_first(self, admin_client):
        past = a_class_at(local_time(days=-3, hour=9))
        later = a_class_at(local_time(days=5, hour=9))
        sooner = a_class_at(local_time(days=1, hour=9))

        response = admin_client.get(changelist("groupclass"))

        assert rows_of(response) == [sooner, later]
        assert past not in rows_of(response)

    def test_past_classes_are_a_filter_away_latest_first(self, admin_client):
        older = a_class_at(local_time(days=-9, hour=9))
        recent = a_class_at(local_time(days=-2, hour=9))
        a_class_at(local_time(days=1, hour=9))

        response = admin_client.get(changelist("groupclass"), {"when": "past"})

        assert rows_of(response) == [recent, older]

    def test_all_lists_every_class(self, admin_client):
        classes = [a_class_at(local_time(days=days, hour=9)) for days in (-2, 1)]

        response = admin_client.get(changelist("groupclass"), {"when": "all"})

        assert rows_of(response) == classes

    def test_a_date_of_the_hierarchy_shows_that_date_even_in_the_past(self, admin_client):
        past = a_class_at(local_time(days=-3, hour=9))
        day = timezone.localtime(past.booking.start_time).date()

        response = admin_client.get(
            changelist("groupclass"),
            {
                "booking__start_time__year": day.year,
                "booking__start_time__month": day.month,
                "booking__start_time__day": day.day,
            },
        )

        assert rows_of(response) == [past]

    def test_the_columns_are_few_and_the_seats_read_with_the_capacity(self, admin_client):
        group_class = a_class_at(local_time(days=1, hour=9))

        response = admin_client.get(changelist("groupclass"))

        assert response.context["cl"].list_display == [
            "action_checkbox",
            "name",
            "when",
            "room",
            "trainer",
            "seats",
            "status",
        ]
        assert f"0 of {group_class.capacity}" in response.content.decode()


class TestTheMaintenanceList:
    def test_the_columns_are_few_and_the_issue_is_cut_between_words(self, admin_client):
        MaintenanceRecordFactory(issue_description=" ".join(f"word{n}" for n in range(40)))

        response = admin_client.get(changelist("maintenancerecord"))

        assert response.context["cl"].list_display == [
            "action_checkbox",
            "equipment_in_room",
            "issue",
            "state",
            "reported",
        ]
        page = response.content.decode()
        assert "word15…" in page
        assert "word16" not in page


class TestTheClassChoice:
    """The class box of the registration form (the front desk registers members there) asks the autocomplete."""

    def autocomplete(self, client, term: str = "") -> list[str]:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "operations",
                "model_name": "classregistration",
                "field_name": "group_class",
                "term": term,
            },
        )
        assert response.status_code == 200
        return [row["text"] for row in response.json()["results"]]

    def test_today_and_upcoming_come_first_soonest_first_then_the_past_latest_first(self, admin_client):
        old = a_class_at(local_time(days=-30, hour=9), "Old")
        recent = a_class_at(local_time(days=-1, hour=9), "Recent")
        next_week = a_class_at(local_time(days=7, hour=9), "Next week")
        this_morning = a_class_at(local_time(days=0, hour=0, minute=30), "Early today")
        tomorrow = a_class_at(local_time(days=1, hour=9), "Tomorrow")

        assert self.autocomplete(admin_client) == [str(c) for c in (this_morning, tomorrow, next_week, recent, old)]

    def test_a_search_keeps_that_order(self, admin_client):
        past = a_class_at(local_time(days=-1, hour=9), "Spin")
        coming = a_class_at(local_time(days=2, hour=9), "Spin")

        assert self.autocomplete(admin_client, "spin") == [str(coming), str(past)]
