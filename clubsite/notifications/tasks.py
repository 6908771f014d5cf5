"""The mail jobs: one notice to one person, sent once; and the scan that queues reminders."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone
from procrastinate.contrib.django import app

from clubsite.jobs.models import JobReceipt
from clubsite.jobs.queue import club_task, once
from operations.models import Booking, ClassRegistration, PersonalTrainingSession

from .mail import render
from .notices import NOTICES

logger = logging.getLogger(__name__)


@club_task(name="notifications.send", queue="mail")
def send_notice(notice: str, object_id: int, key: str) -> bool:
    """Send ``notice`` about ``object_id`` unless it went out already for ``key``; True when sent now.

    The receipt and the sending share a transaction: an SMTP failure rolls the receipt back and the job is
    retried with backoff; a second run of the same job (or a second worker) finds the receipt and sends nothing.
    """
    builder = NOTICES[notice]
    with once(f"mail.{notice}", key) as first:
        if not first:
            return False
        mail = builder(object_id)
        if mail is None:
            logger.info("Mail %s for %s no longer applies; not sent", notice, key)
            return False
        get_connection().send_messages([render(mail)])
        return True


def queue_notice(notice: str, object_id: int, key: object | None = None) -> None:
    """Queue ``notice`` in the caller's transaction (keyed by the object unless ``key`` says otherwise)."""
    send_notice.defer(notice=notice, object_id=object_id, key=str(object_id if key is None else key))


def queue_notices(notice: str, keyed: Iterable[tuple[int, object]]) -> None:
    """Queue ``notice`` for each ``(object_id, key)`` in one statement (a whole class's members)."""
    jobs: list[dict[str, Any]] = [
        {"notice": notice, "object_id": object_id, "key": str(key)} for object_id, key in keyed
    ]
    if jobs:
        send_notice.batch_defer(*jobs)


def _starting_soon(now: datetime.datetime) -> dict[str, object]:
    return {
        "start_time__gt": now,
        "start_time__lte": now + datetime.timedelta(hours=settings.CLUB_REMINDER_HOURS),
        "status": Booking.Status.SCHEDULED,
    }


@app.periodic(cron="*/5 * * * *", periodic_id="reminders")
@club_task(name="notifications.queue_reminders", queue="mail", retry=False)
def queue_reminders(timestamp: int) -> int:
    """Queue a reminder for every seat and session starting within CLUB_REMINDER_HOURS; how many it queued.

    Each reminder is keyed by its place and the start time, so the scan every five minutes (and two workers
    scanning at once) sends each one once, and a class moved to another day is reminded of again. A member
    who turned reminders off, or a class cancelled since, gets nothing: the notice checks when it is sent.
    """
    soon = _starting_soon(timezone.now())
    # Every place in the window is looked at on each tick; those already reminded (a receipt) are skipped, so
    # a tick queues only what is new to the window.
    seats = ClassRegistration.objects.filter(
        status=ClassRegistration.Status.REGISTERED,
        member__remind_classes=True,
        **{f"group_class__booking__{name}": value for name, value in soon.items()},
    ).values_list("pk", "group_class__booking__start_time")
    sessions = PersonalTrainingSession.objects.filter(
        member__remind_pt_sessions=True, **{f"booking__{name}": value for name, value in soon.items()}
    ).values_list("pk", "booking__start_time")
    wanted = {
        "class_reminder": {f"{pk}@{start.isoformat()}": pk for pk, start in seats},
        "pt_reminder": {f"{pk}@{start.isoformat()}": pk for pk, start in sessions},
    }
    sent = set(
        JobReceipt.objects.filter(
            purpose__in=[f"mail.{notice}" for notice in wanted],
            key__in=[key for keys in wanted.values() for key in keys],
        ).values_list("purpose", "key")
    )
    jobs: list[dict[str, Any]] = [
        {"notice": notice, "object_id": pk, "key": key}
        for notice, keys in wanted.items()
        for key, pk in keys.items()
        if (f"mail.{notice}", key) not in sent
    ]
    if jobs:
        send_notice.batch_defer(*jobs)
    return len(jobs)
