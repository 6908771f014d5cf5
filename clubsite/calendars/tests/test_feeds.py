"""Calendar feeds as a calendar app reads them: no sign-in, stable UIDs, the club's zone, cancellations kept."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from clubsite.calendars.models import CalendarFeed
from clubsite.calendars.services import calendar_feed_for
from clubsite.core.clock import club_datetime
from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.services import class_cancel, class_registration_cancel, pt_session_cancel
from operations.tests.factories import (
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def feed_url(user) -> str:
    return reverse("calendars:feed", kwargs={"token": calendar_feed_for(user=user).token})


def read_feed(url: str):
    """What a calendar app gets: a fresh client, never signed in."""
    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    return response, Calendar.from_ical(response.content)


def events_by_uid(calendar) -> dict:
    return {str(event["uid"]): event for event in calendar.events}


def place(member, *, days: int, hour: int = 9, trainer=None, **fields) -> ClassRegistration:
    extra = {"group_class__booking__trainer": trainer} if trainer is not None else {}
    return ClassRegistrationFactory(
        member=member, group_class__booking__start_time=local_time(days=days, hour=hour), **extra, **fields
    )


class TestAMembersFeed:
    def test_is_an_icalendar_file_for_calendar_apps_without_signing_in(self, member):
        registration = place(member, days=2, group_class__name="Spin", group_class__booking__room=RoomFactory())
        session = PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=3, hour=14))

        response, calendar = read_feed(feed_url(member.user))

        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Cache-Control"] == "no-store, private"
        assert calendar["VERSION"] == "2.0"
        assert settings.CLUB_NAME in str(calendar["PRODID"])
        assert str(calendar["X-WR-CALNAME"]) == settings.CLUB_NAME
        assert str(calendar["X-WR-TIMEZONE"]) == settings.TIME_ZONE
        assert [str(zone["TZID"]) for zone in calendar.timezones] == [settings.TIME_ZONE]
        events = events_by_uid(calendar)
        assert set(events) == {
            f"registration-{registration.pk}@calendar.clubsite",
            f"pt-session-{session.pk}@calendar.clubsite",
        }
        spin = events[f"registration-{registration.pk}@calendar.clubsite"]
        assert str(spin["SUMMARY"]) == "Spin"
        assert str(spin["STATUS"]) == "CONFIRMED"
        assert str(spin["LOCATION"]).startswith(registration.group_class.booking.room.name)
        assert str(registration.group_class.booking.trainer) in str(spin["DESCRIPTION"])
        assert "DTSTAMP" in spin
        pt = events[f"pt-session-{session.pk}@calendar.clubsite"]
        assert str(pt["SUMMARY"]) == "Personal training"
        assert f"Trainer: {session.booking.trainer}" in str(pt["DESCRIPTION"])

    def test_a_head_request_is_answered_too(self, member):
        assert Client().head(feed_url(member.user)).status_code == 200

    def test_an_unknown_token_is_404_and_a_post_is_refused(self, member):
        assert Client().get(reverse("calendars:feed", kwargs={"token": "not-a-token"})).status_code == 404
        assert Client().post(feed_url(member.user)).status_code == 405

    def test_a_deactivated_account_has_no_feed(self, member):
        url = feed_url(member.user)
        member.user.is_active = False
        member.user.save()

        assert Client().get(url).status_code == 404

    def test_shows_no_one_elses_places(self, member, other_member):
        place(other_member, days=2)

        _response, calendar = read_feed(feed_url(member.user))

        assert calendar.events == []

    def test_uids_are_the_same_on_every_read(self, member):
        place(member, days=2)
        place(member, days=4)
        PersonalTrainingSessionFactory(member=member)
        url = feed_url(member.user)

        first = events_by_uid(read_feed(url)[1])
        second = events_by_uid(read_feed(url)[1])

        assert len(first) == 3
        assert sorted(first) == sorted(second)

    def test_a_cancelled_place_stays_in_the_feed_as_cancelled(self, member):
        registration = place(member, days=2)
        class_registration_cancel(registration=registration)

        event = events_by_uid(read_feed(feed_url(member.user))[1])[f"registration-{registration.pk}@calendar.clubsite"]

        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["SUMMARY"]).startswith("Cancelled: ")
        assert str(event["TRANSP"]) == "TRANSPARENT"

    def test_a_class_the_club_cancelled_shows_as_cancelled(self, member):
        registration = place(member, days=2)
        class_cancel(group_class=registration.group_class)

        event = events_by_uid(read_feed(feed_url(member.user))[1])[f"registration-{registration.pk}@calendar.clubsite"]

        assert str(event["STATUS"]) == "CANCELLED"
        assert "The club cancelled this class." in str(event["DESCRIPTION"])

    def test_a_cancelled_session_shows_as_cancelled(self, member):
        session = PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=3, hour=14))
        pt_session_cancel(session=session, by_member=False)

        event = events_by_uid(read_feed(feed_url(member.user))[1])[f"pt-session-{session.pk}@calendar.clubsite"]

        assert str(event["STATUS"]) == "CANCELLED"

    def test_a_waitlist_place_is_tentative_with_its_place_in_the_queue(self, member):
        full = GroupClassFactory(name="Yoga Flow", capacity=1, booking__start_time=local_time(days=2, hour=18))
        ClassRegistrationFactory(group_class=full)
        waiting = ClassRegistrationFactory(member=member, group_class=full, status=ClassRegistration.Status.WAITLISTED)

        event = events_by_uid(read_feed(feed_url(member.user))[1])[f"registration-{waiting.pk}@calendar.clubsite"]

        assert str(event["STATUS"]) == "TENTATIVE"
        assert str(event["SUMMARY"]) == "Yoga Flow (waitlisted)"
        assert "number 1 on the waitlist" in str(event["DESCRIPTION"])

    def test_reaches_back_a_month_not_further(self, member):
        recent = place(member, days=-29)
        old = place(member, days=-31)

        uids = set(events_by_uid(read_feed(feed_url(member.user))[1]))

        assert f"registration-{recent.pk}@calendar.clubsite" in uids
        assert f"registration-{old.pk}@calendar.clubsite" not in uids


class TestTimes:
    @pytest.fixture(autouse=True)
    def _london(self, settings, time_machine):
        # The autumn change of 2026: 25 October at 02:00 BST, clocks go back to 01:00 GMT.
        settings.TIME_ZONE = "Europe/London"
        time_machine.move_to(datetime.datetime(2026, 10, 20, 12, tzinfo=LONDON), tick=False)

    def test_times_carry_the_club_zone_and_its_wall_clock_across_the_change(self, member):
        before = place_at(member, datetime.date(2026, 10, 24))
        after = place_at(member, datetime.date(2026, 10, 26))

        response, calendar = read_feed(feed_url(member.user))
        events = events_by_uid(calendar)

        text = response.content.decode()
        assert "DTSTART;TZID=Europe/London:20261024T090000" in text
        assert "DTSTART;TZID=Europe/London:20261026T090000" in text
        saturday = events[f"registration-{before.pk}@calendar.clubsite"]
        monday = events[f"registration-{after.pk}@calendar.clubsite"]
        assert saturday["DTSTART"].params["TZID"] == "Europe/London"
        assert saturday.start == datetime.datetime(2026, 10, 24, 9, tzinfo=LONDON)
        assert saturday.start.utcoffset() == datetime.timedelta(hours=1)
        assert monday.start == datetime.datetime(2026, 10, 26, 9, tzinfo=LONDON)
        assert monday.start.utcoffset() == datetime.timedelta(0)
        assert monday.end == datetime.datetime(2026, 10, 26, 10, tzinfo=LONDON)
        # The VTIMEZONE knows the change, so an app that ignores the TZID name still places them right.
        assert "DTSTART:20261025T020000" in text


def place_at(member, day: datetime.date) -> ClassRegistration:
    return ClassRegistrationFactory(
        member=member, group_class__booking__start_time=club_datetime(day, datetime.time(9))
    )


class TestATrainersFeed:
    def test_lists_the_classes_they_teach_and_their_sessions_with_the_member(self, trainer, other_trainer, member):
        taught = GroupClassFactory(
            name="HIIT", booking__trainer=trainer, booking__start_time=local_time(days=2, hour=7)
        )
        session = PersonalTrainingSessionFactory(
            member=member, booking__trainer=trainer, booking__start_time=local_time(days=2, hour=12)
        )
        GroupClassFactory(booking__trainer=other_trainer)

        events = events_by_uid(read_feed(feed_url(trainer.user))[1])

        assert set(events) == {
            f"class-{taught.booking.pk}@calendar.clubsite",
            f"pt-session-{session.pk}@calendar.clubsite",
        }
        assert str(events[f"class-{taught.booking.pk}@calendar.clubsite"]["SUMMARY"]) == "HIIT"
        pt = events[f"pt-session-{session.pk}@calendar.clubsite"]
        assert str(pt["SUMMARY"]) == "Personal training with Ann Archer"

    def test_a_session_has_the_same_uid_in_the_members_and_the_trainers_feed(self, trainer, member):
        session = PersonalTrainingSessionFactory(member=member, booking__trainer=trainer)

        as_member = set(events_by_uid(read_feed(feed_url(member.user))[1]))
        as_trainer = set(events_by_uid(read_feed(feed_url(trainer.user))[1]))

        assert as_member == as_trainer == {f"pt-session-{session.pk}@calendar.clubsite"}

    def test_a_cancelled_class_shows_as_cancelled(self, trainer):
        taught = GroupClassFactory(booking__trainer=trainer, booking__start_time=local_time(days=2, hour=7))
        class_cancel(group_class=taught)

        event = events_by_uid(read_feed(feed_url(trainer.user))[1])[f"class-{taught.booking.pk}@calendar.clubsite"]

        assert str(event["STATUS"]) == "CANCELLED"

    def test_a_trainer_who_is_also_a_member_gets_both_in_one_feed(self, trainer):
        as_member = MemberFactory(user=trainer.user)
        registration = place(as_member, days=3)
        taught = GroupClassFactory(booking__trainer=trainer, booking__start_time=local_time(days=2, hour=7))

        uids = set(events_by_uid(read_feed(feed_url(trainer.user))[1]))

        assert uids == {
            f"registration-{registration.pk}@calendar.clubsite",
            f"class-{taught.booking.pk}@calendar.clubsite",
        }

    def test_a_trainer_no_longer_active_has_no_classes_in_it(self, trainer):
        GroupClassFactory(booking__trainer=trainer)
        trainer.is_active = False
        trainer.save()

        assert read_feed(feed_url(trainer.user))[1].events == []


class TestQueryCount:
    def test_a_members_feed_costs_three_queries_whatever_the_number_of_events(
        self, member, django_assert_num_queries
    ):
        url = feed_url(member.user)
        grow_member(member, 1)
        with django_assert_num_queries(3):  # the feed with its owner, the places, the sessions
            small = read_feed(url)[1]
        grow_member(member, 10, offset=1)
        with django_assert_num_queries(3):
            large = read_feed(url)[1]

        assert (len(small.events), len(large.events)) == (4, 44)

    def test_a_trainers_feed_costs_two_queries_whatever_the_number_of_events(
        self, trainer, django_assert_num_queries
    ):
        url = feed_url(trainer.user)
        grow_trainer(trainer, 1)
        with django_assert_num_queries(2):  # the feed with its owner, the classes and sessions
            small = read_feed(url)[1]
        grow_trainer(trainer, 10, offset=1)
        with django_assert_num_queries(2):
            large = read_feed(url)[1]

        assert (len(small.events), len(large.events)) == (2, 22)


def grow_member(member, size: int, *, offset: int = 0) -> None:
    """Per step: a seat, a waitlist place, a cancelled place and a session, each in another class or hour."""
    for index in range(offset, offset + size):
        day = 1 + index
        place(member, days=day, hour=7)
        full = GroupClassFactory(capacity=1, booking__start_time=local_time(days=day, hour=9))
        ClassRegistrationFactory(group_class=full)
        ClassRegistrationFactory(member=member, group_class=full, status=ClassRegistration.Status.WAITLISTED)
        place(member, days=day, hour=11, status=ClassRegistration.Status.CANCELLED)
        PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=day, hour=15))


def grow_trainer(trainer, size: int, *, offset: int = 0) -> None:
    for index in range(offset, offset + size):
        day = 1 + index
        GroupClassFactory(booking__trainer=trainer, booking__start_time=local_time(days=day, hour=7))
        PersonalTrainingSessionFactory(booking__trainer=trainer, booking__start_time=local_time(days=day, hour=15))


def test_the_feed_row_is_the_persons_one_feed(member):
    first = calendar_feed_for(user=member.user)
    again = calendar_feed_for(user=member.user)

    assert first.token == again.token
    assert CalendarFeed.objects.filter(user=member.user).count() == 1
    assert len(first.token) >= 43
