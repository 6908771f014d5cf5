"""Billing's jobs: the monthly billing run, dunning (overdue marks and payment reminders), and staff's "run again".

Procrastinate reads a periodic task's cron in UTC, while the club's day is ``clubsite.core.clock``'s; so both
periodic jobs tick every hour and decide on the club's clock whether there is work, which is right in summer
and winter time alike and lets a worker that was down catch up later the same day.

- ``billing.monthly_run`` bills the PREVIOUS calendar month on the club's 1st: a month is billed once it is
  over, in arrears, as the demo seed and the bulk loader bill (the plan month, and every PT session and paid
  class of that month, are then all known). It runs at the first tick of the 1st (00:05 club time) and at any
  later tick that day until a scheduled run of that month has finished; a worker down all of the 1st leaves
  the month to staff, whose back office shows no run for it and offers to run it.
- ``billing.dunning`` works from CLUB_DUNNING_HOUR (07:00) club time; the first tick from then marks the day's
  newly overdue invoices and queues the reminders due, and the later ticks of that day find nothing new.
- ``billing.run_again`` is what the back office's button queues, so that a web request never bills the club.
  One waiting run per period (a procrastinate ``queueing_lock``): another click while it waits is refused
  (``RunAlreadyQueued``), not queued again.

Each run records its job's id (``pass_context``): a job a dead worker left and the queue started again finds
its earlier run still RUNNING, which the service marks interrupted.

The runs share a procrastinate ``lock``: the worker never runs two of them at the same time, and the second
finds the period billed. The service holds the rule under any race anyway (see ``billing.services.runs``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from clubsite.accounts.models import User
from clubsite.core.clock import club_time, club_today
from clubsite.jobs.queue import club_task
from clubsite.notifications.billing import queue_payment_reminder

from .models import BillingRun, Invoice
from .selectors import payment_reminders_due, scheduled_run_finished
from .services import billing_run, invoice_mark_reminded, invoices_mark_overdue, sign_ups_forget

logger = logging.getLogger(__name__)

#: Jobs holding this procrastinate lock run one at a time, whichever worker takes them.
RUN_LOCK = "billing.run"


class RunAlreadyQueued(Exception):
    """A run of this period is queued and not started yet: the back office says so instead of queueing another."""


def _job_id(context: JobContext) -> int | None:
    return context.job.id if context.job is not None else None


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month before ``today``'s."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


# club_task's type counts the context among the job's arguments (its Args are the function's parameters), so
# periodic's check that the first argument is the timestamp sees the context there instead.
@app.periodic(cron="5 * * * *", periodic_id="billing-monthly-run")  # type: ignore[arg-type]
@club_task(name="billing.monthly_run", queue="billing", retry=False, lock=RUN_LOCK, pass_context=True)
def monthly_run(context: JobContext, timestamp: int) -> int | None:
    """On the club's 1st, bill last month unless a scheduled run already finished it; the run's id, or None.

    Not retried by procrastinate: the next hourly tick of the same day is the retry (a failed run does not
    count as finished).
    """
    today = club_today()
    if today.day != 1:
        return None
    start, end = previous_month(today)
    if scheduled_run_finished(period_start=start, period_end=end):
        return None
    run = billing_run(
        period_start=start, period_end=end, trigger=BillingRun.Trigger.SCHEDULE, job_id=_job_id(context)
    )
    return run.pk


@club_task(name="billing.run_again", queue="billing", retry=False, lock=RUN_LOCK, pass_context=True)
def run_again(context: JobContext, period_start: str, period_end: str, user_id: int) -> int:
    """Staff's run of a period (queued by the back office): bills what the period still has; the run's id."""
    user = User.objects.filter(pk=user_id).first()
    run = billing_run(
        period_start=datetime.date.fromisoformat(period_start),
        period_end=datetime.date.fromisoformat(period_end),
        trigger=BillingRun.Trigger.STAFF,
        started_by=user,
        job_id=_job_id(context),
    )
    return run.pk


def run_again_lock(period_start: datetime.date, period_end: datetime.date) -> str:
    """The queueing lock of staff's run of a period: one such job may wait at a time."""
    return f"billing.run_again:{period_start.isoformat()}:{period_end.isoformat()}"


def queue_run_again(*, period_start: datetime.date, period_end: datetime.date, user: User) -> None:
    """Queue staff's run (in the caller's transaction); ``RunAlreadyQueued`` when one of the period waits."""
    try:
        # A savepoint: the refused insert must not abort the caller's transaction.
        with transaction.atomic():
            run_again.configure(queueing_lock=run_again_lock(period_start, period_end)).defer(
                period_start=period_start.isoformat(), period_end=period_end.isoformat(), user_id=user.pk
            )
    except AlreadyEnqueued:
        raise RunAlreadyQueued(period_start, period_end) from None


def send_reminders(*, today: datetime.date) -> int:
    """Queue each reminder due today, recorded on its invoice in the same transaction; how many were queued."""
    thresholds = list(settings.CLUB_DUNNING_REMINDER_DAYS)
    queued = 0
    for invoice_id, days in payment_reminders_due(today=today, days=thresholds):
        with transaction.atomic():
            if invoice_mark_reminded(invoice=Invoice(pk=invoice_id), days=days, thresholds=thresholds, today=today):
                queue_payment_reminder(invoice_id, days)
                queued += 1
    return queued


@app.periodic(cron="15 * * * *", periodic_id="billing-dunning")
@club_task(name="billing.dunning", queue="billing", retry=False)
def dunning(timestamp: int) -> dict[str, int] | None:
    """From CLUB_DUNNING_HOUR club time: mark newly overdue invoices, queue the payment reminders due.

    A reminder goes at each of CLUB_DUNNING_REMINDER_DAYS days overdue; after a worker was down, the highest
    day passed and not yet reminded of is sent, once, not every one missed. Not retried: the next tick is.
    """
    now = club_time(timezone.now())
    if now.hour < settings.CLUB_DUNNING_HOUR:
        return None
    today = now.date()
    marked = invoices_mark_overdue(today=today)
    reminded = send_reminders(today=today)
    if marked or reminded:
        logger.info("Dunning %s: %s invoices marked overdue, %s reminders queued", today, len(marked), reminded)
    return {"marked": len(marked), "reminded": reminded}


@app.periodic(cron="20 3 * * *", periodic_id="billing-forget-unconfirmed-sign-ups")
@club_task(name="billing.forget_unconfirmed_sign_ups", queue="billing", retry=False)
def forget_unconfirmed_sign_ups(timestamp: int) -> int:
    """Daily: the sign-ups nobody confirmed within CLUB_UNCONFIRMED_SIGN_UP_DAYS are deleted; how many."""
    return sign_ups_forget(older_than=datetime.timedelta(days=settings.CLUB_UNCONFIRMED_SIGN_UP_DAYS))
