"""Every club event becomes a delivery to each endpoint subscribed to it, queued in the publishing transaction."""

from __future__ import annotations

from typing import Any

from clubsite.core.events import Event

from .services import webhook_deliveries_queue


def on_event(sender: object, event: Event, **kwargs: Any) -> None:
    webhook_deliveries_queue(event=event)
