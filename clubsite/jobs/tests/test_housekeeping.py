"""The queue's housekeeping: a dead worker's jobs go back to the queue; old jobs, errors and receipts go."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from clubsite.jobs.models import JobFailure, JobReceipt
from clubsite.jobs.tasks import remove_old_jobs, retry_stalled_jobs
from clubsite.notifications.tasks import send_notice
from clubsite.testing.jobs import failed_job, run_jobs

pytestmark = pytest.mark.django_db


def sql(statement: str, params: list[object] | None = None) -> object:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchone()[0] if cursor.description else None


def a_worker(heartbeat: str) -> object:
    return sql(f"INSERT INTO procrastinate_workers (last_heartbeat) VALUES ({heartbeat}) RETURNING id")


def test_the_job_of_a_worker_that_stopped_sending_heartbeats_is_queued_again():
    send_notice.defer(notice="class_registered", object_id=0, key="orphan")
    worker = a_worker("now() - interval '1 hour'")
    sql("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE args->>'key' = 'orphan'", [worker])

    retry_stalled_jobs.defer(timestamp=0)
    run_jobs(queues=["housekeeping"])

    assert ProcrastinateJob.objects.get(args__key="orphan").status == "todo"


def test_a_running_job_of_a_live_worker_is_left_alone():
    send_notice.defer(notice="class_registered", object_id=0, key="busy")
    worker = a_worker("now()")
    sql("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE args->>'key' = 'busy'", [worker])

    retry_stalled_jobs.defer(timestamp=0)
    run_jobs(queues=["housekeeping"])

    assert ProcrastinateJob.objects.get(args__key="busy").status == "doing"


def test_cleanup_forgets_what_is_old_and_keeps_failed_jobs(settings):
    settings.CLUB_JOBS_KEEP_DAYS = 30
    long_ago = timezone.now() - datetime.timedelta(days=31)
    JobReceipt.objects.create(purpose="mail.test", key="old", done_at=long_ago)
    JobReceipt.objects.create(purpose="mail.test", key="new")
    JobFailure.objects.create(job_id=1, task_name="t", attempt=1, error="x", failed_at=long_ago)
    kept = failed_job("kept")
    send_notice.defer(notice="class_registered", object_id=0, key="done long ago")
    sql("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE args->>'key' = 'done long ago'")
    sql(  # everything that happened to it, a month ago
        "UPDATE procrastinate_events SET at = now() - interval '31 days'"
        " WHERE job_id IN (SELECT id FROM procrastinate_jobs WHERE args->>'key' = 'done long ago')"
    )

    remove_old_jobs.defer(timestamp=0)
    run_jobs(queues=["housekeeping"])

    assert list(JobReceipt.objects.values_list("key", flat=True)) == ["new"]
    assert not JobFailure.objects.exists()
    assert ProcrastinateJob.objects.filter(pk=kept.pk).exists()
    assert not ProcrastinateJob.objects.filter(args__key="done long ago").exists()
