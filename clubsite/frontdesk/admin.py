"""Visits and staff notes in the admin: lists to look through. Both are written at the desk (the check-in and the
staff member page's note form), through the front desk's services, never typed in here."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from members.selectors import member_search

from .models import StaffNote, Visit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # Searched by member name, along the members' trigram indexes (members/0003).
    search_fields = ("member__user__last_name",)
    search_help_text = "The member's first or last name."

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        members = member_search(term=search_term).prefetch_related(None).order_by().values("pk")
        return queryset.filter(member__in=members), False

    @admin.display(description="member", ordering="member__user__last_name")
    def member_link(self, obj) -> str:
        address = reverse("frontdesk:member", args=[obj.member_id])
        return format_html('<a href="{}">{}</a>', address, obj.member.full_name)


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("checked_in_at", "member_link", "method", "membership_status", "checked_in_by")
    list_filter = ("method", "membership_status", ("checked_in_at", admin.DateFieldListFilter))
    list_select_related = ("member__user", "checked_in_by")
    date_hierarchy = None
    fields = ("member", "checked_in_at", "method", "membership_status", "checked_in_by")


@admin.register(StaffNote)
class StaffNoteAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "member_link", "short_text", "author")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    list_select_related = ("member__user", "author")
    fields = ("member", "text", "author", "created_at")

    @admin.display(description="note")
    def short_text(self, note: StaffNote) -> str:
        return note.text if len(note.text) <= 80 else note.text[:79] + "…"
