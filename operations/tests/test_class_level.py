"""A class's level (all levels, beginner, intermediate, advanced): stored by every way of scheduling a class, all
levels unless said otherwise, and shown to staff in the admin and the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from clubsite.testing.admin import split_datetime
from clubsite.testing.errors import refused
from operations import services
from operations.models import GroupClass
from operations.tests.factories import GroupClassFactory, RoomFactory
from operations.tests.test_api_staff import problem_of, staff_api
from operations.tests.test_class_series import MON, WED, at, mon_wed, next_monday, series_arguments, trainer_free_on

pytestmark = pytest.mark.django_db

Level = GroupClass.Level


def one_class(trainer, room, day: datetime.date, **extra) -> dict:
    return {
        "name": "Spin",
        "trainer": trainer,
        "room": room,
        "start_time": at(day, 18),
        "end_time": at(day, 19),
        "capacity": 12,
        "price": "8.00",
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# The services
# ---------------------------------------------------------------------------------------------


class TestTheServices:
    def test_a_class_is_for_all_levels_unless_told_otherwise(self):
        day = next_monday()

        group_class = services.class_create(**one_class(trainer_free_on(day), RoomFactory(), day))

        group_class.refresh_from_db()
        assert group_class.level == Level.ALL
        assert group_class.get_level_display() == "All levels"

    def test_a_class_keeps_the_level_it_was_given(self):
        day = next_monday()

        group_class = services.class_create(**one_class(trainer_free_on(day), RoomFactory(), day, level="beginner"))

        group_class.refresh_from_db()
        assert group_class.level == Level.BEGINNER

    def test_every_week_of_a_weekly_series_has_its_level(self):
        first = next_monday()
        days = [first + datetime.timedelta(weeks=week) for week in range(3)]

        classes = services.class_create_weekly(
            weeks=3, **one_class(trainer_free_on(*days), RoomFactory(), first, level=Level.INTERMEDIATE)
        )

        assert len(classes) == 3
        assert set(GroupClass.objects.values_list("level", flat=True)) == {Level.INTERMEDIATE}

    def test_every_date_of_a_series_on_weekdays_has_its_level(self):
        first = next_monday()
        trainer, room = trainer_free_on(*mon_wed(first, 3)), RoomFactory()

        outcome = services.class_series_create(**series_arguments(trainer, room, first, level=Level.ADVANCED))

        assert len(outcome.created) == 6
        assert set(GroupClass.objects.values_list("level", flat=True)) == {Level.ADVANCED}

    def test_a_series_without_a_level_is_for_all_levels(self):
        first = next_monday()
        trainer, room = trainer_free_on(*mon_wed(first, 3)), RoomFactory()

        services.class_series_create(**series_arguments(trainer, room, first))

        assert set(GroupClass.objects.values_list("level", flat=True)) == {Level.ALL}

    @pytest.mark.parametrize("level", ["expert", "", None, 3])
    def test_a_level_that_is_not_one_of_the_four_is_refused_on_its_field(self, level):
        day = next_monday()

        with refused("class_level_invalid") as caught:
            services.class_create(**one_class(trainer_free_on(day), RoomFactory(), day, level=level))

        assert caught.value.field == "level"
        assert not GroupClass.objects.exists()


# ---------------------------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------------------------


def add_form(trainer, room, day: datetime.date, **extra) -> dict:
    return {
        "name": "Spin",
        "description": "",
        "trainer": trainer.pk,
        "room": room.pk,
        **split_datetime(at(day, 18), "start_time"),
        **split_datetime(at(day, 19), "end_time"),
        "capacity": 12,
        "price": "8.00",
        "repeat_until": "",
        **extra,
    }


class TestTheAdmin:
    def test_the_add_form_offers_the_four_levels_all_levels_first_and_chosen(self, admin_client):
        form = admin_client.get(reverse("admin:operations_groupclass_add")).context["adminform"].form

        assert list(form.fields["level"].choices) == [
            ("all", "All levels"),
            ("beginner", "Beginner"),
            ("intermediate", "Intermediate"),
            ("advanced", "Advanced"),
        ]
        assert form["level"].value() == Level.ALL

    def test_a_class_added_with_a_level_keeps_it(self, admin_client):
        day = next_monday()

        admin_client.post(
            reverse("admin:operations_groupclass_add"),
            add_form(trainer_free_on(day), RoomFactory(), day, level=Level.BEGINNER),
        )

        assert GroupClass.objects.get().level == Level.BEGINNER

    def test_a_series_added_with_a_level_gives_it_to_every_class(self, admin_client):
        first = next_monday()
        trainer, room = trainer_free_on(*mon_wed(first, 3)), RoomFactory()
        until = (first + datetime.timedelta(days=16)).isoformat()

        admin_client.post(
            reverse("admin:operations_groupclass_add"),
            add_form(trainer, room, first, level=Level.ADVANCED, repeat_on=[MON, WED], repeat_until=until),
        )

        assert list(GroupClass.objects.values_list("level", flat=True)) == [Level.ADVANCED] * 6

    def test_a_level_not_offered_shows_under_its_field(self, admin_client):
        day = next_monday()

        response = admin_client.post(
            reverse("admin:operations_groupclass_add"), add_form(trainer_free_on(day), RoomFactory(), day, level="x")
        )

        assert response.context["adminform"].form.errors["level"]
        assert not GroupClass.objects.exists()

    def test_the_class_page_shows_the_level(self, admin_client):
        group_class = GroupClassFactory(level=Level.INTERMEDIATE)

        page = admin_client.get(reverse("admin:operations_groupclass_change", args=[group_class.pk]))

        assert "Intermediate" in page.content.decode()

    def test_the_list_filters_by_level(self, admin_client):
        beginners = GroupClassFactory(name="Easy Spin", level=Level.BEGINNER)
        GroupClassFactory(name="Hard Spin", level=Level.ADVANCED)

        response = admin_client.get(reverse("admin:operations_groupclass_changelist"), {"level__exact": "beginner"})

        assert list(response.context["cl"].result_list) == [beginners]


# ---------------------------------------------------------------------------------------------
# The staff API
# ---------------------------------------------------------------------------------------------


def class_body(trainer, room, day: datetime.date, **extra) -> dict:
    return {
        "name": "Spin",
        "trainer": trainer.pk,
        "room": room.pk,
        "start_time": at(day, 18).isoformat(),
        "end_time": at(day, 19).isoformat(),
        "capacity": 12,
        "price": "8.00",
        **extra,
    }


class TestTheApi:
    def test_a_class_is_created_with_its_level_and_returned_with_it(self):
        day = next_monday()

        response = staff_api("manager").post(
            "/staff/classes", class_body(trainer_free_on(day), RoomFactory(), day, level="beginner")
        )

        assert response.status_code == 201, response.content
        assert response.json()["level"] == "beginner"
        assert GroupClass.objects.get().level == Level.BEGINNER

    def test_a_class_created_without_a_level_is_for_all_levels(self):
        day = next_monday()

        response = staff_api("manager").post("/staff/classes", class_body(trainer_free_on(day), RoomFactory(), day))

        assert response.status_code == 201, response.content
        assert response.json()["level"] == "all"

    def test_a_weekly_series_carries_its_level(self):
        first = next_monday()
        days = [first + datetime.timedelta(weeks=week) for week in range(2)]

        response = staff_api("manager").post(
            "/staff/classes/weekly",
            class_body(trainer_free_on(*days), RoomFactory(), first, level="intermediate", weeks=2),
        )

        assert response.status_code == 201, response.content
        assert [item["level"] for item in response.json()] == ["intermediate", "intermediate"]

    def test_a_series_on_weekdays_carries_its_level(self):
        first = next_monday()
        trainer, room = trainer_free_on(*mon_wed(first, 3)), RoomFactory()
        until = (first + datetime.timedelta(days=16)).isoformat()

        response = staff_api("manager").post(
            "/staff/classes/series",
            class_body(trainer, room, first, level="advanced", weekdays=["mon", "wed"], until=until),
        )

        assert response.status_code == 201, response.content
        assert [item["level"] for item in response.json()["created"]] == ["advanced"] * 6

    def test_a_level_not_offered_is_a_problem_on_its_field(self):
        day = next_monday()

        response = staff_api("manager").post(
            "/staff/classes", class_body(trainer_free_on(day), RoomFactory(), day, level="expert")
        )

        assert problem_of(response) == (422, "invalid", "level")
        assert not GroupClass.objects.exists()

    def test_the_class_list_shows_each_level(self):
        GroupClassFactory(level=Level.ADVANCED)

        response = staff_api("manager").get("/staff/classes")

        assert [item["level"] for item in response.json()["items"]] == ["advanced"]
