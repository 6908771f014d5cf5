"""Reminders: a set number of hours before each seat and session, once, never for what is cancelled or under way."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from clubsite.notifications.tasks import queue_reminders, send_notice
from clubsite.testing.jobs import run_jobs
from members.models import Member
from operations import services
from operations.models import Booking, ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, PersonalTrainingSessionFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def scan() -> list[tuple[str, str]]:
    """One tick of the periodic scan, and the mail its jobs sent."""
    mail.outbox.clear()
    queue_reminders.defer(timestamp=0)
    run_jobs()
    return sorted((message.to[0], message.subject.split(",")[0]) for message in mail.outbox)


def class_in(hours: float, **fields) -> ClassRegistration:
    start = timezone.now() + datetime.timedelta(hours=hours)
    return ClassRegistrationFactory(
        group_class=GroupClassFactory(name="Spin", booking__start_time=start, booking__end_time=start + HOUR),
        **fields,
    )


def test_a_seat_starting_within_the_window_is_reminded_once():
    soon = class_in(3)
    class_in(settings.CLUB_REMINDER_HOURS + 2)  # too early to remind

    assert scan() == [(soon.member.user.email, "Reminder: Spin")]
    assert scan() == []  # the next tick, or a second worker, sends nothing again
    # ... and queues nothing: only what is new to the window becomes a job.
    assert ProcrastinateJob.objects.filter(task_name="notifications.send").count() == 1


@override_settings(CLUB_REMINDER_HOURS=2)
def test_the_window_is_a_setting():
    class_in(3)
    inside = class_in(1)

    assert scan() == [(inside.member.user.email, "Reminder: Spin")]


def test_no_reminder_for_a_waitlist_place_a_cancelled_place_or_a_cancelled_class():
    class_in(3, status=ClassRegistration.Status.WAITLISTED)
    class_in(3, status=ClassRegistration.Status.CANCELLED)
    cancelled_class = class_in(3)
    Booking.objects.filter(pk=cancelled_class.group_class.booking_id).update(status=Booking.Status.CANCELLED)

    assert scan() == []


def test_a_place_given_up_after_the_scan_but_before_the_send_is_not_reminded():
    registration = class_in(3)
    # The scan queued this reminder; the member gives the place up before a worker sends it.
    send_notice.defer(notice="class_reminder", object_id=registration.pk, key=f"{registration.pk}@test")
    services.class_registration_cancel(registration=registration)

    run_jobs()

    assert [m.subject for m in mail.outbox] == ["Your place in Spin is cancelled"]


def test_a_member_who_turned_class_reminders_off_gets_none():
    quiet = class_in(3)
    Member.objects.filter(pk=quiet.member_id).update(remind_classes=False)
    keen = class_in(4)

    assert scan() == [(keen.member.user.email, "Reminder: Spin")]


def test_a_reminder_links_to_the_members_choices(client):
    keen = class_in(4)
    queue_reminders.defer(timestamp=0)
    run_jobs()
    [message] = mail.outbox

    link = re.search(r"Choose which reminders you get: (\S+)", message.body)[1]
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    path = link.removeprefix(settings.CLUB_SITE_URL)
    page = client.get(path)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    response = client.post(path, {"remind_pt_sessions": "on"})

    assert response.status_code == 302
    keen.member.refresh_from_db()
    assert (keen.member.remind_classes, keen.member.remind_pt_sessions) == (False, True)
    assert client.get(path[:-3] + "xx/").status_code == 404  # a link tampered with


def test_a_started_class_is_never_reminded():
    class_in(-0.25)
    assert scan() == []


def test_a_moved_class_is_reminded_again_at_its_new_time():
    registration = class_in(3)
    assert len(scan()) == 1
    booking = registration.group_class.booking
    Booking.objects.filter(pk=booking.pk).update(start_time=booking.start_time + HOUR, end_time=booking.end_time + HOUR)

    assert scan() == [(registration.member.user.email, "Reminder: Spin")]


def test_personal_training_is_reminded_unless_the_member_said_no():
    start = timezone.now() + 5 * HOUR
    session = PersonalTrainingSessionFactory(booking__start_time=start, booking__end_time=start + HOUR)
    assert scan() == [(session.member.user.email, "Reminder: personal training")]

    other = PersonalTrainingSessionFactory(
        booking__start_time=start, booking__end_time=start + HOUR, member__remind_pt_sessions=False
    )
    assert scan() == []
    assert other.member.remind_pt_sessions is False
