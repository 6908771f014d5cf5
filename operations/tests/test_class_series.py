"""A class on some weekdays until a last day, as one series: all of it or none (every collision named), or the
dates that fit with the others listed; through the service, the admin and the API, and under a race."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clubsite.testing import messages_of
from clubsite.testing.admin import split_datetime
from clubsite.testing.errors import refused, span_text
from clubsite.testing.races import race
from operations import services
from operations.errors import ClassSeriesRefused, SchedulingError, SkippedDate
from operations.models import Booking, GroupClass
from operations.tests.factories import BookingFactory, RoomFactory
from operations.tests.test_api_staff import problem_of, staff_api
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def next_monday(weeks: int = 1) -> datetime.date:
    """A Monday at least ``weeks`` weeks ahead, so every date of a test's series is in the future."""
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 * weeks - today.weekday())


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def trainer_free_on(*days: datetime.date, trainer=None):
    """A trainer with a window 08:00-20:00 on each day."""
    trainer = trainer or TrainerFactory()
    for day in days:
        TrainerAvailabilityFactory(trainer=trainer, start_time=at(day, 8), end_time=at(day, 20))
    return trainer


def mon_wed(first: datetime.date, weeks: int) -> list[datetime.date]:
    return [first + datetime.timedelta(days=7 * week + offset) for week in range(weeks) for offset in (0, 2)]


def series_arguments(trainer, room, first: datetime.date, **overrides) -> dict:
    return {
        "name": "Spin",
        "trainer": trainer,
        "room": room,
        "start_time": at(first, 18),
        "end_time": at(first, 19),
        "capacity": 12,
        "price": "8.00",
        "weekdays": [MON, WED],
        **overrides,
    } | ({} if "until" in overrides else {"until": first + datetime.timedelta(days=16)})  # three Mondays, Wednesdays


def said(code: str, **params) -> str:
    return SchedulingError(code, **params).message


def date_line(day: datetime.date, problem: str) -> str:
    return said("class_series_date_problem", day=f"{day:%a} {day.day} {day:%b %Y}", problem=problem)


class TestTheService:
    def test_every_chosen_weekday_until_the_last_day_at_the_same_hours_as_one_series(self):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days), RoomFactory()

        outcome = services.class_series_create(**series_arguments(trainer, room, first))

        classes = list(GroupClass.objects.select_related("booking").order_by("booking__start_time"))
        assert [c.pk for c in outcome.created] == [c.pk for c in classes]
        assert [(c.booking.start_time, c.booking.end_time) for c in classes] == [(at(d, 18), at(d, 19)) for d in days]
        assert len({c.series for c in classes}) == 1 and classes[0].series is not None
        assert outcome.skipped == []

    def test_the_first_day_need_not_be_one_of_the_weekdays(self):
        first = next_monday()
        trainer = trainer_free_on(first + datetime.timedelta(days=2), first + datetime.timedelta(days=4))

        outcome = services.class_series_create(
            **series_arguments(trainer, RoomFactory(), first, weekdays=[WED, FRI], until=first + datetime.timedelta(6))
        )

        assert [timezone.localtime(c.booking.start_time).date() for c in outcome.created] == [
            first + datetime.timedelta(days=2),
            first + datetime.timedelta(days=4),
        ]

    def test_all_or_nothing_names_every_colliding_date_and_creates_nothing(self):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*[d for d in days if d != days[3]]), RoomFactory()
        taken = BookingFactory(room=room, title="Open day", start_time=at(days[1], 18), end_time=at(days[1], 20))

        with refused(
            "class_series_collides",
            error=ClassSeriesRefused,
            dates=f"{days[1].isoformat()},{days[3].isoformat()}",
            codes="room_booked_by,trainer_unavailable",
        ) as refusal:
            services.class_series_create(**series_arguments(trainer, room, first))

        lines = [
            date_line(
                days[1], said("room_booked_by", booking=f"Open day {span_text(taken.start_time, taken.end_time)}")
            ),
            date_line(days[3], said("trainer_unavailable")),
        ]
        assert [date.message for date in refusal.value.skipped] == lines
        assert refusal.value.message == f"{said('class_series_collides_heading')} {' '.join(lines)}"
        assert not GroupClass.objects.exists()
        assert Booking.objects.count() == 1

    def test_what_fits_creates_the_free_dates_and_lists_the_others_with_why(self):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days), RoomFactory()
        BookingFactory(room=room, title="Repairs", start_time=at(days[2], 17), end_time=at(days[2], 21))

        outcome = services.class_series_create(**series_arguments(trainer, room, first, mode=services.WHAT_FITS))

        assert [timezone.localtime(c.booking.start_time).date() for c in outcome.created] == days[:2] + days[3:]
        assert [(date.day, date.error.code) for date in outcome.skipped] == [(days[2], "room_booked_by")]
        assert GroupClass.objects.count() == 5

    def test_what_fits_with_nothing_free_is_refused_with_every_date(self):
        first = next_monday()
        room = RoomFactory()

        with refused(
            "class_series_nothing_fits", error=ClassSeriesRefused, codes="trainer_unavailable,trainer_unavailable"
        ):
            services.class_series_create(
                **series_arguments(
                    TrainerFactory(), room, first, until=first + datetime.timedelta(days=2), mode=services.WHAT_FITS
                )
            )

        assert not GroupClass.objects.exists()

    def test_a_booking_committed_after_the_checks_is_caught_at_its_insert_and_skipped(self, monkeypatch):
        """The exclusion constraint has the last word: a clash the checks missed becomes a skipped date."""
        first = next_monday()
        days = mon_wed(first, 1)
        trainer, room = trainer_free_on(*days), RoomFactory()
        checks = services.classes._class_slot_problem
        in_the_way = []

        def checks_then_someone_books(**kwargs):
            problem = checks(**kwargs)
            if kwargs["start"] == at(days[1], 18) and not in_the_way:
                in_the_way.append(BookingFactory(room=room, title="Party", start_time=at(days[1], 18)))
            return problem

        monkeypatch.setattr(services.classes, "_class_slot_problem", checks_then_someone_books)

        outcome = services.class_series_create(
            **series_arguments(trainer, room, first, until=days[1], mode=services.WHAT_FITS)
        )

        assert [c.booking.start_time for c in outcome.created] == [at(days[0], 18)]
        assert [(d.day, d.error.code) for d in outcome.skipped] == [(days[1], "room_booked_by")]
        assert "Party" in outcome.skipped[0].message

    @pytest.mark.parametrize(
        ("overrides", "code", "field"),
        [
            ({"weekdays": []}, "series_weekdays_required", "weekdays"),
            ({"weekdays": [7]}, "series_weekdays_invalid", "weekdays"),
            ({"weekdays": [MON, MON]}, "series_weekdays_invalid", "weekdays"),
            ({"weekdays": [True]}, "series_weekdays_invalid", "weekdays"),
            ({"until": None}, "series_until_required", "until"),
            ({"until": "2030-01-01"}, "series_until_required", "until"),
            ({"mode": "some"}, "series_mode_invalid", "mode"),
        ],
    )
    def test_what_the_series_is_made_of_is_checked(self, overrides, code, field):
        first = next_monday()

        with refused(code) as refusal:
            services.class_series_create(**series_arguments(TrainerFactory(), RoomFactory(), first, **overrides))

        assert refusal.value.field == field
        assert not GroupClass.objects.exists()

    def test_the_last_day_cannot_be_before_the_first(self):
        first = next_monday()

        with refused("series_until_before_start", first=f"{first:%a} {first.day} {first:%b %Y}"):
            services.class_series_create(
                **series_arguments(TrainerFactory(), RoomFactory(), first, until=first - datetime.timedelta(days=1))
            )

    def test_a_series_runs_for_at_most_a_year(self):
        first = next_monday()
        latest = first + datetime.timedelta(days=services.MAX_SERIES_DAYS)

        with refused("series_too_long", latest=f"{latest:%a} {latest.day} {latest:%b %Y}"):
            services.class_series_create(
                **series_arguments(TrainerFactory(), RoomFactory(), first, until=latest + datetime.timedelta(days=1))
            )

    def test_weekdays_that_never_fall_in_the_span_are_refused(self):
        first = next_monday()

        with refused("series_no_dates"):
            services.class_series_create(
                **series_arguments(TrainerFactory(), RoomFactory(), first, weekdays=[SAT], until=first)
            )

    def test_a_series_past_the_end_of_the_calendar_is_refused_not_a_crash(self):
        first = datetime.date(9999, 12, 27)
        trainer = trainer_free_on(first)

        with refused("series_past_calendar"):
            services.class_series_create(
                **series_arguments(
                    trainer,
                    RoomFactory(),
                    first,
                    start_time=timezone.make_aware(datetime.datetime(9999, 12, 27, 23, 0), datetime.UTC),
                    # Past midnight: the Friday's class would end in the year 10000.
                    end_time=timezone.make_aware(datetime.datetime(9999, 12, 28, 0, 30), datetime.UTC),
                    weekdays=[MON, FRI],
                    until=datetime.date(9999, 12, 31),
                )
            )

    def test_a_date_already_past_is_a_collision_of_its_own(self, time_machine):
        # At 10:00, so the class an hour from now lies inside the trainer's 08:00-20:00 whenever the suite runs.
        time_machine.move_to(at(timezone.localdate(), 10), tick=False)
        start = timezone.now() + datetime.timedelta(hours=1)
        today = timezone.localtime(start).date()

        outcome = services.class_series_create(
            **series_arguments(
                trainer_free_on(today, today + datetime.timedelta(days=7)),
                RoomFactory(),
                today,
                start_time=start,
                end_time=start + datetime.timedelta(minutes=30),
                weekdays=[today.weekday()],
                until=today + datetime.timedelta(days=7),
            )
        )

        assert len(outcome.created) == 2


class TestUnderARace:
    @pytest.mark.django_db(transaction=True)
    def test_two_series_for_one_room_at_once_share_its_dates_and_each_lists_what_the_other_took(self):
        first = next_monday()
        days = mon_wed(first, 4)
        room = RoomFactory()
        trainers = [trainer_free_on(*days), trainer_free_on(*days)]

        def book(index: int):
            return services.class_series_create(
                **series_arguments(
                    trainers[index], room, first, until=days[-1], mode=services.WHAT_FITS, name=f"Class {index}"
                )
            )

        outcome = race(book, workers=2)

        created = [c for result in outcome.results for c in result.created]
        skipped = [d for result in outcome.results for d in result.skipped]
        # Each date went to one series; a series that got none was refused with every date named.
        refused_whole = [e for e in outcome.errors if isinstance(e, ClassSeriesRefused)]
        assert outcome.errors == refused_whole
        skipped += [d for e in refused_whole for d in e.skipped]
        assert sorted(timezone.localtime(c.booking.start_time).date() for c in created) == days
        assert sorted(d.day for d in skipped) == days
        assert {d.error.code for d in skipped} <= {"room_booked_by", "room_booked"}
        assert GroupClass.objects.count() == len(days)


# ---------------------------------------------------------------------------------------------
# The admin's add form
# ---------------------------------------------------------------------------------------------


def add_url() -> str:
    return reverse("admin:operations_groupclass_add")


def series_form(trainer, room, first: datetime.date, **extra) -> dict:
    return {
        "name": "Spin",
        "description": "",
        "level": GroupClass.Level.ALL,
        "trainer": trainer.pk,
        "room": room.pk,
        **split_datetime(at(first, 18), "start_time"),
        **split_datetime(at(first, 19), "end_time"),
        "capacity": 12,
        "price": "8.00",
        "repeat_on": [str(MON), str(WED)],
        "repeat_until": (first + datetime.timedelta(days=16)).isoformat(),
        "when_dates_collide": services.ALL_OR_NOTHING,
        **extra,
    }


class TestTheAdmin:
    def test_a_series_is_created_and_its_classes_listed(self, admin_client):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days), RoomFactory()

        response = admin_client.post(add_url(), series_form(trainer, room, first), follow=True)

        classes = list(GroupClass.objects.order_by("booking__start_time"))
        assert len(classes) == 6
        assert [row.pk for row in response.context["cl"].result_list] == [c.pk for c in classes]
        assert messages_of(response) == [
            f"6 classes of Spin created, {classes[0].booking.start_time:%a} {days[0].day} {days[0]:%b %Y} 18:00 to "
            f"{days[-1]:%a} {days[-1].day} {days[-1]:%b %Y} 18:00."
        ]

    def test_all_or_nothing_lists_every_colliding_date_above_the_form(self, admin_client):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days[1:]), RoomFactory()
        taken = BookingFactory(room=room, title="Open day", start_time=at(days[4], 18))

        response = admin_client.post(add_url(), series_form(trainer, room, first))

        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [
            said("class_series_collides_heading"),
            date_line(days[0], said("trainer_unavailable")),
            date_line(
                days[4], said("room_booked_by", booking=f"Open day {span_text(taken.start_time, taken.end_time)}")
            ),
        ]
        assert not GroupClass.objects.exists()

    def test_what_fits_creates_the_rest_and_lists_the_skipped_dates(self, admin_client):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days[1:]), RoomFactory()

        response = admin_client.post(
            add_url(), series_form(trainer, room, first, when_dates_collide=services.WHAT_FITS), follow=True
        )

        assert GroupClass.objects.count() == 5
        shown = messages_of(response)
        assert shown[0].startswith("5 classes of Spin created, ")
        assert shown[1:] == [f"Skipped {date_line(days[0], said('trainer_unavailable'))}"]

    def test_a_refusal_about_the_series_shows_under_its_field(self, admin_client):
        first = next_monday()
        form = series_form(TrainerFactory(), RoomFactory(), first, repeat_until="")

        response = admin_client.post(add_url(), form)

        assert response.context["adminform"].form.errors["repeat_until"] == [said("series_until_required")]

    def test_without_weekdays_or_a_last_day_it_is_one_class(self, admin_client):
        first = next_monday()
        trainer = trainer_free_on(first)

        admin_client.post(add_url(), series_form(trainer, RoomFactory(), first, repeat_on=[], repeat_until=""))

        group_class = GroupClass.objects.get()
        assert group_class.series is None


# ---------------------------------------------------------------------------------------------
# The API
# ---------------------------------------------------------------------------------------------


def series_body(trainer, room, first: datetime.date, **extra) -> dict:
    return {
        "name": "Spin",
        "trainer": trainer.pk,
        "room": room.pk,
        "start_time": at(first, 18).isoformat(),
        "end_time": at(first, 19).isoformat(),
        "capacity": 12,
        "price": "8.00",
        "weekdays": ["mon", "wed"],
        "until": (first + datetime.timedelta(days=16)).isoformat(),
        **extra,
    }


class TestTheApi:
    def test_a_series_is_created_and_returned_in_date_order(self):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days), RoomFactory()

        response = staff_api("manager").post("/staff/classes/series", series_body(trainer, room, first))

        assert response.status_code == 201, response.content
        body = response.json()
        assert [item["start_time"][:10] for item in body["created"]] == [d.isoformat() for d in days]
        assert body["skipped"] == []

    def test_all_or_nothing_is_a_problem_listing_each_collision(self):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days[:5]), RoomFactory()
        BookingFactory(room=room, title="Open day", start_time=at(days[2], 18))

        response = staff_api("manager").post("/staff/classes/series", series_body(trainer, room, first))

        assert problem_of(response) == (409, "class_series_collides", None)
        body = response.json()
        assert [(e["field"], e["code"]) for e in body["errors"]] == [
            ("room", "room_booked_by"),
            ("trainer", "trainer_unavailable"),
        ]
        assert body["errors"][1]["message"] == date_line(days[5], said("trainer_unavailable"))
        assert body["params"]["dates"] == f"{days[2].isoformat()},{days[5].isoformat()}"
        assert not GroupClass.objects.exists()

    def test_what_fits_creates_the_rest_and_lists_the_skipped_dates(self):
        first = next_monday()
        days = mon_wed(first, 3)
        trainer, room = trainer_free_on(*days[:5]), RoomFactory()

        response = staff_api("manager").post(
            "/staff/classes/series", series_body(trainer, room, first, mode="what_fits")
        )

        assert response.status_code == 201, response.content
        body = response.json()
        assert len(body["created"]) == 5
        assert [(s["date"], s["code"], s["field"]) for s in body["skipped"]] == [
            (days[5].isoformat(), "trainer_unavailable", "trainer")
        ]

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"weekdays": ["someday"]}, "weekdays"),
            ({"until": "9999-99-99"}, "until"),
            ({"mode": "most"}, "mode"),
        ],
    )
    def test_a_body_that_does_not_fit_is_a_problem_on_its_field(self, extra, field):
        first = next_monday()

        response = staff_api("manager").post(
            "/staff/classes/series", series_body(TrainerFactory(), RoomFactory(), first, **extra)
        )

        assert problem_of(response) == (422, "invalid", field)

    def test_a_series_too_long_is_refused_on_until(self):
        first = next_monday()

        response = staff_api("manager").post(
            "/staff/classes/series",
            series_body(TrainerFactory(), RoomFactory(), first, until=(first + datetime.timedelta(400)).isoformat()),
        )

        assert problem_of(response) == (422, "series_too_long", "until")

    def test_staff_who_may_not_add_classes_are_refused(self):
        response = staff_api("front_desk").post(
            "/staff/classes/series", series_body(TrainerFactory(), RoomFactory(), next_monday())
        )

        assert response.status_code == 403


def test_a_skipped_date_reads_as_a_whole_sentence():
    day = datetime.date(2026, 12, 7)
    date = SkippedDate(
        day=day, start_time=at(day, 18), end_time=at(day, 19), error=SchedulingError("trainer_unavailable")
    )

    assert date.message == "Mon 7 Dec 2026: The trainer is not available for the whole of that time."
