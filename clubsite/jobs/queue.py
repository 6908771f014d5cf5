"""The club's job queue: procrastinate with PostgreSQL as its broker, and the rules every job follows.

- A job is queued with ``task.defer(...)`` inside the service's transaction (procrastinate's Django connector
  writes through Django's connection), so it exists exactly when the change is committed: a rolled-back
  change queues nothing, and a committed one cannot lose its job to a crash between commit and queueing.
- A job may run more than once (a retry after a crash, a duplicate deferral), so whatever it does to the
  outside world is wrapped in :func:`once`, which records a :class:`JobReceipt` in the same transaction.
- A failed attempt is retried with exponential backoff and its error kept (:class:`JobFailure`) for the
  admin's list of failed jobs.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.db import connection, transaction
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.job_context import JobContext
from procrastinate.tasks import Task

from clubsite.audit.context import audit_context

from .models import JobFailure

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

#: Ten retries, waiting 2, 4, 8... seconds up to about 17 minutes (34 minutes in all): a mail server restart or an
#: endpoint's deploy is ridden out, a permanent error ends up in the failed jobs.
DEFAULT_RETRY = RetryStrategy(max_attempts=10, exponential_wait=2)


def record_failure(call_next: Callable[[], Any], context: JobContext, worker: object) -> Any:
    """A task middleware: keep the error of a failed attempt, then let procrastinate retry or fail the job."""
    try:
        return call_next()
    except Exception as error:
        job = context.job
        try:
            JobFailure.objects.create(
                job_id=job.id or 0,
                task_name=job.task_name,
                attempt=job.attempts + 1,
                error=f"{type(error).__name__}: {error}"[:2000],
                traceback=traceback.format_exc()[-8000:],
            )
        except Exception:  # the database may be what failed; the worker's log still has the error
            logger.exception("Could not record the failure of job %s", job.id)
        raise


def audit_as_job(call_next: Callable[[], Any], context: JobContext, worker: object) -> Any:
    """A task middleware: the job's writes are recorded in the audit trail as door ``job``, by the task's name."""
    with audit_context(door="job", actor_label=context.job.task_name):
        return call_next()


def club_task(
    *, name: str, queue: str = "default", retry: RetryStrategy | bool = DEFAULT_RETRY, **options: Any
) -> Callable[[Callable[P, R]], Task[P, R, P]]:
    """Declare a job: a stable ``name`` (jobs already queued find their task by it), retried with backoff."""
    return app.task(name=name, queue=queue, retry=retry, task_middleware=[audit_as_job, record_failure], **options)


@contextmanager
def once(purpose: str, key: object) -> Iterator[bool]:
    """Claim ``(purpose, key)`` and yield whether this is the first claim; do the work inside the block.

    The claim and the work share one transaction: if the work raises, the claim is rolled back and the job's
    retry does the work again; if it commits, every later claimant gets ``False`` and does nothing. Work with
    an outside effect (a mail, an HTTP call) goes last in the block, so that only a crash between that
    effect and the commit can repeat it.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO jobs_jobreceipt (purpose, key, done_at) VALUES (%s, %s, now())"
                " ON CONFLICT (purpose, key) DO NOTHING RETURNING id",
                [purpose, str(key)],
            )
            first = cursor.fetchone() is not None
        yield first


#: Task name -> what its app must put right before a failed job of it runs again, given the job's arguments
#: (a webhook delivery marked failed goes back to pending, so the retried job may send it). It may refuse
#: with a ClubError, which the admin and the API show.
BEFORE_RETRY: dict[str, Callable[[dict[str, Any]], None]] = {}


def retry_failed_job(job_id: int) -> bool:
    """Queue a failed job again, now, with all its retries ahead of it; False if it is not (or no longer) failed.

    The row is locked first, so two staff retrying at once queue it once (the second finds it queued).
    """
    with transaction.atomic():
        job = ProcrastinateJob.objects.select_for_update().filter(pk=job_id, status="failed").first()
        if job is None:
            return False
        prepare = BEFORE_RETRY.get(job.task_name)
        if prepare is not None:
            prepare(dict(job.args))
        app.job_manager.retry_job_by_id(job.id, timezone.now(), job.priority, job.queue_name, job.lock)
        # procrastinate counts the retry as one more attempt; staff retrying mean "try again, as new". Due by the
        # database's clock, which is the one workers compare with.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE procrastinate_jobs SET attempts = 0, scheduled_at = now() WHERE id = %s", [job.id])
    return True
