"""The job queue between real processes: `manage.py procrastinate worker` subprocesses, a real SMTP server.

What ``run_jobs`` cannot show: that a mail leaves through an SMTP conversation, that two workers at once send
each mail once, and that a worker killed mid-job (``kill -9``) hands its job to another worker, which sends the
mail once. Each test commits its rows (``transaction=True``) so the workers, on their own connections, see them.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from billing.models import BillingRun, Invoice, InvoiceLine
from billing.tasks import previous_month, run_again
from billing.tests.factories import MembershipFactory, class_registration, pt_session
from clubsite.core.clock import club_today
from clubsite.jobs.models import JobFailure, JobReceipt
from clubsite.notifications.tasks import queue_notice, queue_reminders
from clubsite.testing.worker import SmtpServer, wait_for, worker, workers
from members.tests.factories import MemberFactory
from operations.models import GroupClass
from operations.services import class_register
from operations.tests.factories import AdminStaffFactory, GroupClassFactory, local_time

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEND = "notifications.send"
# Each worker's scheduler also queues the billing ticks (the monthly run on the 1st): the mail tests leave
# the billing queue alone, so that a test on the 1st bills nobody.
MAIL = ["mail"]


def _next_week_class(name: str) -> GroupClass:
    # Beyond the reminder window: the workers' own scan for reminders (queued as each starts) leaves it alone.
    return GroupClassFactory(name=name, booking__start_time=local_time(days=8, hour=10))


def _jobs(task_name: str) -> list[ProcrastinateJob]:
    return list(ProcrastinateJob.objects.filter(task_name=task_name).order_by("id"))


def _all_succeeded(task_name: str, at_least: int = 1) -> bool:
    statuses = [job.status for job in _jobs(task_name)]
    return len(statuses) >= at_least and all(status == "succeeded" for status in statuses)


def _recipients(smtp: SmtpServer) -> list[str]:
    return sorted(address for message in smtp.messages for address in message.rcpt_tos)


def test_a_registration_sends_one_confirmation_through_smtp(smtp: SmtpServer, member) -> None:
    group_class = _next_week_class("Spin")
    with worker(smtp=smtp, queues=MAIL):
        registration = class_register(member=member, group_class=group_class)
        wait_for(lambda: smtp.count() >= 1, what="the confirmation reached the SMTP server")
        # The same notice delivered again (a retry, a duplicate job) finds its receipt and sends nothing.
        queue_notice("class_registered", registration.pk)
        wait_for(lambda: _all_succeeded(SEND, at_least=2), what="both mail jobs finished")

    assert _recipients(smtp) == [member.user.email]
    message = smtp.messages[0].message
    assert smtp.messages[0].subject == "You are booked into Spin"
    assert "Your place in Spin is confirmed." in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    assert JobReceipt.objects.filter(purpose="mail.class_registered", key=str(registration.pk)).count() == 1


def test_two_workers_scanning_at_once_send_each_reminder_once(smtp: SmtpServer) -> None:
    soon = timezone.now() + datetime.timedelta(hours=3)
    ann, bob, cat, dan = MemberFactory.create_batch(4)
    seats = [class_registration(person, soon + datetime.timedelta(hours=i)) for i, person in enumerate([ann, bob, cat])]
    session = pt_session(dan, soon)
    class_registration(ann, timezone.now() + datetime.timedelta(hours=30))  # beyond CLUB_REMINDER_HOURS (24)
    class_registration(MemberFactory(remind_classes=False), soon)  # reminders turned off

    with workers(2, smtp=smtp, queues=MAIL):
        # Two scans in one commit, so the two workers fetch one each and queue the reminders at once; a scan
        # skips what is reminded already, so how many duplicates reach the workers depends on the timing (each
        # worker's scheduler may queue one more scan as it starts).
        queue_reminders.batch_defer({"timestamp": 1}, {"timestamp": 2})
        wait_for(
            lambda: (
                _all_succeeded("notifications.queue_reminders", at_least=2)
                and _all_succeeded(SEND, at_least=4)
                and smtp.count() >= 4
            ),
            timeout=20,
            what="both scans and every reminder job they queued finished",
        )

    # However many jobs the scans queued, each reminder went out once.
    assert len(_jobs(SEND)) >= 4
    assert _recipients(smtp) == sorted(person.user.email for person in [ann, bob, cat, dan])
    subjects = {message.rcpt_tos[0]: message.subject for message in smtp.messages}
    assert subjects[dan.user.email].startswith("Reminder: personal training, ")
    assert subjects[ann.user.email].startswith(f"Reminder: {seats[0].group_class.name}, ")
    assert JobReceipt.objects.filter(purpose="mail.class_reminder").count() == 3
    assert list(JobReceipt.objects.filter(purpose="mail.pt_reminder").values_list("key", flat=True)) == [
        f"{session.pk}@{session.booking.start_time.isoformat()}"
    ]


def test_a_worker_killed_mid_mail_is_replaced_and_the_mail_goes_once(holding_smtp: SmtpServer, member) -> None:
    smtp = holding_smtp
    group_class = _next_week_class("Yoga Flow")
    with worker(smtp=smtp, queues=MAIL) as doomed:
        registration = class_register(member=member, group_class=group_class)
        # The worker is inside the job: its receipt is written (uncommitted) and the SMTP server has the DATA.
        assert smtp.holding.wait(15), "the worker never started sending the confirmation"
        (job,) = _jobs(SEND)
        assert (job.status, job.worker_id) == ("doing", doomed.id)
        doomed.kill()
    # The held copy is answered with a temporary failure, to nobody: it is not counted as received.
    smtp.release.set()
    assert smtp.count() == 0

    with worker(smtp=smtp, queues=[*MAIL, "housekeeping"]):
        # The new worker's housekeeping (jobs.retry_stalled, every 10 s) finds the job of a silent worker.
        wait_for(
            lambda: _all_succeeded(SEND) and smtp.count() >= 1,
            timeout=30,
            what="the killed worker's job was retried and its mail accepted",
        )

    assert _recipients(smtp) == [member.user.email]
    assert smtp.messages[0].subject == "You are booked into Yoga Flow"
    assert JobReceipt.objects.filter(purpose="mail.class_registered", key=str(registration.pk)).count() == 1
    # Killed, not failed: no error was recorded, and it was one job started twice.
    assert not JobFailure.objects.exists()
    (job,) = _jobs(SEND)
    assert job.procrastinateevent_set.filter(type="started").count() == 2


def test_two_workers_billing_one_period_at_once_issue_each_invoice_once(smtp: SmtpServer, gold) -> None:
    start, end = previous_month(club_today())
    members = MemberFactory.create_batch(12)
    for person in members:
        MembershipFactory(member=person, plan=gold, started_on=start - datetime.timedelta(days=40))
    staff = AdminStaffFactory().user
    args = {"period_start": start.isoformat(), "period_end": end.isoformat(), "user_id": staff.pk}

    with workers(2, smtp=smtp, queues=["billing", *MAIL]):
        # The runs share a procrastinate lock so that one worker never runs two at once; the second here takes
        # another, so the two runs overlap on the two workers and only the service's member locks stand between.
        run_again.defer(**args)
        run_again.configure(lock="test.overlapping-run").defer(**args)
        wait_for(
            lambda: (
                _all_succeeded("billing.run_again", at_least=2)
                and _all_succeeded(SEND, at_least=len(members))
                and smtp.count() >= len(members)
            ),
            timeout=30,
            what="both runs and every invoice mail finished",
        )

    invoices = Invoice.objects.filter(period_start=start, period_end=end)
    assert Counter(invoices.values_list("member_id", flat=True)) == {person.pk: 1 for person in members}
    assert set(invoices.values_list("status", flat=True)) == {Invoice.Status.ISSUED}
    assert InvoiceLine.objects.filter(invoice__in=invoices).count() == len(members)
    # On the club's 1st the scheduled run of the same month may join in: it too may only bill what is left.
    runs = BillingRun.objects.all()
    assert BillingRun.objects.filter(trigger=BillingRun.Trigger.STAFF).count() == 2
    assert {run.status for run in runs} == {BillingRun.Status.FINISHED}
    assert sum(run.invoices_issued for run in runs) == len(members)
    assert sum(run.failures for run in runs) == 0
    # One invoice mail each, through SMTP.
    assert _recipients(smtp) == sorted(person.user.email for person in members)
    numbers = {message.subject for message in smtp.messages}
    assert numbers == {f"Your invoice {number}" for number in invoices.values_list("number", flat=True)}
