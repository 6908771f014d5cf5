"""Staff's door onto the job queue (/api/v1/staff/jobs): the failed jobs with their errors, and a retry, as the
admin's *Failed jobs* list offers them (managers: ``jobs.view_failedjob``, ``jobs.change_failedjob``)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import STAFF_AUTH, require_staff
from clubsite.api.errors import RequestError
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from clubsite.jobs.models import FailedJob
from clubsite.jobs.queue import retry_failed_job
from clubsite.jobs.selectors import failed_jobs

router = Router(tags=["staff: jobs"], auth=STAFF_AUTH)


class FailedJobOut(Schema):
    id: int
    task: str = Field(description="The task the job runs, such as notifications.send.")
    arguments: dict[str, object]
    attempts: int
    error: str = Field(description="The last attempt's error (empty if none was recorded).")
    failed_at: datetime.datetime | None


def _job_out(job: FailedJob) -> FailedJobOut:
    return FailedJobOut(
        id=job.pk,
        task=job.task_name,
        arguments=dict(job.args),
        attempts=job.attempts,
        error=getattr(job, "last_error", None) or "",
        failed_at=getattr(job, "last_failed_at", None),
    )


@router.get(
    "/failed",
    response={200: list[FailedJobOut], **PROBLEMS},
    operation_id="staff_failed_job_list",
    url_name="staff_failed_job_list",
    summary="Jobs that ran out of attempts, newest first",
)
@paginate(LimitOffsetPagination)
def failed_list(request: HttpRequest, task: str | None = None):
    """Each with its last error. Needs ``jobs.view_failedjob``."""
    require_staff(request, "jobs.view_failedjob")
    jobs = failed_jobs().order_by("-id")
    if task is not None:
        jobs = jobs.filter(task_name=task)
    return Converted(jobs, _job_out)


@router.post(
    "/failed/{job_id}/retry",
    response={200: FailedJobOut, **PROBLEMS},
    operation_id="staff_failed_job_retry",
    url_name="staff_failed_job_retry",
    summary="Queue a failed job again",
)
def failed_retry(request: HttpRequest, job_id: int) -> FailedJobOut:
    """Now, with all its retries ahead of it; ``job_not_failed`` (409) for a job that is not failed (any
    more). Needs ``jobs.change_failedjob``."""
    require_staff(request, "jobs.change_failedjob")
    job = get_object_or_404(failed_jobs(), pk=job_id)
    if not retry_failed_job(job.pk):
        raise RequestError("job_not_failed")
    job.refresh_from_db()
    return _job_out(job)
