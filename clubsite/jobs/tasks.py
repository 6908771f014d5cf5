"""The queue's own housekeeping, run by every worker's periodic scheduler (each tick is deferred once).

Both are coroutines: they talk to procrastinate's job manager, whose connection lives on the worker's loop.
"""

from __future__ import annotations

import datetime
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from procrastinate.contrib.django import app

from .models import JobFailure, JobReceipt

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * * */10", periodic_id="stalled")
@app.task(name="jobs.retry_stalled", queue="housekeeping", pass_context=False)
async def retry_stalled_jobs(timestamp: int) -> int:
    """Give the jobs of a worker that died mid-job (killed, its machine lost) back to the queue.

    A worker sends a heartbeat every few seconds; one silent for CLUB_JOBS_STALLED_AFTER_SECONDS is dead, and
    its running jobs are queued again. Their receipts (``once``) died with its transaction, so the retry does
    the work once.
    """
    manager = app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=settings.CLUB_JOBS_STALLED_AFTER_SECONDS))
    for job in stalled:
        logger.warning("Retrying job %s (%s): its worker stopped sending heartbeats", job.id, job.task_name)
        await manager.retry_job(job)
    return len(stalled)


def _forget_before(cutoff: datetime.datetime) -> None:
    JobFailure.objects.filter(failed_at__lt=cutoff).delete()
    JobReceipt.objects.filter(done_at__lt=cutoff).delete()


@app.periodic(cron="17 * * * *", periodic_id="cleanup")
@app.task(name="jobs.cleanup", queue="housekeeping", pass_context=False)
async def remove_old_jobs(timestamp: int) -> None:
    """Forget succeeded jobs, errors and receipts after CLUB_JOBS_KEEP_DAYS; failed jobs stay for staff.

    The queue's own ticks (a stalled-job check every ten seconds) are forgotten after an hour, so they never
    crowd the job list. A receipt outlives any retry of its job by far, so dropping an old one cannot let a
    job act twice.
    """
    days = settings.CLUB_JOBS_KEEP_DAYS
    await app.job_manager.delete_old_jobs(nb_hours=1, queue="housekeeping")
    await app.job_manager.delete_old_jobs(nb_hours=days * 24)
    await sync_to_async(_forget_before)(timezone.now() - datetime.timedelta(days=days))
