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
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.types import JSONDict

from clubsite.accounts.models import User
from clubsite.core.events import EVENTS, Event
from clubsite.notifications.tasks import queue_notice

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


#: NAT64 (RFC 6052) and IPv4-compatible (deprecated) addresses carry an IPv4 address in their last 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
#: Refused outright: deprecated site-local (fec0::/10, which Python 3.11 counts as global) and local-use NAT64.
_REFUSED_V6 = (ipaddress.IPv6Network("fec0::/10"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches through (mapped, 6to4, Teredo, NAT64, IPv4-compatible)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)  # the server and the client: either may be the one inside
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is not part of it
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _REFUSED_V6):
            return True
        # ::ffff:127.0.0.1, 64:ff9b::7f00:1, 2002:7f00:1:: reach 127.0.0.1 all the same: the inner one counts too.
        candidates += _embedded_ipv4(ip)
    # not is_global covers private, loopback, link-local, shared (100.64/10), unspecified and reserved ranges;
    # some multicast ranges count as global.
    return any(not one.is_global or one.is_multicast for one in candidates)


@dataclass(frozen=True)
class Target:
    """Where a delivery connects: the URL's host (for the Host header, TLS SNI and the certificate check) and
    the addresses it was resolved to, once, and checked; the connection goes to these, never to a new lookup."""

    host: str
    port: int
    addresses: tuple[str, ...]


def _resolve(url: str) -> tuple[str, int]:
    try:
        _URL(url)
        parts = urlsplit(url)
        port = parts.port
    except (ValidationError, ValueError):
        raise WebhookError("webhook_url_invalid") from None
    host = parts.hostname
    if not host:
        raise WebhookError("webhook_url_invalid")
    return host, port or (443 if parts.scheme == "https" else 80)


def webhook_target(url: str) -> Target:
    """Resolve the URL's host once and refuse it unless every address is public (or the setting allows private
    ones): the delivery connects to these addresses, so a name that resolves elsewhere a moment later (DNS
    rebinding) cannot take it to the club's own network."""
    host, port = _resolve(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookError("webhook_url_unresolvable", host=host) from None
    addresses = tuple(dict.fromkeys(str(sockaddr[0]) for *_rest, sockaddr in found))
    if not settings.CLUB_WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if _refused(address):
                raise WebhookError("webhook_url_private", host=host, address=address)
    return Target(host=host, port=port, addresses=addresses)


def webhook_address_check(url: str) -> None:
    """Refuse a URL that is not http(s) with a host, or whose host resolves to an address that is not public
    (unless settings.CLUB_WEBHOOKS_ALLOW_PRIVATE). Each delivery asks again (:func:`webhook_target`)."""
    _resolve(url)
    if not settings.CLUB_WEBHOOKS_ALLOW_PRIVATE:
        webhook_target(url)


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
        # job_id cleared: the new job (or the failed one, retried from the admin's failed jobs) claims it.
        locked.status, locked.job_id = WebhookDelivery.Status.PENDING, None
        locked.save(update_fields=["status", "job_id"])
        _defer([locked])
    return locked


def webhook_delivery_reopen(*, delivery_id: int) -> None:
    """Before the admin's *Failed jobs* retries a delivery's own job: its failed delivery goes back to pending, so
    that job claims it again (one chain of attempts, whichever retry button staff pressed)."""
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
        if locked is None or locked.status != WebhookDelivery.Status.FAILED:
            return
        if not locked.endpoint.active:
            raise WebhookError("webhook_endpoint_inactive")
        locked.status, locked.job_id = WebhookDelivery.Status.PENDING, None
        locked.save(update_fields=["status", "job_id"])


#: The procrastinate statuses of a job that will still run (again): the delivery is its, and no one else's.
_LIVE_JOB = ("todo", "doing")


def webhook_delivery_claim(*, delivery_id: int, job_id: int) -> WebhookDelivery | str:
    """Let job ``job_id`` send the delivery now: the delivery (marked sending, with its endpoint), or why not.

    Under the row's lock, so of two jobs for one delivery (it was retried from the deliveries and from the
    failed jobs; a duplicate) only one sends, and it keeps it between its attempts: another job sends it only
    once that one has stopped (succeeded, failed or was deleted). A delivered or failed delivery is left alone:
    a failed one is sent again only through :func:`webhook_delivery_retry`. A delivery left "sending" by a
    killed worker is sent again by the retry of the same job (same id), with the same ``webhook-id``.
    """
    Status = WebhookDelivery.Status
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
        if delivery is None:
            return "the delivery was deleted"
        if delivery.status in (Status.DELIVERED, Status.FAILED):
            return f"the delivery is {delivery.status}"
        owner = delivery.job_id
        if owner is not None and owner != job_id:
            if ProcrastinateJob.objects.filter(pk=owner, status__in=_LIVE_JOB).exists():
                return f"job {owner} is sending it"
        if not delivery.endpoint.active:
            delivery.status, delivery.last_error = Status.FAILED, "The endpoint was disabled."
            delivery.save(update_fields=["status", "last_error"])
            return "endpoint disabled"
        delivery.status, delivery.job_id = Status.SENDING, job_id
        delivery.save(update_fields=["status", "job_id"])
    return delivery


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
        else:
            delivery.status = Status.PENDING  # no longer sending: its job's retry (or a takeover) sends it
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
    # A notice has one recipient: one per manager, keyed by the disabling, so each is told once of each.
    for user_id in webhook_managers():
        queue_notice("webhook_disabled", user_id, key=f"{endpoint_id}:{disabled_at.isoformat()}:{user_id}")
