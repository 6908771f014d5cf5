"""Where people find their feed and their events: the profile, the trainer's calendar page, "Add to calendar"
links and downloads, and a new link (rotation). The API's feed endpoints are tested with each router
(members/tests/test_api_calendar.py, trainers/tests/test_api_calendar.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from clubsite.accounts.models import User
from clubsite.accounts.tests.factories import UserFactory
from clubsite.calendars.models import CalendarFeed
from clubsite.calendars.services import calendar_feed_for, calendar_feed_rotate
from clubsite.calendars.views import ROTATED
from clubsite.testing import messages_of
from clubsite.testing.races import race
from operations.tests.factories import (
    ClassRegistrationFactory,
    GroupClassFactory,
    PersonalTrainingSessionFactory,
    local_time,
)

pytestmark = pytest.mark.django_db


def feed_path(user) -> str:
    return reverse("calendars:feed", kwargs={"token": CalendarFeed.objects.get(user=user).token})


def uids(content: bytes) -> list[str]:
    return [str(event["uid"]) for event in Calendar.from_ical(content).events]


# -- the profile and the trainer's calendar page ------------------------------------------------


def test_the_profile_shows_the_feed_address_to_copy_and_to_subscribe(member_client, member):
    response = member_client.get(reverse("members:profile"))

    path = feed_path(member.user)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'value="http://testserver{path}"' in content
    assert f'href="webcal://testserver{path}"' in content
    assert "Make a new link" in content and "The old link stops working" in content


def test_the_profile_costs_one_query_for_the_feed_on_the_first_visit_and_after(
    member_client, django_assert_num_queries
):
    # The session, the user, the member, the header's trainer check, and the feed (made on the first visit).
    for _visit in range(2):
        with django_assert_num_queries(5):
            assert member_client.get(reverse("members:profile")).status_code == 200


def test_the_trainer_finds_the_feed_on_their_calendar_page_from_the_nav(trainer_client, trainer):
    schedule = trainer_client.get(reverse("trainers:schedule"))
    page = trainer_client.get(reverse("calendars:trainer"))

    assert reverse("calendars:trainer") in schedule.content.decode()
    assert page.status_code == 200
    assert f"http://testserver{feed_path(trainer.user)}" in page.content.decode()


# -- a new link -----------------------------------------------------------------------------------


def test_a_new_link_stops_the_old_one(member_client, member):
    calendar_app = Client()
    member_client.get(reverse("members:profile"))
    old_path = feed_path(member.user)

    response = member_client.post(reverse("calendars:rotate"), {"next": reverse("members:profile")}, follow=True)

    new_path = feed_path(member.user)
    assert response.redirect_chain == [(reverse("members:profile"), 302)]
    assert ROTATED in messages_of(response)
    assert f"http://testserver{new_path}" in response.content.decode()
    assert new_path != old_path
    assert calendar_app.get(old_path).status_code == 404
    assert calendar_app.get(new_path).status_code == 200


def test_a_trainer_is_sent_back_to_their_calendar_page(trainer_client, trainer):
    response = trainer_client.post(reverse("calendars:rotate"))

    assert response.status_code == 302
    assert response["Location"] == reverse("calendars:trainer")


def test_a_new_link_needs_the_csrf_token(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member.user)

    assert browser.post(reverse("calendars:rotate")).status_code == 403


def test_a_new_link_is_not_for_people_without_a_feed(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.post(reverse("calendars:rotate")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_the_service_makes_a_new_token_each_time(member):
    first = calendar_feed_for(user=member.user).token
    second = calendar_feed_rotate(user=member.user).token
    third = calendar_feed_rotate(user=member.user).token

    assert len({first, second, third}) == 3
    assert CalendarFeed.objects.get(user=member.user).token == third


@pytest.mark.django_db(transaction=True)
def test_two_first_requests_at_once_make_one_feed():
    user = UserFactory()

    def first_visit(_index: int) -> str:
        return calendar_feed_for(user=User.objects.get(pk=user.pk)).token

    outcome = race(first_visit, workers=12)

    assert outcome.errors == []
    assert len(set(outcome.results)) == 1
    assert CalendarFeed.objects.filter(user=user).count() == 1


# -- "Add to calendar" ----------------------------------------------------------------------------


def test_the_members_pages_link_each_upcoming_booking_to_its_calendar_file(member_client, member):
    registration = ClassRegistrationFactory(member=member, group_class__booking__start_time=local_time(days=2, hour=9))
    session = PersonalTrainingSessionFactory(member=member, booking__start_time=local_time(days=3, hour=14))
    registration_file = reverse("calendars:member-registration", args=[registration.pk])
    session_file = reverse("calendars:member-session", args=[session.pk])

    dashboard = member_client.get(reverse("members:dashboard")).content.decode()
    timetable = member_client.get(reverse("members:timetable")).content.decode()
    training = member_client.get(reverse("members:training")).content.decode()

    assert registration_file in dashboard and session_file in dashboard
    assert registration_file in timetable
    assert session_file in training


def test_a_members_place_downloads_with_the_uid_of_the_feed(member_client, member):
    registration = ClassRegistrationFactory(
        member=member, group_class__name="Spin", group_class__booking__start_time=local_time(days=2, hour=9)
    )
    member_client.get(reverse("members:profile"))

    download = member_client.get(reverse("calendars:member-registration", args=[registration.pk]))
    feed = Client().get(feed_path(member.user))

    assert download.status_code == 200
    assert download["Content-Type"] == "text/calendar; charset=utf-8"
    day = local_time(days=2, hour=9).date().isoformat()
    assert download["Content-Disposition"] == f'attachment; filename="spin-{day}.ics"'
    assert uids(download.content) == uids(feed.content) == [f"registration-{registration.pk}@calendar.clubsite"]


def test_a_members_session_downloads_with_the_uid_of_the_feed(member_client, member):
    session = PersonalTrainingSessionFactory(member=member)
    member_client.get(reverse("members:profile"))

    download = member_client.get(reverse("calendars:member-session", args=[session.pk]))

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="personal-training-')
    assert uids(download.content) == uids(Client().get(feed_path(member.user)).content)


def test_another_members_place_or_session_is_404(member_client, other_member):
    registration = ClassRegistrationFactory(member=other_member)
    session = PersonalTrainingSessionFactory(member=other_member)

    assert member_client.get(reverse("calendars:member-registration", args=[registration.pk])).status_code == 404
    assert member_client.get(reverse("calendars:member-session", args=[session.pk])).status_code == 404


def test_the_trainers_class_and_session_pages_offer_their_calendar_file(trainer_client, trainer, member):
    taught = GroupClassFactory(booking__trainer=trainer, booking__start_time=local_time(days=2, hour=7))
    session = PersonalTrainingSessionFactory(member=member, booking__trainer=trainer)
    class_file = reverse("calendars:trainer-class", args=[taught.pk])
    session_file = reverse("calendars:trainer-session", args=[session.pk])

    assert class_file in trainer_client.get(reverse("trainers:class-detail", args=[taught.pk])).content.decode()
    assert session_file in trainer_client.get(reverse("trainers:session-detail", args=[session.pk])).content.decode()
    class_download = trainer_client.get(class_file)
    session_download = trainer_client.get(session_file)
    assert class_download["Content-Disposition"].startswith("attachment; filename=")
    assert uids(class_download.content) == [f"class-{taught.booking.pk}@calendar.clubsite"]
    # The same UID as in the member's own feed and download of the session.
    assert uids(session_download.content) == [f"pt-session-{session.pk}@calendar.clubsite"]


def test_another_trainers_class_or_session_is_404(trainer_client, other_trainer):
    theirs = GroupClassFactory(booking__trainer=other_trainer)
    session = PersonalTrainingSessionFactory(booking__trainer=other_trainer)

    assert trainer_client.get(reverse("calendars:trainer-class", args=[theirs.pk])).status_code == 404
    assert trainer_client.get(reverse("calendars:trainer-session", args=[session.pk])).status_code == 404
