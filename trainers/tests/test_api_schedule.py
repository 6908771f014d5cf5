"""The trainer's schedule over the API: the week view's entries, or a span of days, from the same selectors."""

import datetime

import pytest
from django.utils import timezone

from clubsite.testing.api import ApiClient
from clubsite.testing.scenes import class_at, member_named, session_at
from operations.models import Booking, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, RoomFactory
from trainers import selectors as trainer_reads

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()
DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), ZONE)


def future_monday() -> datetime.date:
    return trainer_reads.week_start_of(timezone.localdate() + datetime.timedelta(days=14))


@pytest.fixture
def week(trainer, other_trainer):
    """A class with two seats taken and one waitlisted on Monday, a PT session on Thursday, a cancelled class
    on Friday, a class next week, and another trainer's class."""
    monday = future_monday()
    spin = class_at(
        trainer=trainer, start=at(monday, 9), name="Spin Express", capacity=12, room=RoomFactory(name="Spin Room")
    )
    for status in (ClassRegistration.Status.REGISTERED, ClassRegistration.Status.ATTENDED):
        ClassRegistrationFactory(group_class=spin, status=status)
    ClassRegistrationFactory(group_class=spin, status=ClassRegistration.Status.WAITLISTED)
    session = session_at(trainer=trainer, start=at(monday + 3 * DAY, 15), member=member_named("Noah", "Price"))
    cancelled = class_at(trainer=trainer, start=at(monday + 4 * DAY, 18), name="Yoga")
    cancelled.booking.status = Booking.Status.CANCELLED
    cancelled.booking.save()
    later = class_at(trainer=trainer, start=at(monday + 8 * DAY, 9), name="Next Week")
    class_at(trainer=other_trainer, start=at(monday, 11), name="Not Tara's")
    return {"monday": monday, "spin": spin, "session": session, "cancelled": cancelled, "later": later}


class TestWeek:
    def test_the_week_holds_classes_with_seats_and_sessions_with_the_member(
        self, trainer, week, django_assert_max_num_queries
    ):
        api = ApiClient(trainer.user)
        thursday = week["monday"] + 3 * DAY

        with django_assert_max_num_queries(5):  # token, its last use, trainer, bookings, windows
            response = api.get("/trainer/schedule", week=thursday.isoformat())

        assert response.status_code == 200
        body = response.json()
        assert (body["start"], body["end"]) == (week["monday"].isoformat(), (week["monday"] + 6 * DAY).isoformat())
        entries = body["entries"]
        assert [e["title"] for e in entries] == ["Spin Express", "Personal training", "Yoga"]
        spin, session, yoga = entries
        assert spin["kind"] == "class" and spin["class_id"] == week["spin"].pk
        assert (spin["room"], spin["capacity"], spin["registered"], spin["waitlisted"]) == ("Spin Room", 12, 2, 1)
        assert datetime.datetime.fromisoformat(spin["start"]) == at(week["monday"], 9)
        assert session["session_id"] == week["session"].pk and session["member_name"] == "Noah Price"
        assert session["class_id"] is None and session["room"] == "Online"
        assert yoga["status"] == "cancelled"

    def test_without_a_week_it_is_this_week(self, trainer):
        body = ApiClient(trainer.user).get("/trainer/schedule").json()

        assert body["start"] == trainer_reads.week_start_of(timezone.localdate()).isoformat()

    @pytest.mark.parametrize("week", ["not-a-date", "1900-01-01"])
    def test_a_week_that_is_no_date_or_too_far_is_422(self, trainer, week):
        response = ApiClient(trainer.user).get("/trainer/schedule", week=week)

        assert response.status_code == 422
        assert response.json()["field"] == "week"


class TestSpan:
    def test_a_span_of_days_both_included(self, trainer, week, django_assert_max_num_queries):
        api = ApiClient(trainer.user)
        start, end = week["monday"] + 3 * DAY, week["monday"] + 8 * DAY

        with django_assert_max_num_queries(4):  # token, its last use, trainer, bookings
            response = api.get("/trainer/schedule", start=start.isoformat(), end=end.isoformat())

        assert response.status_code == 200
        assert [e["title"] for e in response.json()["entries"]] == [
            "Personal training",
            "Yoga",
            "Next Week",
        ]

    @pytest.mark.parametrize(
        ("query", "code", "field"),
        [
            ({"start": "2030-01-01"}, "range_incomplete", "end"),
            ({"end": "2030-01-01"}, "range_incomplete", "start"),
            ({"start": "+10", "end": "+0"}, "range_reversed", "end"),
            ({"start": "+0", "end": "+31"}, "range_too_long", "end"),
            ({"week": "+0", "start": "+0", "end": "+1"}, "week_or_range", "week"),
        ],
        ids=["no-end", "no-start", "backwards", "too-long", "both"],
    )
    def test_refused_spans(self, trainer, query, code, field):
        today = timezone.localdate()
        query = {
            name: (today + int(value) * DAY).isoformat() if value.startswith("+") else value
            for name, value in query.items()
        }

        response = ApiClient(trainer.user).get("/trainer/schedule", **query)

        assert response.status_code == 422, query
        assert (response.json()["code"], response.json()["field"]) == (code, field)

    def test_thirty_one_days_are_fine(self, trainer):
        today = timezone.localdate()

        response = ApiClient(trainer.user).get(
            "/trainer/schedule", start=today.isoformat(), end=(today + 30 * DAY).isoformat()
        )

        assert response.status_code == 200


def test_only_trainers_have_a_schedule(member):
    assert ApiClient().get("/trainer/schedule").status_code == 401
    assert ApiClient(member.user).get("/trainer/schedule").status_code == 403
