"""Which club events send which mail: each receiver queues its notices in the publishing transaction."""

from __future__ import annotations

from typing import Any

from clubsite.core.events import Event
from operations.events import Cause

from .tasks import queue_notice, queue_notices

PT_AUDIENCES = ("member", "trainer")


def on_event(sender: object, event: Event, **kwargs: Any) -> None:
    name, pk, data = event.name, event.object_id, event.data
    if name == "registration.created":
        # What happened, as it happened: a full class's place is a waitlist place, whatever it is by sending time.
        queue_notice("waitlist_joined" if data.get("status") == "waitlisted" else "class_registered", pk)
    elif name == "registration.promoted":
        queue_notice("registration_promoted", pk)
    elif name == "registration.cancelled" and data.get("cause") == Cause.PLACE_GIVEN_UP:
        # A whole class cancelled says so in its own mail (class.cancelled), not once per place; a late one says
        # what it cost.
        queue_notice("registration_cancelled_late" if data.get("late") else "registration_cancelled", pk)
    elif name == "registration.offered":
        queue_notice("seat_offered", pk)
    elif name == "class.moved":
        queue_notices("class_moved", ((pk, f"{pk}:{event.id}") for pk in _ids(data["registration_ids"])))
    elif name == "class.cancelled":
        queue_notices("class_cancelled", ((pk, pk) for pk in _ids(data["registration_ids"])))
    elif name in ("pt_session.booked", "pt_session.moved", "pt_session.cancelled"):
        what = {"pt_session.booked": "pt_booked", "pt_session.moved": "pt_moved"}.get(name, "pt_cancelled")
        # A session moves more than once; each move is its own mail.
        key = f"{pk}:{event.id}" if name == "pt_session.moved" else pk
        for audience in PT_AUDIENCES:
            queue_notice(f"{what}_{audience}", pk, key=key)


def _ids(value: object) -> list[int]:
    return [int(item) for item in value] if isinstance(value, list | tuple) else []
