"""The audit trail in the back office: a read-only, searchable list for managers, and each object's own trail."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from clubsite.adminkit import LargeTableAdminMixin
from operations.staff import is_manager

from .models import AuditEvent
from .tables import AUDITED, trail_tables


def trail_url(obj: Model) -> str | None:
    """The address of ``obj``'s trail (its own changes and those of its links); None for a model not audited."""
    tables = trail_tables(obj._meta.db_table)
    if not tables or obj.pk is None:
        return None
    query = {"object_id": obj.pk}
    if len(tables) == 1:
        query["table_name"] = tables[0]
    else:
        query["table_name__in"] = ",".join(tables)
    return f"{reverse('admin:audit_auditevent_changelist')}?{urlencode(query)}"


class TableFilter(admin.SimpleListFilter):
    """The audited tables, from the list the triggers were made from (no scan of the trail to find them)."""

    title = "table"
    parameter_name = "table_name"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(table, table) for table in sorted(AUDITED)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        value = self.value()
        return queryset.filter(table_name=value) if value else queryset


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@admin.register(AuditEvent)
class AuditEventAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "table_name", "object_id", "door", "who", "summary"]
    list_filter = [TableFilter, "action", "door", ("at", admin.DateFieldListFilter)]
    date_hierarchy = "at"
    # An object's id exactly, or the start of who made the change (an email, a job's name).
    search_fields = ["=object_id", "^actor_label"]
    search_help_text = "An object's id, or the start of an email or a job's name."
    ordering = ["-at", "-id"]
    actions = None
    fields = readonly_fields = ("at", "action", "table_name", "object_id", "door", "who", "changes", "transaction")

    # Managers only, and nobody changes it (the database would refuse anyway).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="who")
    def who(self, event: AuditEvent) -> str:
        label = event.actor_label or ("(no one signed in)" if event.door != "sql" else "(no context: SQL)")
        return f"{label} (user {event.actor_id})" if event.actor_id else label

    @admin.display(description="what")
    def summary(self, event: AuditEvent) -> str:
        if event.action == AuditEvent.Action.UPDATE:
            changed = event.after or {}
            return "; ".join(
                f"{column}: {_shown((event.before or {}).get(column))} → {_shown(value)}"
                for column, value in changed.items()
            )[:200]
        return ""

    @admin.display(description="what changed")
    def changes(self, event: AuditEvent) -> str:
        before, after = event.before or {}, event.after or {}
        columns = list(dict.fromkeys([*before, *after]))
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (
                    column,
                    _shown(before.get(column)) if event.before is not None else "",
                    _shown(after.get(column)) if event.after is not None else "",
                )
                for column in columns
            ),
        )
        return format_html(
            "<table class='audit-changes'><thead><tr><th scope='col'>column</th><th scope='col'>before</th>"
            "<th scope='col'>after</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="transaction")
    def transaction(self, event: AuditEvent) -> str:
        address = f"{reverse('admin:audit_auditevent_changelist')}?{urlencode({'txid': event.txid})}"
        return format_html('<a href="{}">Every change of transaction {}</a>', address, event.txid)
