"""Staff see trainers' weekly templates and time off in the admin, take and cancel time off through the services,
and find a trainer's upcoming time off on the trainer's page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.roles import staff_user
from clubsite.testing.scenes import session_at
from clubsite.testing.twofactor import sign_in
from operations.errors import SchedulingError
from operations.models import AdminStaff
from operations.tests.factories import local_time
from trainers.errors import TrainerError
from trainers.models import TimeOff, WeeklySlot
from trainers.tests.factories import TimeOffFactory, TrainerAvailabilityFactory, WeeklySlotFactory

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:trainers_{model}_{view}", args=args)


def day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def signed_in(role: str) -> Client:
    client = Client()
    sign_in(client, staff_user(role))
    return client


def page_of(response) -> str:
    return response.content.decode()


class TestTimeOffAdmin:
    def test_taking_time_off_cuts_the_free_availability_and_says_so(self, admin_client, trainer):
        TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=3, hour=8), end_time=local_time(days=3, hour=12)
        )

        response = admin_client.post(
            url("timeoff", "add"),
            {"trainer": trainer.pk, "first_day": day(3).isoformat(), "last_day": day(4).isoformat(), "note": "Course"},
            follow=True,
        )

        assert response.status_code == 200
        assert TimeOff.objects.filter(trainer=trainer, first_day=day(3), last_day=day(4), note="Course").exists()
        assert not trainer.availability.exists()
        assert "Free availability on those days: 1 removed, 0 cut short." in page_of(response)

    def test_booked_days_are_refused_naming_the_session(self, admin_client, trainer):
        session_at(trainer=trainer, start=local_time(days=3, hour=9))

        response = admin_client.post(
            url("timeoff", "add"),
            {"trainer": trainer.pk, "first_day": day(3).isoformat(), "last_day": day(3).isoformat()},
        )

        assert response.status_code == 200
        errors = response.context["adminform"].form.non_field_errors()
        said_before_the_bookings = SchedulingError.messages["time_off_booked"].text.split("{bookings}")[0]
        assert len(errors) == 1 and errors[0].startswith(said_before_the_bookings)
        assert not TimeOff.objects.exists()

    def test_a_last_day_before_the_first_is_refused_under_the_last_day(self, admin_client, trainer):
        response = admin_client.post(
            url("timeoff", "add"),
            {"trainer": trainer.pk, "first_day": day(4).isoformat(), "last_day": day(3).isoformat()},
        )

        assert response.context["adminform"].form.errors["last_day"] == [SchedulingError("time_off_reversed").message]

    def test_the_list_shows_the_days_and_filters_by_trainer_and_when(self, admin_client, trainer, other_trainer):
        TimeOffFactory(trainer=trainer, first_day=day(3), last_day=day(5))
        TimeOff.objects.create(trainer=trainer, first_day=day(-9), last_day=day(-8))
        TimeOffFactory(trainer=other_trainer)

        mine = admin_client.get(url("timeoff", "changelist"), {"trainer": trainer.pk})
        upcoming = admin_client.get(url("timeoff", "changelist"), {"trainer": trainer.pk, "when": "upcoming"})

        assert mine.context["cl"].result_count == 2
        assert [t.first_day for t in upcoming.context["cl"].result_list] == [day(3)]
        assert f"{day(3):%a} {day(3).day} {day(3):%b}–{day(5):%a} {day(5).day} {day(5):%b}" in page_of(upcoming)

    def test_cancelling_through_the_action(self, admin_client, trainer):
        time_off = TimeOffFactory(trainer=trainer)

        response = admin_client.post(
            url("timeoff", "changelist"), {"action": "cancel_time_off", "_selected_action": [time_off.pk]}, follow=True
        )

        assert not TimeOff.objects.exists()
        assert "One time off cancelled." in page_of(response)

    def test_the_front_desk_sees_time_off_but_neither_takes_nor_cancels_it(self, trainer):
        time_off = TimeOffFactory(trainer=trainer)
        desk = signed_in(AdminStaff.Role.FRONT_DESK)

        listed = desk.get(url("timeoff", "changelist"))

        assert listed.status_code == 200
        assert listed.context["cl"].result_count == 1
        assert "cancel_time_off" not in page_of(listed)
        assert desk.get(url("timeoff", "add")).status_code == 403
        desk.post(url("timeoff", "changelist"), {"action": "cancel_time_off", "_selected_action": [time_off.pk]})
        assert TimeOff.objects.exists()


class TestWeeklySlotAdmin:
    def test_adding_a_row_through_the_service_refuses_an_overlap(self, admin_client, trainer):
        WeeklySlotFactory(trainer=trainer, start_time=datetime.time(9), end_time=datetime.time(12))

        response = admin_client.post(
            url("weeklyslot", "add"),
            {"trainer": trainer.pk, "weekday": WeeklySlot.Weekday.MONDAY, "start_time": "11:00", "end_time": "13:00"},
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["start_time"] == [
            TrainerError("slot_overlaps", slot="Monday 09:00–12:00").message
        ]
        assert WeeklySlot.objects.count() == 1

    def test_rows_are_listed_by_trainer_and_removed_by_the_action(self, admin_client, trainer, other_trainer):
        slot = WeeklySlotFactory(trainer=trainer)
        WeeklySlotFactory(trainer=other_trainer)

        listed = admin_client.get(url("weeklyslot", "changelist"), {"trainer": trainer.pk})
        response = admin_client.post(
            url("weeklyslot", "changelist"), {"action": "remove_slots", "_selected_action": [slot.pk]}, follow=True
        )

        assert [row.pk for row in listed.context["cl"].result_list] == [slot.pk]
        assert list(WeeklySlot.objects.values_list("trainer", flat=True)) == [other_trainer.pk]
        assert "One row removed; the windows it made stay." in page_of(response)


def test_the_trainers_page_shows_upcoming_time_off_and_the_template(admin_client, trainer):
    TimeOffFactory(trainer=trainer, first_day=day(3), last_day=day(5), note="Conference")
    TimeOff.objects.create(trainer=trainer, first_day=day(-9), last_day=day(-8), note="Long gone")
    WeeklySlotFactory(trainer=trainer, weekday=WeeklySlot.Weekday.TUESDAY)

    page = page_of(admin_client.get(reverse("admin:trainers_trainer_change", args=[trainer.pk])))

    assert "Upcoming time off" in page
    assert "Conference" in page
    assert "Long gone" not in page
    assert "Weekly template" in page and "Tuesday" in page
