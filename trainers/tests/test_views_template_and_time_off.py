"""The portal pages of the weekly template and time off: what the trainer types, what they are told."""

import datetime

import pytest
from django.urls import reverse

from clubsite.core.clock import club_datetime, club_today
from clubsite.testing.scenes import session_at
from trainers.models import TimeOff, TrainerAvailability, WeeklySlot
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

TEMPLATE_URL = reverse("trainers:availability-template")
APPLY_URL = reverse("trainers:availability-template-apply")
TIME_OFF_URL = reverse("trainers:time-off")


def next_monday() -> datetime.date:
    today = club_today()
    return today + datetime.timedelta(days=7 - today.weekday())


def page_of(response) -> str:
    return response.content.decode()


class TestTemplatePage:
    def test_rows_are_added_listed_and_an_overlap_is_refused_under_the_start(self, trainer_client, trainer):
        response = trainer_client.post(
            TEMPLATE_URL, {"weekday": 0, "start_time": "09:00", "end_time": "12:00"}, follow=True
        )
        assert "Added to your weekly template: Monday 09:00–12:00." in page_of(response)

        refused = trainer_client.post(TEMPLATE_URL, {"weekday": 0, "start_time": "11:00", "end_time": "13:00"})

        assert refused.status_code == 200
        assert refused.context["form"].errors["start_time"] == ["This overlaps your row Monday 09:00–12:00."]
        assert WeeklySlot.objects.filter(trainer=trainer).count() == 1

    def test_a_row_ending_before_it_starts_is_refused_under_the_end(self, trainer_client):
        refused = trainer_client.post(TEMPLATE_URL, {"weekday": 2, "start_time": "18:00", "end_time": "08:00"})

        assert "a row cannot run past midnight" in refused.context["form"].errors["end_time"][0]

    def test_applying_makes_the_windows_and_lists_the_collisions(self, trainer_client, trainer):
        WeeklySlot.objects.create(trainer=trainer, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12))
        monday = next_monday()
        TrainerAvailabilityFactory(
            trainer=trainer,
            start_time=club_datetime(monday, datetime.time(10)),
            end_time=club_datetime(monday, datetime.time(11)),
        )

        response = trainer_client.post(APPLY_URL, {"first_day": monday.isoformat(), "weeks": 3})

        page = page_of(response)
        assert "2 windows added from" in page
        assert "1 window left out, because you already have a window then:" in page
        assert TrainerAvailability.objects.filter(trainer=trainer).count() == 3

    def test_applying_an_empty_template_or_from_the_past_says_why(self, trainer_client, trainer):
        empty = trainer_client.post(APPLY_URL, {"first_day": next_monday().isoformat(), "weeks": 2})
        assert "Your weekly template has no rows yet" in page_of(empty)

        WeeklySlot.objects.create(trainer=trainer, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12))
        past = trainer_client.post(APPLY_URL, {"first_day": "2001-01-01", "weeks": 2})
        assert past.context["form"].errors["first_day"] == ["Apply the template from today at the earliest."]

    def test_removing_a_row_asks_first(self, trainer_client, trainer, other_trainer):
        slot = WeeklySlot.objects.create(
            trainer=trainer, weekday=4, start_time=datetime.time(7), end_time=datetime.time(9)
        )
        url = reverse("trainers:availability-template-remove", args=[slot.pk])
        assert "Friday 07:00–09:00" in page_of(trainer_client.get(url))

        response = trainer_client.post(url, follow=True)

        assert "Removed from your weekly template: Friday 07:00–09:00." in page_of(response)
        assert not WeeklySlot.objects.exists()

    def test_another_trainers_row_is_a_404(self, trainer_client, other_trainer):
        slot = WeeklySlot.objects.create(
            trainer=other_trainer, weekday=4, start_time=datetime.time(7), end_time=datetime.time(9)
        )
        url = reverse("trainers:availability-template-remove", args=[slot.pk])

        assert trainer_client.get(url).status_code == 404
        assert trainer_client.post(url).status_code == 404
        assert WeeklySlot.objects.exists()


class TestTimeOffPage:
    def test_time_off_is_taken_cutting_free_availability(self, trainer_client, trainer):
        monday = next_monday()
        TrainerAvailabilityFactory(
            trainer=trainer,
            start_time=club_datetime(monday, datetime.time(9)),
            end_time=club_datetime(monday, datetime.time(12)),
        )

        response = trainer_client.post(
            TIME_OFF_URL,
            {
                "first_day": monday.isoformat(),
                "last_day": (monday + datetime.timedelta(days=4)).isoformat(),
                "note": "Holiday",
            },
            follow=True,
        )

        page = page_of(response)
        assert "saved. 1 availability window removed and 0 cut short." in page
        assert "Holiday" in page
        assert not TrainerAvailability.objects.filter(trainer=trainer).exists()

    def test_booked_days_are_refused_naming_the_sessions(self, trainer_client, trainer, member):
        monday = next_monday()
        session_at(trainer=trainer, member=member, start=club_datetime(monday, datetime.time(9)))

        response = trainer_client.post(TIME_OFF_URL, {"first_day": monday.isoformat(), "last_day": monday.isoformat()})

        assert response.status_code == 200
        [error] = response.context["form"].non_field_errors()
        assert error.startswith("You are booked during that time off: ") and "Ann Archer" in error
        assert not TimeOff.objects.exists()

    def test_a_last_day_before_the_first_is_refused_under_the_last_day(self, trainer_client):
        monday = next_monday()
        response = trainer_client.post(
            TIME_OFF_URL,
            {"first_day": monday.isoformat(), "last_day": (monday - datetime.timedelta(days=1)).isoformat()},
        )

        assert response.context["form"].errors["last_day"] == [
            "The last day of your time off must be on or after its first day."
        ]

    def test_removing_time_off_asks_first_and_another_trainers_is_a_404(self, trainer_client, trainer, other_trainer):
        monday = next_monday()
        mine = TimeOff.objects.create(trainer=trainer, first_day=monday, last_day=monday)
        theirs = TimeOff.objects.create(trainer=other_trainer, first_day=monday, last_day=monday)
        url = reverse("trainers:time-off-remove", args=[mine.pk])
        assert "is not put back" in page_of(trainer_client.get(url))

        response = trainer_client.post(url, follow=True)

        assert "removed. The availability it took away is not put back" in page_of(response)
        assert trainer_client.post(reverse("trainers:time-off-remove", args=[theirs.pk])).status_code == 404
        assert list(TimeOff.objects.all()) == [theirs]
