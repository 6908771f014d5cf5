"""Failed jobs for staff: what failed, its error, and a retry (procrastinate's own admin lists every job)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from procrastinate.contrib.django.admin import ProcrastinateJobAdmin
from procrastinate.contrib.django.models import ProcrastinateJob

from clubsite.core.errors import ClubError

from .models import FailedJob, JobFailure
from .queue import retry_failed_job
from .selectors import failed_jobs


def retry_selected(model_admin: admin.ModelAdmin, request: HttpRequest, jobs: QuerySet[ProcrastinateJob]) -> None:
    """Retry the failed jobs among ``jobs`` the club's way (``retry_failed_job``) and say how many, or why not."""
    retried = 0
    for job in jobs:
        try:
            retried += retry_failed_job(job.pk)
        except ClubError as error:
            model_admin.message_user(request, f"Job {job.pk} ({job.task_name}): {error.message}", messages.ERROR)
    model_admin.message_user(request, f"{retried} job{'s' if retried != 1 else ''} queued again.", messages.SUCCESS)


@admin.register(FailedJob)
class FailedJobAdmin(admin.ModelAdmin):
    list_display = ["id", "task_name", "attempts", "failed_at", "error"]
    list_filter = ["task_name", "queue_name"]
    search_fields = ["task_name"]
    ordering = ["-id"]
    actions = ["retry"]
    fields = readonly_fields = ("id", "task_name", "queue_name", "args", "attempts", "scheduled_at", "errors")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FailedJob]:
        return failed_jobs()

    @admin.display(description="last error")
    def error(self, job: FailedJob) -> str:
        return getattr(job, "last_error", None) or "(the error was not recorded)"

    @admin.display(description="failed at", ordering="last_failed_at")
    def failed_at(self, job: FailedJob) -> object:
        return getattr(job, "last_failed_at", None)

    @admin.display(description="errors, newest first")
    def errors(self, job: FailedJob) -> str:
        failures = JobFailure.objects.filter(job_id=job.pk)[:20]
        if not failures:
            return "(none recorded)"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li><strong>attempt {}</strong>, {}: {}<pre>{}</pre></li>",
                ((f.attempt, f.failed_at, f.error, f.traceback) for f in failures),
            ),
        )

    @admin.action(description="Retry the selected jobs now", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[FailedJob]) -> None:
        retry_selected(self, request, queryset)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Nothing of a job is edited; "change" is the permission to retry one.
        return super().has_change_permission(request, obj) if obj is None else False


class JobAdmin(ProcrastinateJobAdmin):
    """procrastinate's list of every job, whose retry is the club's: failed jobs only, with fresh attempts and
    what their app puts right first (a webhook delivery goes back to pending)."""

    actions = ["retry_failed", "cancel", "abort"]

    @admin.action(description="Retry the selected failed jobs now")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[ProcrastinateJob]) -> None:
        retry_selected(self, request, queryset)


admin.site.unregister(ProcrastinateJob)
admin.site.register(ProcrastinateJob, JobAdmin)
