"""Staff's list of erasure requests: managers approve them (an action); the service refuses what must be settled
first and says what."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html_join

from clubsite.core.errors import ClubError
from operations.staff import is_manager

from .models import ErasureRequest
from .services import erasure_approve, erasure_blockers


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "member_number", "status", "requested_at", "completed_at", "approved_by")
    list_filter = ("status",)
    list_select_related = ("member__user", "approved_by")
    search_fields = ("=member__id",)
    ordering = ("-requested_at", "-id")
    actions = ("approve",)
    fields = ("member", "status", "requested_at", "cancelled_at", "completed_at", "approved_by", "before_erasure")
    readonly_fields = fields

    # Managers (and superusers) only: the list names who asked, and approving erases a person.
    def has_view_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)

    def has_module_permission(self, request) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="member number")
    def member_number(self, request_row: ErasureRequest) -> str:
        return request_row.member.number

    @admin.display(description="before it can be done")
    def before_erasure(self, request_row: ErasureRequest) -> str:
        if request_row.status != ErasureRequest.Status.PENDING:
            return "—"
        blockers = erasure_blockers(member=request_row.member)
        if not blockers:
            return "Nothing: it can be approved."
        return format_html_join("", "<p>{}</p>", ((error.message,) for error in blockers))

    @admin.action(description="Approve: erase the selected members' personal data")
    def approve(self, request, queryset):
        done = 0
        for row in queryset.order_by("member_id"):
            try:
                erasure_approve(request=row, by=request.user)
            except ClubError as error:
                self.message_user(request, f"Request {row.pk} ({row.member}): {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} member(s) erased; each is mailed that it is done.", messages.SUCCESS)
