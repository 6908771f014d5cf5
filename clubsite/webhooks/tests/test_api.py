"""The staff webhooks API: the same services as the admin, refusals as problem documents with code and field,
the secret shown only when made, and fixed query counts for the lists."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from clubsite.accounts.services import token_create
from clubsite.accounts.tests.factories import UserFactory
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import ready_for_api
from clubsite.webhooks.models import WebhookEndpoint

from .factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

BASE = "/staff/webhooks"


class ApiClient:
    """JSON calls to /api/v1 with a personal access token of ``user``. (clubsite.testing.api has the same, but
    it imports the API's router roof, which the layers contract forbids clubsite.webhooks to reach.)"""

    def __init__(self, user) -> None:
        self.client = Client()
        ready_for_api(user)  # a superuser's or manager's token works once they have a second factor
        self.headers = {"Authorization": f"Bearer {token_create(user=user, name='tests')[1]}"}

    def get(self, path: str, **query):
        return self.client.get(f"/api/v1{path}", query or None, headers=self.headers)

    def post(self, path: str, body=None):
        return self._send("post", path, body)

    def put(self, path: str, body=None):
        return self._send("put", path, body)

    def _send(self, method: str, path: str, body):
        data = json.dumps({} if body is None else body)
        return getattr(self.client, method)(
            f"/api/v1{path}", data=data, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def root() -> ApiClient:
    return ApiClient(UserFactory(is_staff=True, is_superuser=True))


def test_register_then_list_without_the_secret(root):
    created = root.post(f"{BASE}/endpoints", {"url": "http://127.0.0.1:9000/h", "events": ["member.created"]})

    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["member.created"]
    assert WebhookEndpoint.objects.get().secret == body["secret"]
    listed = root.get(f"{BASE}/endpoints").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert "secret" not in listed["items"][0]


@override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False)
def test_a_private_address_is_a_problem_with_its_code_and_field(root):
    response = root.post(f"{BASE}/endpoints", {"url": "http://10.0.0.5/h", "events": ["member.created"]})

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("webhook_url_private", "url")
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_is_a_problem(root):
    response = root.post(f"{BASE}/endpoints", {"url": "http://127.0.0.1/h", "events": ["member.sneezed"]})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("webhook_event_unknown", "events")


def test_update_rotate_and_enable(root):
    endpoint = WebhookEndpointFactory(active=False, consecutive_failures=9)
    updated = root.put(f"{BASE}/endpoints/{endpoint.pk}", {"url": "http://127.0.0.1/n", "events": ["invoice.issued"]})
    assert updated.status_code == 200 and updated.json()["events"] == ["invoice.issued"]
    rotated = root.post(f"{BASE}/endpoints/{endpoint.pk}/rotate-secret")
    assert rotated.status_code == 200 and rotated.json()["secret"] != endpoint.secret
    enabled = root.post(f"{BASE}/endpoints/{endpoint.pk}/enable").json()
    assert (enabled["active"], enabled["consecutive_failures"]) == (True, 0)
    assert root.post(f"{BASE}/endpoints/999999/enable").status_code == 404


def test_staff_without_the_permission_are_refused():
    front_desk = ApiClient(staff_user("front_desk"))
    assert front_desk.get(f"{BASE}/endpoints").status_code == 403
    assert front_desk.get(f"{BASE}/deliveries").status_code == 403


def test_the_deliveries_list_filters_and_costs_the_same_for_more_rows(root, django_assert_max_num_queries):
    first = WebhookDeliveryFactory(event="member.created")
    WebhookDeliveryFactory(event="invoice.issued", endpoint=first.endpoint)
    WebhookDeliveryFactory(event="member.created")

    filtered = root.get(f"{BASE}/deliveries", endpoint=first.endpoint_id, event="member.created").json()
    assert [item["id"] for item in filtered["items"]] == [first.pk]
    assert filtered["items"][0]["status"] == "pending"

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        root.get(f"{BASE}/deliveries")
    for _ in range(5):
        WebhookDeliveryFactory()
    with CaptureQueriesContext(connection) as eight:
        root.get(f"{BASE}/deliveries")
    assert len(eight) == len(three)
