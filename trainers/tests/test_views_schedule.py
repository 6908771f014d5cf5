import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.scenes import HOUR, class_at, member_named, session_at
from operations.models import ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, RoomFactory, local_time
from trainers import selectors as trainer_reads
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

WEEK_URL = reverse("trainers:schedule")
LIST_URL = reverse("trainers:schedule-list")
ZONE = timezone.get_default_timezone()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), ZONE)


def future_monday() -> datetime.date:
    return trainer_reads.week_start_of(timezone.localdate() + datetime.timedelta(days=14))


class TestWeekView:
    def test_shows_sessions_with_the_member_and_classes_with_seats_and_rooms(self, trainer_client, trainer):
        monday = future_monday()
        group_class = class_at(
            trainer=trainer, start=at(monday, 9), name="Spin Express", capacity=12, room=RoomFactory(name="Spin Room")
        )
        for status in (ClassRegistration.Status.REGISTERED, ClassRegistration.Status.REGISTERED):
            ClassRegistrationFactory(group_class=group_class, status=status)
        session = session_at(
            trainer=trainer,
            start=at(monday + datetime.timedelta(days=3), 15),
            member=member_named("Noah", "Price"),
            room=RoomFactory(name="PT Suite"),
        )

        response = trainer_client.get(WEEK_URL, {"week": monday.isoformat()})

        page = response.content.decode()
        assert response.status_code == 200
        assert "Spin Express" in page and "Spin Room" in page
        assert "2/12 registered" in page
        assert "Noah Price" in page and "PT Suite" in page
        assert reverse("trainers:class-detail", args=[group_class.pk]) in page
        assert reverse("trainers:session-detail", args=[session.pk]) in page
        assert "09:00–10:00" in page and "15:00–16:00" in page
        # Seven day columns in the grid, and seven day cards for a phone.
        for offset in range(7):
            day = monday + datetime.timedelta(days=offset)
            assert f"{day:%a} {day.day} {day:%b}" in page
        assert page.count('<th scope="col"') == 8

    def test_previous_and_next_week_links(self, trainer_client):
        monday = future_monday()
        thursday = monday + datetime.timedelta(days=3)

        page = trainer_client.get(WEEK_URL, {"week": thursday.isoformat()}).content.decode()

        assert f'href="?week={(monday - datetime.timedelta(days=7)).isoformat()}"' in page
        assert f'href="?week={(monday + datetime.timedelta(days=7)).isoformat()}"' in page
        assert f'href="?week={trainer_reads.week_start_of(timezone.localdate()).isoformat()}">This week' in page

    def test_today_is_highlighted_in_this_week(self, trainer_client):
        today = timezone.localdate()

        page = trainer_client.get(WEEK_URL).content.decode()
        other_week = trainer_client.get(WEEK_URL, {"week": future_monday().isoformat()}).content.decode()

        label = f"{today:%a} {today.day} {today:%b}"
        column = rf'<th scope="col" class="table-primary" aria-current="date">\s*{label} <span[^>]*>Today'
        assert re.search(column, page)
        assert page.count('aria-current="date"') == 2  # its grid column and its card
        assert 'aria-current="date"' not in other_week
        assert "This week" not in page

    @pytest.mark.parametrize("week", ["not-a-date", "2026-02-30", "9999-12-31", "0001-01-01", ""])
    def test_a_bad_week_shows_this_week(self, trainer_client, week):
        response = trainer_client.get(WEEK_URL, {"week": week})

        assert response.status_code == 200
        assert response.context["week"].start == trainer_reads.week_start_of(timezone.localdate())

    def test_the_query_count_holds_whatever_the_amount_of_data(
        self, trainer_client, trainer, django_assert_num_queries
    ):
        monday = future_monday()

        def fill(first_day: int, days: int) -> None:
            for offset in range(first_day, first_day + days):
                day = monday + datetime.timedelta(days=offset)
                TrainerAvailabilityFactory(trainer=trainer, start_time=at(day, 7), end_time=at(day, 21))
                for hour in (8, 10):
                    group_class = class_at(trainer=trainer, start=at(day, hour))
                    for _ in range(3):
                        ClassRegistrationFactory(group_class=group_class)
                session_at(trainer=trainer, start=at(day, 14))

        # Session, user, trainer profile, member profile (header), bookings, availability.
        fill(0, 1)
        with django_assert_num_queries(6):
            small = trainer_client.get(WEEK_URL, {"week": monday.isoformat()})
        fill(1, 6)
        with django_assert_num_queries(6):
            big = trainer_client.get(WEEK_URL, {"week": monday.isoformat()})

        assert small.content.decode().count("3/10 registered") == 2 * 2  # grid and phone cards
        assert big.content.decode().count("3/10 registered") == 14 * 2


class TestListView:
    def test_upcoming_lists_what_has_not_ended_with_rooms_members_and_seats(self, trainer_client, trainer):
        class_at(trainer=trainer, start=timezone.now() - 3 * HOUR, name="Done Already")
        group_class = class_at(trainer=trainer, start=local_time(days=1, hour=9), name="Barbell Club", capacity=10)
        ClassRegistrationFactory(group_class=group_class)
        ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
        session_at(trainer=trainer, start=local_time(days=2, hour=9), member=member_named("Priya", "Morgan"))

        page = trainer_client.get(LIST_URL).content.decode()

        assert "Barbell Club" in page and "1/10 registered" in page and "1 waitlisted" in page
        assert "Priya Morgan" in page
        assert group_class.booking.room.name in page
        assert "Done Already" not in page
        assert page.index("Barbell Club") < page.index("Priya Morgan")

    def test_past_lists_what_has_started_latest_first_flagging_what_is_not_marked(self, trainer_client, trainer):
        class_at(trainer=trainer, start=timezone.now() - 30 * HOUR, name="Older Class")
        class_at(trainer=trainer, start=timezone.now() - 3 * HOUR, name="Recent Class")
        class_at(trainer=trainer, start=local_time(days=1, hour=9), name="Future Class")

        page = trainer_client.get(LIST_URL, {"when": "past"}).content.decode()

        assert page.index("Recent Class") < page.index("Older Class")
        assert "Future Class" not in page
        assert page.count("To mark") == 2

    def test_pages_of_twenty(self, trainer_client, trainer):
        for day in range(1, 23):
            session_at(trainer=trainer, start=local_time(days=day, hour=9))

        first = trainer_client.get(LIST_URL)
        second = trainer_client.get(LIST_URL, {"page": 2})
        beyond = trainer_client.get(LIST_URL, {"page": "x"})

        assert len(first.context["entries"]) == 20
        assert len(second.context["entries"]) == 2
        assert "Page 2 of 2" in second.content.decode()
        assert beyond.status_code == 200

    def test_the_query_count_holds_whatever_the_amount_of_data(
        self, trainer_client, trainer, django_assert_num_queries
    ):
        def fill(first: int, count: int) -> None:
            for day in range(first, first + count):
                group_class = class_at(trainer=trainer, start=local_time(days=day, hour=9))
                ClassRegistrationFactory(group_class=group_class)
                session_at(trainer=trainer, start=local_time(days=day, hour=14))

        # Session, user, trainer profile, member profile (header), count, page.
        fill(1, 1)
        with django_assert_num_queries(6):
            trainer_client.get(LIST_URL)
        fill(2, 15)
        with django_assert_num_queries(6):
            response = trainer_client.get(LIST_URL)

        assert len(response.context["entries"]) == 20
