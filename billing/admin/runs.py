"""Billing runs, read only: what each run of the monthly billing did (the back office's page can start one)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..models import VIEW_RUNS, BillingRun


@admin.register(BillingRun)
class BillingRunAdmin(admin.ModelAdmin):
    """A run is written by the run alone: nobody adds, edits or deletes one here."""

    list_display = [
        "period_start",
        "period_end",
        "started_at",
        "trigger",
        "started_by",
        "status",
        "members_billed",
        "invoices_created",
        "invoices_issued",
        "failures",
    ]
    list_filter = ["status", "trigger", "period_start"]
    list_select_related = ["started_by"]
    date_hierarchy = "started_at"
    ordering = ["-started_at", "-id"]
    fields = (
        "period_start",
        "period_end",
        "started_at",
        "finished_at",
        "trigger",
        "started_by",
        "status",
        "members_billed",
        "invoices_created",
        "invoices_issued",
        "failures",
        "failed_members",
        "job_id",
    )
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The one rule of who sees the runs, the back office's page's too.
        return request.user.has_perm(VIEW_RUNS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="members not billed")
    def failed_members(self, run: BillingRun) -> str:
        if not run.failure_details:
            return "none"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {} <code>{}</code></li>',
                (
                    (
                        reverse("admin:members_member_change", args=[failure["member_id"]]),
                        failure["member"],
                        failure["message"],
                        failure["code"],
                    )
                    for failure in run.failure_details
                ),
            ),
        )
