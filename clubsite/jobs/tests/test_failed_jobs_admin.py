"""Failed jobs in the admin: what failed, with its error, and a retry that queues it again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from clubsite.jobs.models import JobFailure
from clubsite.notifications.tasks import send_notice
from clubsite.testing.jobs import run_jobs

pytestmark = pytest.mark.django_db


def _fail_for_good() -> ProcrastinateJob:
    """A mail job for a notice nobody knows, after its ten retries: it fails for good."""
    send_notice.defer(notice="no_such_notice", object_id=1, key="1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET attempts = 10")
    run_jobs()
    return ProcrastinateJob.objects.get()


def test_a_job_out_of_attempts_is_listed_with_its_error(admin_client):
    job = _fail_for_good()
    assert job.status == "failed"

    page = admin_client.get(reverse("admin:jobs_failedjob_changelist"))
    detail = admin_client.get(reverse("admin:jobs_failedjob_change", args=[job.pk]))

    assert page.status_code == 200 and detail.status_code == 200
    assert "notifications.send" in page.content.decode()
    assert "KeyError: &#x27;no_such_notice&#x27;" in page.content.decode()
    assert "Traceback" in detail.content.decode()
    assert JobFailure.objects.get().attempt == 11  # the first run and ten retries


def test_retrying_queues_the_job_again(admin_client):
    job = _fail_for_good()

    response = admin_client.post(
        reverse("admin:jobs_failedjob_changelist"),
        {"action": "retry", "_selected_action": [job.pk]},
        follow=True,
    )

    assert "1 job queued again." in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("todo", 0)
    assert admin_client.get(reverse("admin:jobs_failedjob_changelist")).context["cl"].result_count == 0
    # It fails again (the notice is still unknown), and has all its retries ahead of it: back to the queue.
    run_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("todo", 1)
    assert JobFailure.objects.filter(job_id=job.pk).count() == 2


def test_a_job_retried_twice_at_once_is_queued_once(admin_client):
    job = _fail_for_good()
    from clubsite.jobs.queue import retry_failed_job

    assert retry_failed_job(job.pk) is True
    assert retry_failed_job(job.pk) is False  # already queued: nothing to do, no error


def test_jobs_still_running_or_waiting_are_not_failed_jobs(admin_client):
    send_notice.defer(notice="class_registered", object_id=1, key="1")

    page = admin_client.get(reverse("admin:jobs_failedjob_changelist"))

    assert page.context["cl"].result_count == 0


def test_the_list_of_every_job_retries_the_clubs_way(admin_client):
    job = _fail_for_good()

    response = admin_client.post(
        reverse("admin:procrastinate_procrastinatejob_changelist"),
        {"action": "retry_failed", "_selected_action": [job.pk]},
        follow=True,
    )

    assert "1 job queued again." in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("todo", 0)
