"""Webhook endpoints (register, change, rotate the secret, enable, disable) and their deliveries (queue one per
subscribed endpoint when an event happens, record each attempt, retry by hand, send a test event).

Every rule about endpoints and deliveries is here; the admin, the API, the receiver and the job call these.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import socket
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from procrastinate.types import JSONDict

from clubsite.accounts.models import User
from clubsite.core.events import EVENTS, Event

from .errors import WebhookError
from .models import WebhookDelivery, WebhookEndpoint

#: The event a "send test event" delivers: not one of the club's events, so no endpoint subscribes to it.
TEST_EVENT = "webhook.test"
#: The permission whose holders manage endpoints, and are told when one is disabled.
MANAGE_PERMISSION = ("webhooks", "change_webhookendpoint")

_URL = URLValidator(schemes=["http", "https"])


# -- addresses ------------------------------------------------------------------------------------


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is not part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is the loopback all the same
    # not is_global covers private, loopback, link-local, shared (100.64/10), unspecified and reserved ranges;
    # some multicast ranges count as global.
    return not ip.is_global or ip.is_multicast


def webhook_address_check(url: str) -> None:
    """Refuse a URL that is not http(s) with a host, or whose host resolves to an address that is not public
    (unless settings.CLUB_WEBHOOKS_ALLOW_PRIVATE). Asked again before every delivery: DNS may have changed."""
    try:
        _URL(url)
        parts = urlsplit(url)
        port = parts.port
    except (ValidationError, ValueError):
        raise WebhookError("webhook_url_invalid") from None
    host = parts.hostname
    if not host:
        raise WebhookError("webhook_url_invalid")
    if settings.CLUB_WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        found = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookError("webhook_url_unresolvable", host=host) from None
    for *_rest, sockaddr in found:
        address = str(sockaddr[0])
        if _refused(address):
            raise WebhookError("webhook_url_private", host=host, address=address)


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))  # in the order given, once each
    for name in chosen:
        if name not in EVENTS:
            raise WebhookError("webhook_event_unknown", event=name)
    if not chosen:
        raise WebhookError("webhook_events_required")
    return chosen


# -- endpoints ------------------------------------------------------------------------------------


def webhook_endpoint_create(
    *, url: str, events: Sequence[str], description: str = "", created_by: User | None = None
) -> WebhookEndpoint:
    """Register an endpoint for ``events``, with a new secret; active at once."""
    url = url.strip()
    webhook_address_check(url)
    chosen = _clean_events(events)
    with transaction.atomic():
        return WebhookEndpoint.objects.create(
            url=url,
            description=description.strip(),
            events=chosen,
            secret=new_secret(),
            created_by=created_by,
        )


def _locked(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: Sequence[str], description: str = ""
) -> WebhookEndpoint:
    """Change where an endpoint is and what it receives (deliveries already queued keep their address check)."""
    url = url.strip()
    webhook_address_check(url)
    chosen = _clean_events(events)
    with transaction.atomic():
        locked = _locked(endpoint)
        locked.url, locked.events, locked.description = url, chosen, description.strip()
        locked.save(update_fields=["url", "events", "description"])
    return locked


def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give the endpoint a new secret; every attempt from now on (retries too) is signed with it."""
    with transaction.atomic():
        locked = _locked(endpoint)
        locked.secret = new_secret()
        locked.save(update_fields=["secret"])
    return locked


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send to the endpoint again, with its failures forgotten (its failed deliveries can be retried)."""
    with transaction.atomic():
        locked = _locked(endpoint)
        locked.active, locked.consecutive_failures = True, 0
        locked.disabled_at, locked.disabled_reason = None, ""
        locked.save(update_fields=["active", "consecutive_failures", "disabled_at", "disabled_reason"])
    return locked


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str = "Disabled by staff.") -> WebhookEndpoint:
    """Stop sending to the endpoint: no new deliveries, and those waiting for a retry are given up."""
    with transaction.atomic():
        locked = _locked(endpoint)
        if locked.active:
            locked.active, locked.disabled_at, locked.disabled_reason = False, timezone.now(), reason[:300]
            locked.save(update_fields=["active", "disabled_at", "disabled_reason"])
    return locked


# -- deliveries -----------------------------------------------------------------------------------


def payload_of(event: Event) -> dict[str, Any]:
    """The body of a delivery in the Standard Webhooks shape: type, timestamp, and data naming the object."""
    return {
        "type": event.name,
        "timestamp": timezone.now().isoformat(),
        "data": {"id": event.object_id, **event.data},
    }


def _defer(deliveries: Sequence[WebhookDelivery]) -> None:
    from .tasks import deliver  # the job calls back into this module to record its attempts

    jobs: list[JSONDict] = [{"delivery_id": delivery.pk} for delivery in deliveries]
    if jobs:
        deliver.batch_defer(*jobs)


def webhook_deliveries_queue(*, event: Event) -> list[WebhookDelivery]:
    """One delivery (and its job) per active endpoint subscribed to ``event``, in the publishing transaction.

    Three queries whatever the number of endpoints: the subscribed endpoints, one insert, one batch of jobs.
    """
    endpoint_ids = list(
        WebhookEndpoint.objects.filter(active=True, events__contains=[event.name]).values_list("pk", flat=True)
    )
    if not endpoint_ids:
        return []
    payload = payload_of(event)
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint_id=pk, event=event.name, event_id=event.id, payload=payload) for pk in endpoint_ids]
    )
    _defer(deliveries)
    return deliveries


def webhook_test_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery to the endpoint, so staff and the receiver can check the wiring."""
    if not endpoint.active:
        raise WebhookError("webhook_endpoint_inactive")
    event = Event(name=TEST_EVENT, object_id=endpoint.pk, data={"description": "A test event sent by staff."})
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event.name, event_id=event.id, payload=payload_of(event)
        )
        _defer([delivery])
    return delivery


def webhook_delivery_retry(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again now, with a fresh set of attempts (after its endpoint was fixed)."""
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        if locked.status != WebhookDelivery.Status.FAILED:
            # A pending one has its job waiting already; a delivered one was accepted.
            raise WebhookError("webhook_delivery_not_failed")
        if not locked.endpoint.active:
            raise WebhookError("webhook_endpoint_inactive")
        locked.status = WebhookDelivery.Status.PENDING
        locked.save(update_fields=["status"])
        _defer([locked])
    return locked


def webhook_delivery_give_up(*, delivery_id: int, reason: str) -> None:
    """Mark a delivery failed without sending it (its endpoint was disabled while it waited)."""
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, last_error=reason[:2000]
    )


def webhook_attempt_record(*, delivery_id: int, status_code: int | None, error: str, final: bool) -> WebhookDelivery:
    """Record one attempt: delivered (and the endpoint's failures forgotten) when ``error`` is empty; else a
    failure, counted against the endpoint, which is disabled (and its managers told) after
    CLUB_WEBHOOK_DISABLE_AFTER in a row; ``final`` says it was the delivery's last attempt."""
    now = timezone.now()
    Status = WebhookDelivery.Status
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error, delivery.last_attempt_at = status_code, error[:2000], now
        if not error:
            delivery.status, delivery.delivered_at = Status.DELIVERED, now
        elif final:
            delivery.status = Status.FAILED
        delivery.save(
            update_fields=["attempts", "last_status_code", "last_error", "last_attempt_at", "status", "delivered_at"]
        )
        endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
        if not error:
            endpoints.filter(consecutive_failures__gt=0).update(consecutive_failures=0)
        else:
            endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
            limit = settings.CLUB_WEBHOOK_DISABLE_AFTER
            # Only the attempt that finds the endpoint still active disables it: the notice goes out once.
            disabled = endpoints.filter(active=True, consecutive_failures__gte=limit).update(
                active=False,
                disabled_at=now,
                disabled_reason=f"{limit} failed attempts in a row; the last: {error}"[:300],
            )
            if disabled:
                # No retry of this one either: the endpoint gets nothing more until staff enable it.
                delivery.status = Status.FAILED
                delivery.save(update_fields=["status"])
                _tell_managers(endpoint_id=delivery.endpoint_id, disabled_at=now)
    return delivery


def webhook_managers() -> list[int]:
    """The ids of the active people who manage endpoints: superusers, and staff holding the permission."""
    app_label, codename = MANAGE_PERMISSION
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holds = Q(is_staff=True) & (Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
    return list(
        User.objects.filter(Q(is_superuser=True) | holds, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _tell_managers(*, endpoint_id: int, disabled_at: Any) -> None:
    from clubsite.notifications.tasks import queue_notice

    # A notice has one recipient: one per manager, keyed by the disabling, so each is told once of each.
    for user_id in webhook_managers():
        queue_notice("webhook_disabled", user_id, key=f"{endpoint_id}:{disabled_at.isoformat()}:{user_id}")
