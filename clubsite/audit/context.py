"""Who is writing and through which door: the context every write to the database carries to the audit trigger.

Set by :class:`clubsite.audit.middleware.AuditContextMiddleware` for a request (the door from the path, the
actor from ``request.user`` as it stands when the write is made), by ``club_task`` for a job (door ``job``,
the task's name) and by hand in a management command::

    with audit_context(door="command", actor_label="import_members"):
        ...

A write made with no context set is recorded with door ``sql``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

DOORS = ("portal", "admin", "desk", "api", "job", "command", "site", "sql")


@dataclass(frozen=True)
class AuditContext:
    door: str
    actor_id: int | None = None
    actor_label: str = ""
    #: For a request: who is signed in *when the write is made* (an API token or a sign-in changes
    #: request.user on the way), read without a query (see actor_of).
    actor: Callable[[], tuple[int | None, str]] | None = None

    def resolved(self) -> tuple[int | None, str]:
        if self.actor is not None:
            return self.actor()
        return self.actor_id, self.actor_label


_current: ContextVar[AuditContext | None] = ContextVar("clubsite_audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


@contextmanager
def audit_context(
    *,
    door: str,
    actor_id: int | None = None,
    actor_label: str = "",
    actor: Callable[[], tuple[int | None, str]] | None = None,
) -> Iterator[AuditContext]:
    """Record the writes made inside the block as made by this actor through ``door``."""
    if door not in DOORS:
        raise ValueError(f"unknown door {door!r}; one of {DOORS}")
    token = _current.set(AuditContext(door=door, actor_id=actor_id, actor_label=actor_label, actor=actor))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)


def actor_of(user: Any) -> tuple[int | None, str]:
    """(id, email) of a signed-in user; (None, "") for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, getattr(user, "email", "") or ""


def setting_value() -> str:
    """What the trigger reads from ``clubsite.audit``: the context as JSON, or "" when none is set."""
    context = _current.get()
    if context is None:
        return ""
    actor_id, label = context.resolved()
    return json.dumps({"id": actor_id, "label": label[:254], "door": context.door}, ensure_ascii=True)
