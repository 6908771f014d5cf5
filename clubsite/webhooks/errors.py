"""Why a webhook endpoint is refused: a URL the club will not call, or an event it does not publish."""

from __future__ import annotations

from clubsite.core.errors import CONFLICT, ClubError, Message


class WebhookError(ClubError):
    messages = {
        "webhook_url_invalid": Message("Enter a full http:// or https:// address with a host name.", field="url"),
        "webhook_url_private": Message(
            "{host} is a private, loopback or reserved address ({address}); the club only calls public addresses.",
            field="url",
        ),
        "webhook_url_unresolvable": Message("{host} cannot be found (no address for this name).", field="url"),
        "webhook_event_unknown": Message("{event} is not an event of the club.", field="events"),
        "webhook_events_required": Message("Choose at least one event to send.", field="events"),
        "webhook_endpoint_inactive": Message("The endpoint is disabled; enable it first.", kind=CONFLICT),
        "webhook_delivery_not_failed": Message(
            "Only a failed delivery can be retried; a pending one is retried on its own.", kind=CONFLICT
        ),
    }
