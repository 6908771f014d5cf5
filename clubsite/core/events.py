"""What happened in the club, announced inside the transaction that made it happen.

A service publishes an event after its writes; receivers in the apps above (mail, webhooks) queue their jobs
in the same transaction, so a rolled-back change announces nothing and a committed one cannot lose its mail
or its webhook. An event carries ids and plain facts, never model instances: the jobs that act on it run
later, in another process, and read the rows as they are then.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.dispatch import Signal

#: Every event a service publishes, with what it means: the webhook form offers these, docs/api.md lists them.
EVENTS: Mapping[str, str] = {
    "member.created": "A member signed up or was added by staff.",
    "registration.created": "A member registered for a class, or joined its waitlist when it was full.",
    "registration.promoted": "A waitlisted member was given a freed seat, or accepted one offered to them.",
    "registration.offered": (
        "A seat freed inside the cancellation cut-off was offered to the first on the waitlist, to accept by "
        "expires_at."
    ),
    "registration.cancelled": "A class place was given up, or ended because its class was cancelled.",
    "class.moved": "A class moved to another time, room or trainer.",
    "class.cancelled": "A class was cancelled.",
    "pt_session.booked": "A personal training session was booked.",
    "pt_session.moved": "A personal training session moved to another time or room.",
    "pt_session.cancelled": "A personal training session was cancelled.",
    "membership.started": "A member joined on a plan (the first invoice is issued with it).",
    "membership.changed": "A plan change was arranged for the next period or called off, or notice was withdrawn.",
    "membership.cancelled": "A member gave notice; the membership ends on ended_on.",
    "membership.frozen": "A membership was frozen from starts_on to ends_on.",
    "membership.unfrozen": "A freeze was ended early or called off; the membership runs again from back_on.",
    "credit_pack.bought": "A member bought a pack of class credits (its invoice is issued with it).",
    "invoice.issued": "An invoice was issued to a member.",
    "invoice.overdue": "An issued invoice passed its due date unpaid.",
    "payment.recorded": "A payment was recorded against an invoice.",
}

#: Sent with ``event`` (an :class:`Event`), inside the publishing transaction. A receiver that raises rolls the
#: change back, so receivers only queue work; they never call out.
happened = Signal()


@dataclass(frozen=True)
class Event:
    """One happening: its ``name`` (a key of EVENTS), the id of the object it is about, and plain facts."""

    name: str
    object_id: int
    data: Mapping[str, object] = field(default_factory=dict)
    #: Unique per happening: a job that acts on the event twice (a retry) can tell it has already acted.
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


_muted: ContextVar[bool] = ContextVar("clubsite_events_muted", default=False)


def publish(name: str, object_id: int, **data: object) -> Event:
    """Announce ``name`` about ``object_id`` to every receiver, now, in the caller's transaction."""
    if name not in EVENTS:
        raise ValueError(f"{name!r} is not an event of the club (clubsite.core.events.EVENTS)")
    event = Event(name=name, object_id=object_id, data=data)
    if not _muted.get():
        happened.send(sender=Event, event=event)
    return event


@contextmanager
def muted() -> Iterator[None]:
    """Publish nothing inside the block: for writing history (demo data, imports) that nobody should be told of."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)
