import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing.errors import day_text, span_text
from clubsite.testing.scenes import ago, class_at, member_named, session_at
from operations.errors import SchedulingError
from operations.tests.factories import local_time
from trainers.models import TrainerAvailability
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("trainers:availability")
ADD_URL = reverse("trainers:availability-create")


def typed(value: datetime.datetime) -> str:
    """What a datetime-local input sends: the club's wall clock, no zone."""
    return f"{timezone.localtime(value):%Y-%m-%dT%H:%M}"


def window_post(start, end, **extra) -> dict:
    return {"start_time": typed(start), "end_time": typed(end), **extra}


def windows_of(trainer) -> list[tuple[datetime.datetime, datetime.datetime]]:
    return list(trainer.availability.order_by("start_time").values_list("start_time", "end_time"))


def page_of(response) -> str:
    return response.content.decode()


class TestAdd:
    def test_the_form_has_labelled_datetime_local_inputs(self, trainer_client):
        page = page_of(trainer_client.get(ADD_URL))

        assert page.count('type="datetime-local"') == 2
        for field in ("start_time", "end_time", "weeks"):
            assert f'for="id_{field}"' in page

    def test_adds_one_window(self, trainer_client, trainer):
        start, end = local_time(days=2, hour=9), local_time(days=2, hour=12)

        response = trainer_client.post(ADD_URL, window_post(start, end, weeks=1), follow=True)

        assert response.redirect_chain == [(LIST_URL, 302)]
        assert windows_of(trainer) == [(start, end)]
        assert f"Availability added: {span_text(start, end)}." in page_of(response)

    def test_an_overlap_is_refused_naming_the_window_and_keeping_what_was_typed(self, trainer_client, trainer):
        start, end = local_time(days=2, hour=9), local_time(days=2, hour=12)
        TrainerAvailabilityFactory(trainer=trainer, start_time=start, end_time=end)
        asked = window_post(local_time(days=2, hour=11), local_time(days=2, hour=14), weeks=1)

        response = trainer_client.post(ADD_URL, asked)

        assert response.status_code == 200
        page = page_of(response)
        assert SchedulingError("availability_overlaps", window=span_text(start, end)).message in page
        assert f'value="{asked["start_time"]}"' in page and f'value="{asked["end_time"]}"' in page
        assert windows_of(trainer) == [(start, end)]

    def test_repeats_weekly(self, trainer_client, trainer):
        start, end = local_time(days=2, hour=7), local_time(days=2, hour=11)

        response = trainer_client.post(ADD_URL, window_post(start, end, weeks=4), follow=True)

        stored = windows_of(trainer)
        assert len(stored) == 4
        assert [timezone.localtime(s).date() for s, _ in stored] == [
            start.date() + datetime.timedelta(weeks=n) for n in range(4)
        ]
        assert "4 weekly availability windows added" in page_of(response)

    def test_a_weekly_repeat_that_collides_creates_nothing_and_names_the_week(self, trainer_client, trainer):
        start, end = local_time(days=2, hour=9), local_time(days=2, hour=12)
        third_week = start + datetime.timedelta(weeks=2)
        clash_start, clash_end = third_week + datetime.timedelta(hours=2), third_week + datetime.timedelta(hours=5)
        TrainerAvailabilityFactory(trainer=trainer, start_time=clash_start, end_time=clash_end)

        response = trainer_client.post(ADD_URL, window_post(start, end, weeks=4))

        clash = SchedulingError(
            "availability_week_overlaps", number=3, day=day_text(third_week), window=span_text(clash_start, clash_end)
        ).message
        assert SchedulingError("availability_weeks_overlap", clashes=clash).message in page_of(response)
        assert windows_of(trainer) == [(clash_start, clash_end)]

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (
                lambda: local_time(days=2, hour=12),
                lambda: local_time(days=2, hour=9),
                SchedulingError.messages["end_not_after_start"].text,
            ),
            # Yesterday's morning, not "3 hours ago": an hour near now may be one a DST change skips or repeats.
            (
                lambda: local_time(days=-1, hour=9),
                lambda: local_time(days=-1, hour=12),
                SchedulingError.messages["start_in_past"].text,
            ),
            (
                lambda: local_time(days=2, hour=5),
                lambda: local_time(days=2, hour=22),
                SchedulingError.messages["availability_too_long"].text,
            ),
        ],
        ids=["end-before-start", "past", "too-long"],
    )
    def test_bad_times_show_the_services_message(self, trainer_client, trainer, start, end, message):
        response = trainer_client.post(ADD_URL, window_post(start(), end(), weeks=1))

        assert response.status_code == 200
        assert message in page_of(response)
        assert windows_of(trainer) == []

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"start_time": "tomorrow", "end_time": "later", "weeks": "1"},
            {"start_time": "2030-01-01T09:00", "end_time": "2030-01-01T10:00", "weeks": "0"},
            {"start_time": "2030-01-01T09:00", "end_time": "2030-01-01T10:00", "weeks": "53"},
        ],
        ids=["empty", "not-times", "zero-weeks", "too-many-weeks"],
    )
    def test_unreadable_input_is_a_form_error_not_a_crash(self, trainer_client, trainer, data):
        response = trainer_client.post(ADD_URL, data)

        assert response.status_code == 200
        assert response.context["form"].errors
        assert windows_of(trainer) == []


class TestChange:
    def test_the_form_starts_from_the_window_in_club_time(self, trainer_client, trainer):
        window = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=9), end_time=local_time(days=2, hour=12)
        )

        page = page_of(trainer_client.get(reverse("trainers:availability-update", args=[window.pk])))

        assert f'value="{typed(window.start_time)}"' in page
        assert f'value="{typed(window.end_time)}"' in page

    def test_moves_a_window(self, trainer_client, trainer):
        window = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=9), end_time=local_time(days=2, hour=12)
        )
        start, end = local_time(days=2, hour=10), local_time(days=2, hour=15)

        response = trainer_client.post(
            reverse("trainers:availability-update", args=[window.pk]), window_post(start, end), follow=True
        )

        assert response.redirect_chain == [(LIST_URL, 302)]
        assert windows_of(trainer) == [(start, end)]
        assert f"Availability changed to {span_text(start, end)}." in page_of(response)

    def test_shortening_is_refused_listing_the_bookings_it_would_strand(self, trainer_client, trainer):
        start, end = local_time(days=2, hour=8), local_time(days=2, hour=18)
        window = TrainerAvailabilityFactory(trainer=trainer, start_time=start, end_time=end)
        session = session_at(trainer=trainer, start=local_time(days=2, hour=15), member=member_named("Noah", "Price"))
        session_at(trainer=trainer, start=local_time(days=2, hour=9))

        response = trainer_client.post(
            reverse("trainers:availability-update", args=[window.pk]),
            window_post(start, local_time(days=2, hour=12)),
        )

        booking = session.booking
        stranded = f"Personal training with Noah Price {span_text(booking.start_time, booking.end_time)}"
        assert SchedulingError("availability_strands_bookings", bookings=stranded).message in page_of(response)
        assert windows_of(trainer) == [(start, end)]

    def test_an_overlap_with_another_window_is_named(self, trainer_client, trainer):
        window = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=8), end_time=local_time(days=2, hour=10)
        )
        other = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=12), end_time=local_time(days=2, hour=14)
        )

        response = trainer_client.post(
            reverse("trainers:availability-update", args=[window.pk]),
            window_post(local_time(days=2, hour=8), local_time(days=2, hour=13)),
        )

        assert SchedulingError(
            "availability_overlaps", window=span_text(other.start_time, other.end_time)
        ).message in page_of(response)
        window.refresh_from_db()
        assert window.end_time == local_time(days=2, hour=10)


class TestRemove:
    def test_asks_first_then_removes(self, trainer_client, trainer):
        window = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=9), end_time=local_time(days=2, hour=12)
        )
        url = reverse("trainers:availability-delete", args=[window.pk])

        question = trainer_client.get(url)
        assert TrainerAvailability.objects.filter(pk=window.pk).exists()
        response = trainer_client.post(url, follow=True)

        assert "Remove your window" in page_of(question)
        assert response.redirect_chain == [(LIST_URL, 302)]
        assert windows_of(trainer) == []
        assert f"Availability {span_text(window.start_time, window.end_time)} removed." in page_of(response)

    def test_refused_while_bookings_rely_on_it_listing_them(self, trainer_client, trainer):
        window = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=8), end_time=local_time(days=2, hour=18)
        )
        group_class = class_at(trainer=trainer, start=local_time(days=2, hour=9), name="Spin Express")
        session = session_at(trainer=trainer, start=local_time(days=2, hour=14), member=member_named("Ann", "Lee"))

        response = trainer_client.post(reverse("trainers:availability-delete", args=[window.pk]))

        listed = "; ".join(
            [
                f"Spin Express {span_text(group_class.booking.start_time, group_class.booking.end_time)}",
                f"Personal training with Ann Lee {span_text(session.booking.start_time, session.booking.end_time)}",
            ]
        )
        assert response.status_code == 200
        assert SchedulingError("availability_strands_bookings", bookings=listed).message in page_of(response)
        assert TrainerAvailability.objects.filter(pk=window.pk).exists()

    def test_a_window_already_gone_is_a_404(self, trainer_client, trainer):
        window = TrainerAvailabilityFactory(trainer=trainer)
        url = reverse("trainers:availability-delete", args=[window.pk])
        window.delete()

        assert trainer_client.post(url).status_code == 404


class TestList:
    def test_lists_upcoming_windows_with_their_bookings(self, trainer_client, trainer, other_trainer):
        TrainerAvailabilityFactory(trainer=trainer, start_time=ago(hours=30), end_time=ago(hours=25))
        window = TrainerAvailabilityFactory(
            trainer=trainer, start_time=local_time(days=2, hour=8), end_time=local_time(days=2, hour=18)
        )
        TrainerAvailabilityFactory(trainer=other_trainer)
        session_at(trainer=trainer, start=local_time(days=2, hour=9))
        session_at(trainer=trainer, start=local_time(days=2, hour=11))

        response = trainer_client.get(LIST_URL)

        assert [w.pk for w in response.context["windows"]] == [window.pk]
        assert "2 bookings" in page_of(response)
        assert reverse("trainers:availability-update", args=[window.pk]) in page_of(response)
        assert reverse("trainers:availability-delete", args=[window.pk]) in page_of(response)

    def test_the_query_count_holds_whatever_the_amount_of_data(
        self, trainer_client, trainer, django_assert_num_queries
    ):
        def fill(first: int, count: int) -> None:
            for day in range(first, first + count):
                TrainerAvailabilityFactory(
                    trainer=trainer, start_time=local_time(days=day, hour=8), end_time=local_time(days=day, hour=18)
                )
                session_at(trainer=trainer, start=local_time(days=day, hour=9))

        # Session, user, trainer profile, member profile (header), count, page.
        fill(1, 1)
        with django_assert_num_queries(6):
            trainer_client.get(LIST_URL)
        fill(2, 30)
        with django_assert_num_queries(6):
            response = trainer_client.get(LIST_URL)

        assert len(response.context["windows"]) == 25
