"""Billing's jobs through procrastinate's worker (run_jobs): the monthly run on the club's 1st, and dunning."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from procrastinate.contrib.django.models import ProcrastinateJob

import clubsite.notifications.billing  # noqa: F401 - the invoice mail and its receiver, as apps.py loads them
from billing import services, tasks
from billing.models import BillingRun, Invoice, Payment
from billing.tests.factories import InvoiceFactory, MembershipFactory, MembershipPlanFactory, club_time
from clubsite.core.events import happened
from clubsite.testing.jobs import queued, run_jobs
from clubsite.testing.races import race
from members.tests.factories import MemberFactory


def gold_member(first_name: str = "Ann"):
    member = MemberFactory(user__first_name=first_name, user__last_name="Tester")
    MembershipFactory(
        member=member,
        plan=MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00")),
        started_on=datetime.date(2026, 1, 1),
    )
    return member


def tick(task) -> None:
    """One tick of a periodic job, run by the worker (with whatever it queues)."""
    task.defer(timestamp=0)
    run_jobs()


# -- the monthly run ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_monthly_job_does_nothing_on_the_second(time_machine):
    gold_member()
    time_machine.move_to(club_time(2026, 12, 2, 0, 5), tick=False)
    tick(tasks.monthly_run)
    assert not BillingRun.objects.exists()
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_the_monthly_job_bills_last_month_on_the_first_once(time_machine):
    ann = gold_member()
    time_machine.move_to(club_time(2026, 12, 1, 0, 5), tick=False)
    tick(tasks.monthly_run)

    billing_run = BillingRun.objects.get()
    assert (billing_run.period_start, billing_run.period_end) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
    )
    assert (billing_run.trigger, billing_run.status, billing_run.invoices_issued) == ("schedule", "finished", 1)
    assert billing_run.job_id == ProcrastinateJob.objects.get(task_name="billing.monthly_run").pk
    invoice = Invoice.objects.get(member=ann)
    assert invoice.status == Invoice.Status.ISSUED
    assert [message.subject for message in mail.outbox] == [f"Your invoice {invoice.number}"]

    # Later ticks of the same day find the month billed by the schedule, and start no run.
    time_machine.move_to(club_time(2026, 12, 1, 9, 5), tick=False)
    tick(tasks.monthly_run)
    assert BillingRun.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_monthly_job_catches_up_later_on_the_first_after_a_failed_or_staff_run(time_machine, admin_user):
    gold_member()
    BillingRun.objects.create(
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30),
        trigger="schedule",
        status=BillingRun.Status.FAILED,
    )
    BillingRun.objects.create(
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30),
        trigger="staff",
        started_by=admin_user,
        status=BillingRun.Status.FINISHED,
    )
    time_machine.move_to(club_time(2026, 12, 1, 15, 5), tick=False)
    tick(tasks.monthly_run)
    assert BillingRun.objects.filter(trigger="schedule", status="finished").count() == 1
    assert Invoice.objects.filter(status=Invoice.Status.ISSUED).count() == 1


@pytest.mark.django_db
def test_the_first_is_the_clubs_first_not_utcs(time_machine):
    """00:30 on 1 June in London is still 31 May in UTC: the club's day decides (cron itself is UTC)."""
    gold_member()
    time_machine.move_to(club_time(2026, 6, 1, 0, 30), tick=False)
    tick(tasks.monthly_run)
    billing_run = BillingRun.objects.get()
    assert (billing_run.period_start, billing_run.period_end) == (datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))

    # 00:30 on 2 July in London is 1 July in UTC: the club's 2nd, no run of June.
    time_machine.move_to(club_time(2026, 7, 2, 0, 30), tick=False)
    tick(tasks.monthly_run)
    assert BillingRun.objects.count() == 1


# -- dunning ------------------------------------------------------------------------------------------


@pytest.fixture
def issued(time_machine) -> Invoice:
    """A £30 invoice issued on 1 December 2026, due on the 15th."""
    time_machine.move_to(club_time(2026, 12, 1, 9), tick=False)
    invoice = InvoiceFactory(
        member=MemberFactory(user__first_name="Ann"),
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30),
    )
    services.invoice_line_add(invoice=invoice, description="Towels", quantity=3, unit_price=Decimal("10.00"))
    invoice = services.invoice_issue(invoice=invoice)
    assert invoice.due_date == datetime.date(2026, 12, 15)
    run_jobs()
    mail.outbox.clear()
    return invoice


@pytest.fixture
def overdue_events():
    seen: list[int] = []

    def receive(sender, event, **kwargs):
        if event.name == "invoice.overdue":
            seen.append(event.object_id)

    happened.connect(receive, dispatch_uid="test.overdue_events")
    yield seen
    happened.disconnect(dispatch_uid="test.overdue_events")


def reminders() -> list[str]:
    return [message.subject for message in mail.outbox if message.subject.startswith("Reminder")]


def dunning_on(time_machine, day: int, month: int = 12, hour: int = 8) -> None:
    time_machine.move_to(club_time(2026 if month == 12 else 2027, month, day, hour), tick=False)
    tick(tasks.dunning)


@pytest.mark.django_db
def test_dunning_marks_an_invoice_overdue_the_day_after_its_due_date_and_announces_it_once(
    issued, time_machine, overdue_events
):
    dunning_on(time_machine, 15)
    issued.refresh_from_db()
    assert issued.overdue_since is None
    assert overdue_events == []

    dunning_on(time_machine, 16, hour=6)  # before CLUB_DUNNING_HOUR, club time: nothing yet
    issued.refresh_from_db()
    assert issued.overdue_since is None

    dunning_on(time_machine, 16)
    issued.refresh_from_db()
    assert issued.overdue_since == datetime.date(2026, 12, 16)
    assert overdue_events == [issued.pk]

    dunning_on(time_machine, 16, hour=9)
    dunning_on(time_machine, 17)
    assert overdue_events == [issued.pk]
    assert reminders() == []


@pytest.mark.django_db
def test_reminders_go_at_3_7_and_14_days_overdue_each_once(issued, time_machine):
    number = issued.number
    sent: list[tuple[int, list[str]]] = []
    for day in (16, 17, 18, 18, 19, 21, 22, 22, 23, 28, 29, 30, 31):
        dunning_on(time_machine, day)
        sent.append((day, reminders()))
        mail.outbox.clear()
    assert [(day, subjects) for day, subjects in sent if subjects] == [
        (18, [f"Reminder: invoice {number} is 3 days overdue"]),
        (22, [f"Reminder: invoice {number} is 7 days overdue"]),
        (29, [f"Reminder: invoice {number} is 14 days overdue"]),
    ]
    dunning_on(time_machine, 20, month=1)
    assert reminders() == []


@pytest.mark.django_db
def test_a_missed_reminder_day_is_caught_up_once_with_the_highest_day_passed(issued, time_machine):
    dunning_on(time_machine, 18)
    assert len(reminders()) == 1
    mail.outbox.clear()
    # The worker was down from the 19th to the 23rd: the day-7 reminder goes on the 24th, once.
    dunning_on(time_machine, 24)
    assert reminders() == [f"Reminder: invoice {issued.number} is 9 days overdue"]
    message = mail.outbox[0]
    assert "£30.00" in message.body and f"/member/invoices/{issued.pk}/" in message.body
    mail.outbox.clear()
    dunning_on(time_machine, 25)
    assert reminders() == []
    issued.refresh_from_db()
    assert issued.reminded_days_overdue == 7


@pytest.mark.django_db
def test_after_a_long_outage_only_the_highest_reminder_goes(issued, time_machine):
    dunning_on(time_machine, 31)  # 16 days overdue, nothing sent before
    assert reminders() == [f"Reminder: invoice {issued.number} is 16 days overdue"]
    issued.refresh_from_db()
    assert issued.reminded_days_overdue == 14


@pytest.mark.django_db
def test_a_paid_invoice_gets_no_reminder_even_one_already_queued(issued, time_machine):
    time_machine.move_to(club_time(2026, 12, 18, 8), tick=False)
    tasks.dunning.defer(timestamp=0)
    run_jobs()
    assert len(reminders()) == 1
    mail.outbox.clear()

    time_machine.move_to(club_time(2026, 12, 22, 8), tick=False)
    tasks.send_reminders(today=datetime.date(2026, 12, 22))  # queued, not sent yet
    assert len(queued("notifications.send")) == 1
    services.payment_record(invoice=issued, amount=Decimal("30.00"), method=Payment.Method.CASH)
    run_jobs()
    assert reminders() == []
    dunning_on(time_machine, 29)
    assert reminders() == []


@pytest.mark.django_db(transaction=True)
def test_dunning_ticks_racing_mark_announce_and_remind_each_invoice_once(time_machine, overdue_events):
    """Two workers' ticks at once (a duplicate deferral, a catch-up): the invoice row locks keep each effect single."""
    time_machine.move_to(club_time(2026, 12, 1, 9), tick=True)
    invoices = []
    for name in ("Ann", "Bob", "Cat", "Dan", "Eve"):
        invoice = InvoiceFactory(
            member=MemberFactory(user__first_name=name),
            period_start=datetime.date(2026, 11, 1),
            period_end=datetime.date(2026, 11, 30),
        )
        services.invoice_line_add(invoice=invoice, description="Towels", quantity=1, unit_price=Decimal("10.00"))
        invoices.append(services.invoice_issue(invoice=invoice))
    time_machine.move_to(club_time(2026, 12, 18, 8), tick=True)  # 3 days overdue: marked, and the first reminder

    outcome = race(lambda i: tasks.dunning(timestamp=i), workers=4)

    assert outcome.errors == []
    assert sum(result["marked"] for result in outcome.results) == len(invoices)
    assert sum(result["reminded"] for result in outcome.results) == len(invoices)
    assert sorted(overdue_events) == sorted(invoice.pk for invoice in invoices)
    reminder_jobs = ProcrastinateJob.objects.filter(task_name="notifications.send", args__notice="payment_reminder")
    assert sorted(job.args["object_id"] for job in reminder_jobs) == sorted(invoice.pk for invoice in invoices)
    for invoice in invoices:
        invoice.refresh_from_db()
        assert (invoice.overdue_since, invoice.reminded_days_overdue) == (datetime.date(2026, 12, 16), 3)
