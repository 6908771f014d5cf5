"""What the job queue keeps beside procrastinate's own tables: the receipts that make a job act once, and the
errors of failed attempts (procrastinate logs them but keeps only the job's status)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from clubsite.core.db import text_limit


class JobReceipt(models.Model):
    """One row per thing a job has done, so a job that runs twice (a retry, two workers) never acts twice.

    ``clubsite.jobs.queue.once`` inserts the row in the same transaction as the work; a second claimant waits
    on the unique index until the first commits (and then does nothing) or rolls back (and then does the work).
    """

    purpose = models.CharField(max_length=60, help_text="What was done, such as 'mail.class_registered'.")
    key = models.CharField(max_length=200, help_text="Which object it was done for, such as a registration id.")
    done_at = models.DateTimeField(default=timezone.now, help_text="When the work was committed.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["purpose", "key"], name="jobs_jobreceipt_once")]
        indexes = [models.Index(fields=["done_at"], name="jobs_jobreceipt_done_at")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key}"


class JobFailure(models.Model):
    """The error of one failed attempt of a job, for the admin's list of failed jobs."""

    job_id = models.BigIntegerField(help_text="The procrastinate job that failed (procrastinate_jobs.id).")
    task_name = models.CharField(max_length=128, help_text="The task the job ran.")
    attempt = models.PositiveIntegerField(help_text="Which attempt failed: 1 for the first run.")
    # clubsite.jobs.queue keeps the first 2000 characters of the error and the last 8000 of the traceback.
    error = models.TextField(max_length=2000, help_text="The exception's type and message.")
    traceback = models.TextField(max_length=8000, blank=True, help_text="Where it was raised, for the developer.")
    failed_at = models.DateTimeField(default=timezone.now, help_text="When the attempt failed.")

    class Meta:
        ordering = ["-failed_at", "-id"]
        indexes = [models.Index(fields=["job_id", "-failed_at"], name="jobs_jobfailure_job")]
        constraints = [
            text_limit("jobs_jobfailure", "error", 2000),
            text_limit("jobs_jobfailure", "traceback", 8000),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.job_id} attempt {self.attempt}: {self.error[:60]}"


class FailedJob(ProcrastinateJob):
    """Jobs that ran out of attempts, as staff see them in the admin (a proxy: procrastinate owns the table)."""

    class Meta:
        proxy = True
        verbose_name = "failed job"
        verbose_name_plural = "failed jobs"
