"""The confirmations members and trainers get: queued by the change, sent by the worker, each exactly once."""

from __future__ import annotations

import datetime
import socket
from html import escape

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import override_settings

from clubsite.jobs.models import JobFailure, JobReceipt
from clubsite.notifications.tasks import send_notice
from clubsite.testing.jobs import queued, run_jobs
from operations import services
from operations.errors import SchedulingError
from operations.models import ClassRegistration
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, local_time
from trainers.tests.factories import TrainerAvailabilityFactory

pytestmark = pytest.mark.django_db


def sent() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def test_a_registration_is_confirmed_by_the_worker_not_the_request(member):
    group_class = GroupClassFactory(name="Spin")

    services.class_register(member=member, group_class=group_class)

    assert mail.outbox == []
    assert [job.args["notice"] for job in queued("notifications.send")] == ["class_registered"]
    run_jobs()
    assert sent() == [(member.user.email, "You are booked into Spin")]


def test_every_mail_has_a_text_and_an_html_version_in_the_clubs_branding(member):
    services.class_register(member=member, group_class=GroupClassFactory(name="Spin"))
    run_jobs()

    message = mail.outbox[0]
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    for text, shown in ((message.body, str), (html, escape)):
        for detail in (settings.CLUB_NAME, settings.CLUB_ADDRESS, settings.CLUB_PHONE, settings.CLUB_CONTACT_EMAIL):
            assert shown(detail) in text
        assert "Hello Ann" in text
    assert f"{settings.CLUB_SITE_URL}/member/classes/" in message.body
    assert message.extra_headers["Reply-To"] == settings.CLUB_CONTACT_EMAIL
    # A confirmation is not optional mail: no preferences link.
    assert "List-Unsubscribe" not in message.extra_headers
    assert "reminders you get" not in message.body


def test_joining_the_waitlist_says_so_with_the_place_in_the_queue(member):
    group_class = GroupClassFactory(name="Spin", capacity=1)
    ClassRegistrationFactory(group_class=group_class)

    services.class_register(member=member, group_class=group_class)
    run_jobs()

    assert sent() == [(member.user.email, "You are on the waitlist for Spin")]
    assert "number 1" in mail.outbox[0].body


def test_a_job_run_twice_sends_once(member):
    registration = services.class_register(member=member, group_class=GroupClassFactory(name="Spin"))
    # The same job queued again (a duplicate deferral, a retry after a crash) finds the receipt.
    send_notice.defer(notice="class_registered", object_id=registration.pk, key=str(registration.pk))

    assert run_jobs() == 2
    assert len(mail.outbox) == 1
    assert JobReceipt.objects.filter(purpose="mail.class_registered", key=str(registration.pk)).count() == 1


def test_a_refused_change_queues_no_mail(member):
    group_class = GroupClassFactory()
    services.class_register(member=member, group_class=group_class)
    run_jobs()

    with pytest.raises(SchedulingError):
        services.class_register(member=member, group_class=group_class)

    assert queued() == []


def test_a_promotion_given_up_before_the_worker_sends_is_not_announced():
    group_class = GroupClassFactory(name="Spin", capacity=1)
    seated = ClassRegistrationFactory(group_class=group_class)
    waiting = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
    outcome = services.class_registration_cancel(registration=seated)
    assert outcome.promoted == (waiting,)
    services.class_registration_cancel(registration=waiting)

    run_jobs()

    # Each hears that their place is cancelled; the seat Ann held for a moment is not announced.
    assert sent() == sorted(
        [
            (seated.member.user.email, "Your place in Spin is cancelled"),
            (waiting.member.user.email, "Your place in Spin is cancelled"),
        ]
    )


def test_the_promoted_member_gets_a_link_to_cancel():
    group_class = GroupClassFactory(name="Spin", capacity=1)
    seated = ClassRegistrationFactory(group_class=group_class)
    waiting = ClassRegistrationFactory(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)

    services.class_registration_cancel(registration=seated)
    run_jobs()

    promoted = next(message for message in mail.outbox if message.to == [waiting.member.user.email])
    assert promoted.subject == "You have a place in Spin"
    assert f"{settings.CLUB_SITE_URL}/member/classes/registrations/{waiting.pk}/cancel/" in promoted.body


class TestPersonalTraining:
    @pytest.fixture
    def window(self):
        # The day after tomorrow: a session tomorrow morning is inside the 12-hour cut-off when the suite runs
        # late in the evening, and could not be moved.
        start = local_time(days=2, hour=8)
        return TrainerAvailabilityFactory(start_time=start, end_time=start + datetime.timedelta(hours=10))

    def book(self, member, window, hour=10):
        start = local_time(days=2, hour=hour)
        return services.pt_session_book(
            member=member, trainer=window.trainer, start_time=start, end_time=start + datetime.timedelta(hours=1)
        )

    def test_booking_tells_the_member_and_the_trainer(self, member, window):
        self.book(member, window)
        run_jobs()

        assert sent() == sorted(
            [
                (member.user.email, "Personal training booked"),
                (window.trainer.user.email, "Personal training booked: Ann Archer"),
            ]
        )

    def test_each_move_is_told_and_a_cancellation_too(self, member, window):
        session = self.book(member, window)
        run_jobs()
        mail.outbox.clear()

        for hour in (12, 14):
            start = local_time(days=2, hour=hour)
            services.pt_session_reschedule(
                session=session, start_time=start, end_time=start + datetime.timedelta(hours=1), room=None
            )
        services.pt_session_cancel(session=session, by_member=False)
        run_jobs()

        subjects = [subject for _to, subject in sent()]
        assert subjects.count("Personal training moved") == 0  # a session cancelled since is not "moved"
        assert subjects.count("Personal training cancelled") == 1
        assert subjects.count("Personal training cancelled: Ann Archer") == 1

    def test_a_move_is_told_with_the_new_time(self, member, window):
        session = self.book(member, window)
        start = local_time(days=2, hour=15)
        services.pt_session_reschedule(
            session=session, start_time=start, end_time=start + datetime.timedelta(hours=1), room=None
        )
        run_jobs()

        moved = [message for message in mail.outbox if message.subject.startswith("Personal training moved")]
        assert sorted(message.to[0] for message in moved) == sorted([member.user.email, window.trainer.user.email])
        assert "15:00" in moved[0].body


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_mail_server_that_is_down_keeps_the_mail_for_a_retry(member):
    registration = services.class_register(member=member, group_class=GroupClassFactory(name="Spin"))

    # A real SMTP connection to a port nobody listens on: refused.
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=_closed_port()
    ):
        run_jobs()

    assert not JobReceipt.objects.exists()
    failure = JobFailure.objects.get()
    assert (failure.task_name, failure.attempt) == ("notifications.send", 1)
    assert "Connection refused" in failure.error or "ConnectionRefused" in failure.error
    [job] = queued("notifications.send")
    assert job.attempts == 1 and job.scheduled_at is not None  # retried later, with backoff

    with connection.cursor() as cursor:  # the backoff has passed
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = %s", [job.pk])
    run_jobs()

    assert sent() == [(member.user.email, "You are booked into Spin")]
    assert JobReceipt.objects.filter(key=str(registration.pk)).count() == 1
