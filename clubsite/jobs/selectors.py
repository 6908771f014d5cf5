"""Reads of the job queue for staff: the failed jobs, each with its last error (the admin and the API)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from .models import FailedJob, JobFailure


def _last_failure(field: str) -> Subquery:
    return Subquery(JobFailure.objects.filter(job_id=OuterRef("pk")).order_by("-failed_at", "-id").values(field)[:1])


def failed_jobs() -> QuerySet[FailedJob]:
    """Jobs that ran out of attempts, annotated with ``last_error`` and ``last_failed_at``; one query."""
    return FailedJob.objects.filter(status="failed").annotate(
        last_error=_last_failure("error"), last_failed_at=_last_failure("failed_at")
    )
