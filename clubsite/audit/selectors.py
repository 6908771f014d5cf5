"""Reading the trail: the events matching a manager's filters, newest first (the admin's list and the API)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from clubsite.core.clock import day_bounds

from .models import AuditEvent


def audit_events(
    *,
    tables: tuple[str, ...] = (),
    object_id: str | None = None,
    action: str | None = None,
    door: str | None = None,
    actor_id: int | None = None,
    actor: str | None = None,
    txid: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The events matching every filter given, newest first: one query for a page of them (each filter meets an
    index: (table, object, at), (actor, at), at). ``actor`` is the start of the label (an email, a job's name);
    ``since`` and ``until`` are club days, both included."""
    events = AuditEvent.objects.order_by("-at", "-id")
    if tables:
        events = events.filter(table_name__in=tables)
    if object_id is not None:
        events = events.filter(object_id=object_id)
    if action is not None:
        events = events.filter(action=action)
    if door is not None:
        events = events.filter(door=door)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if actor:
        events = events.filter(actor_label__istartswith=actor)
    if txid is not None:
        events = events.filter(txid=txid)
    if since is not None or until is not None:
        start, end = day_bounds(since or datetime.date(1900, 1, 1), until or datetime.date(2999, 12, 31))
        events = events.filter(at__gte=start, at__lt=end)
    return events
