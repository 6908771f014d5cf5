"""The webhooks admin: endpoints registered and changed through the services (a refusal shows under its field),
events as checkboxes with their meaning, the secret read-only with a rotate action, enable, test event; the
deliveries log read-only with a retry action."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import override_settings
from django.urls import reverse

from clubsite.core.events import EVENTS
from clubsite.testing.jobs import queued, run_jobs
from clubsite.webhooks.errors import WebhookError
from clubsite.webhooks.models import WebhookDelivery, WebhookEndpoint

from .factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:webhooks_webhookendpoint_add")
ENDPOINTS = reverse("admin:webhooks_webhookendpoint_changelist")
DELIVERIES = reverse("admin:webhooks_webhookdelivery_changelist")


def test_the_add_page_offers_every_event_with_its_meaning(admin_client):
    page = admin_client.get(ADD).content.decode()
    for name, meaning in EVENTS.items():
        assert f'value="{name}"' in page
        assert meaning in page


def test_registering_an_endpoint_through_the_admin(admin_client, admin_user):
    response = admin_client.post(
        ADD,
        {"url": "http://127.0.0.1:9000/hooks", "description": "CRM", "events": ["member.created", "invoice.issued"]},
    )

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["member.created", "invoice.issued"]
    assert endpoint.created_by == admin_user and endpoint.secret.startswith("whsec_")
    page = admin_client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])).content.decode()
    assert endpoint.secret in page  # shown read-only, to copy into the receiver


@override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False)
def test_a_private_address_is_refused_under_the_url_field(admin_client):
    response = admin_client.post(ADD, {"url": "http://127.0.0.1:9000/hooks", "events": ["member.created"]})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [
        WebhookError("webhook_url_private", host="127.0.0.1", address="127.0.0.1").message
    ]
    assert not WebhookEndpoint.objects.exists()


def test_changing_an_endpoint_goes_through_the_service(admin_client):
    endpoint = WebhookEndpointFactory()
    url = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    response = admin_client.post(url, {"url": "ftp://example.com/", "description": "", "events": ["member.created"]})
    assert response.context["adminform"].form.errors["url"] == [WebhookError("webhook_url_invalid").message]

    response = admin_client.post(url, {"url": "http://127.0.0.1/x", "description": "", "events": ["invoice.issued"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == ("http://127.0.0.1/x", ["invoice.issued"])


def _act(client, changelist, action, *objects):
    return client.post(changelist, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}, follow=True)


def test_rotate_enable_and_test_event_actions(admin_client):
    endpoint = WebhookEndpointFactory(active=False)
    old_secret = endpoint.secret

    _act(admin_client, ENDPOINTS, "rotate_secret", endpoint)
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret

    refused = _act(admin_client, ENDPOINTS, "send_test_event", endpoint)
    assert WebhookError("webhook_endpoint_inactive").message in refused.content.decode()

    _act(admin_client, ENDPOINTS, "enable", endpoint)
    _act(admin_client, ENDPOINTS, "send_test_event", endpoint)
    endpoint.refresh_from_db()
    assert endpoint.active
    assert WebhookDelivery.objects.get().event == "webhook.test"
    assert len(queued("webhooks.deliver")) == 1


def test_the_deliveries_log_is_read_only_and_retries_a_failed_one(admin_client):
    delivery = WebhookDeliveryFactory(
        endpoint__url="http://127.0.0.1:9/hooks", status=WebhookDelivery.Status.FAILED, last_error="HTTP 500"
    )
    page = admin_client.get(DELIVERIES, {"status__exact": "failed"}).content.decode()
    assert "HTTP 500" in page
    assert admin_client.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403

    _act(admin_client, DELIVERIES, "retry_now", delivery)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert [job.args for job in queued("webhooks.deliver")] == [{"delivery_id": delivery.pk}]
    run_jobs()  # nobody listens on port 9: a failed attempt, recorded
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error.startswith("ConnectionError")
