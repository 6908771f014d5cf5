"""Managers' door onto the audit trail (/api/v1/staff/audit): the events, newest first, with the admin's filters."""

# No `from __future__ import annotations`: ninja reads the paged handler's Query[...] annotation at import.
import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import STAFF_AUTH
from clubsite.api.auth import RoleRefused
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS
from clubsite.core.dates import ClubDate
from operations.staff import is_manager

from .models import AuditEvent
from .selectors import audit_events
from .tables import AUDITED, trail_tables

router = Router(tags=["staff: audit trail"], auth=STAFF_AUTH)

NOT_A_MANAGER = "The audit trail is for managers."

Table = Literal[tuple(sorted(AUDITED))]  # type: ignore[valid-type]


class AuditEventOut(Schema):
    id: int
    at: datetime.datetime
    table: str = Field(description="The table changed, such as billing_payment.")
    object_id: str = Field(description="The row's id (for a user's groups and permissions: the user's).")
    action: Literal["insert", "update", "delete"]
    door: str = Field(description="portal, admin, desk, api, job, command, site, or sql (no context).")
    actor_id: int | None = Field(description="The user signed in, if any.")
    actor: str = Field(description="Who, as it read then: an email, or a job's or command's name.")
    before: dict[str, Any] | None = Field(description="The row before (an update: the columns it changed).")
    after: dict[str, Any] | None = Field(description="The row after (an update: the columns it changed).")
    txid: int = Field(description="The database transaction; the events of one change share it.")


class AuditQuery(Schema):
    table: Table | None = Field(None, description="Only this table (an object's trail: with object_id).")  # type: ignore[valid-type]
    object_id: str | None = Field(None, max_length=40, description="Only this object (a user's: with their groups).")
    action: Literal["insert", "update", "delete"] | None = None
    door: Literal["portal", "admin", "desk", "api", "job", "command", "site", "sql"] | None = None
    actor_id: int | None = Field(None, ge=1, le=2**63 - 1)
    actor: str | None = Field(None, max_length=254, description="The start of an email or a job's name.")
    txid: int | None = Field(None, ge=0, le=2**63 - 1)
    since: ClubDate | None = Field(None, description="From this club day (included).")
    until: ClubDate | None = Field(None, description="To this club day (included).")


def _event_out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        id=event.pk,
        at=event.at,
        table=event.table_name,
        object_id=event.object_id,
        action=event.action,  # type: ignore[arg-type]
        door=event.door,
        actor_id=event.actor_id,
        actor=event.actor_label,
        before=event.before,
        after=event.after,
        txid=event.txid,
    )


@router.get(
    "/events",
    response={200: list[AuditEventOut], **PROBLEMS},
    operation_id="staff_audit_event_list",
    url_name="staff_audit_event_list",
    summary="The audit trail, newest first",
)
@paginate(LimitOffsetPagination)
def event_list(request: HttpRequest, filters: Query[AuditQuery]):  # type: ignore[no-untyped-def]
    """Every insert, update and delete of invoices, lines, payments, memberships and freezes, staff roles and
    groups, bookings, classes, registrations and PT sessions, as the database recorded it. Managers only."""
    if not is_manager(request.user):
        raise RoleRefused(NOT_A_MANAGER)
    tables = trail_tables(filters.table) if filters.table and filters.object_id is not None else ()
    if filters.table and not tables:
        tables = (filters.table,)
    events = audit_events(
        tables=tables,
        object_id=filters.object_id,
        action=filters.action,
        door=filters.door,
        actor_id=filters.actor_id,
        actor=filters.actor,
        txid=filters.txid,
        since=filters.since,
        until=filters.until,
    )
    return Converted(events, _event_out)
