"""Staff's door onto webhooks (/api/v1/staff/webhooks): endpoints (list, register, change, rotate the secret,
enable) and the log of deliveries, with the permissions the webhooks admin checks for the same change.

The secret is shown when it is made (registering, rotating), as a token is: a list never carries it.
"""

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from clubsite.api.access import STAFF_AUTH, require_staff
from clubsite.api.pagination import Converted
from clubsite.api.schemas import PROBLEMS

from . import services
from .models import WebhookDelivery, WebhookEndpoint

router = Router(tags=["staff: webhooks"], auth=STAFF_AUTH)


class WebhookEndpointIn(Schema):
    url: str = Field(description="The http(s) address to POST events to; private addresses are refused.")
    events: list[str] = Field(description="Names of the events to send (see the EVENTS catalogue in docs/api.md).")
    description: str = ""


class WebhookEndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    consecutive_failures: int
    disabled_at: datetime.datetime | None
    disabled_reason: str
    created_at: datetime.datetime


class WebhookEndpointSecretOut(WebhookEndpointOut):
    secret: str = Field(description="The signing secret (whsec_…); shown only when it is made.")


class WebhookDeliveryOut(Schema):
    id: int
    endpoint: int
    event: str
    event_id: str
    status: WebhookDelivery.Status
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime.datetime
    last_attempt_at: datetime.datetime | None
    delivered_at: datetime.datetime | None


def _endpoint_out(endpoint: WebhookEndpoint) -> WebhookEndpointOut:
    return WebhookEndpointOut(
        id=endpoint.pk,
        url=endpoint.url,
        description=endpoint.description,
        events=list(endpoint.events),
        active=endpoint.active,
        consecutive_failures=endpoint.consecutive_failures,
        disabled_at=endpoint.disabled_at,
        disabled_reason=endpoint.disabled_reason,
        created_at=endpoint.created_at,
    )


def _with_secret(endpoint: WebhookEndpoint) -> WebhookEndpointSecretOut:
    return WebhookEndpointSecretOut(**_endpoint_out(endpoint).dict(), secret=endpoint.secret)


def _delivery_out(delivery: WebhookDelivery) -> WebhookDeliveryOut:
    return WebhookDeliveryOut(
        id=delivery.pk,
        endpoint=delivery.endpoint_id,
        event=delivery.event,
        event_id=delivery.event_id,
        status=WebhookDelivery.Status(delivery.status),
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        last_attempt_at=delivery.last_attempt_at,
        delivered_at=delivery.delivered_at,
    )


@router.get(
    "/endpoints",
    response={200: list[WebhookEndpointOut], **PROBLEMS},
    operation_id="staff_webhook_endpoint_list",
    url_name="staff_webhook_endpoint_list",
    summary="Webhook endpoints",
)
@paginate(LimitOffsetPagination)
def endpoint_list(request: HttpRequest, active: bool | None = None):
    """Every endpoint by URL. Needs ``webhooks.view_webhookendpoint``."""
    require_staff(request, "webhooks.view_webhookendpoint")
    endpoints = WebhookEndpoint.objects.order_by("url", "id")
    if active is not None:
        endpoints = endpoints.filter(active=active)
    return Converted(endpoints, _endpoint_out)


@router.post(
    "/endpoints",
    response={201: WebhookEndpointSecretOut, **PROBLEMS},
    operation_id="staff_webhook_endpoint_create",
    url_name="staff_webhook_endpoint_create",
    summary="Register a webhook endpoint",
)
def endpoint_create(request: HttpRequest, payload: WebhookEndpointIn) -> Status[WebhookEndpointSecretOut]:
    """Refused for a URL that is not http(s) (``webhook_url_invalid``) or not public (``webhook_url_private``),
    and for an unknown event (``webhook_event_unknown``). The answer carries the new secret.
    Needs ``webhooks.add_webhookendpoint``."""
    staff = require_staff(request, "webhooks.add_webhookendpoint")
    endpoint = services.webhook_endpoint_create(**payload.dict(), created_by=staff)
    return Status(201, _with_secret(endpoint))


@router.put(
    "/endpoints/{endpoint_id}",
    response={200: WebhookEndpointOut, **PROBLEMS},
    operation_id="staff_webhook_endpoint_update",
    url_name="staff_webhook_endpoint_update",
    summary="Change a webhook endpoint's URL, events or description",
)
def endpoint_update(request: HttpRequest, endpoint_id: int, payload: WebhookEndpointIn) -> WebhookEndpointOut:
    """The same checks as registering. Needs ``webhooks.change_webhookendpoint``."""
    require_staff(request, "webhooks.change_webhookendpoint")
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    return _endpoint_out(services.webhook_endpoint_update(endpoint=endpoint, **payload.dict()))


@router.post(
    "/endpoints/{endpoint_id}/rotate-secret",
    response={200: WebhookEndpointSecretOut, **PROBLEMS},
    operation_id="staff_webhook_secret_rotate",
    url_name="staff_webhook_secret_rotate",
    summary="Give a webhook endpoint a new secret",
)
def secret_rotate(request: HttpRequest, endpoint_id: int) -> WebhookEndpointSecretOut:
    """Every attempt from now on is signed with the new secret, returned here.
    Needs ``webhooks.change_webhookendpoint``."""
    require_staff(request, "webhooks.change_webhookendpoint")
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    return _with_secret(services.webhook_secret_rotate(endpoint=endpoint))


@router.post(
    "/endpoints/{endpoint_id}/enable",
    response={200: WebhookEndpointOut, **PROBLEMS},
    operation_id="staff_webhook_endpoint_enable",
    url_name="staff_webhook_endpoint_enable",
    summary="Enable a webhook endpoint again",
)
def endpoint_enable(request: HttpRequest, endpoint_id: int) -> WebhookEndpointOut:
    """Its failures are forgotten. Needs ``webhooks.change_webhookendpoint``."""
    require_staff(request, "webhooks.change_webhookendpoint")
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    return _endpoint_out(services.webhook_endpoint_enable(endpoint=endpoint))


@router.get(
    "/deliveries",
    response={200: list[WebhookDeliveryOut], **PROBLEMS},
    operation_id="staff_webhook_delivery_list",
    url_name="staff_webhook_delivery_list",
    summary="The log of webhook deliveries, newest first",
)
@paginate(LimitOffsetPagination)
def delivery_list(
    request: HttpRequest,
    endpoint: int | None = None,
    status: WebhookDelivery.Status | None = None,
    event: str | None = None,
):
    """Needs ``webhooks.view_webhookdelivery``."""
    require_staff(request, "webhooks.view_webhookdelivery")
    deliveries = WebhookDelivery.objects.order_by("-created_at", "-id")
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint)
    if status is not None:
        deliveries = deliveries.filter(status=status)
    if event is not None:
        deliveries = deliveries.filter(event=event)
    return Converted(deliveries, _delivery_out)
