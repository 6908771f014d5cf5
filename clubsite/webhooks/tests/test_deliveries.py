"""Events reach a real HTTP receiver on 127.0.0.1, signed as Standard Webhooks says, through the real job worker:
retried with backoff, failed after the last attempt, and an endpoint that keeps failing is disabled with its
managers told by mail."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from standardwebhooks import Webhook

from clubsite.accounts.tests.factories import UserFactory
from clubsite.core.events import publish
from clubsite.testing.jobs import queued, run_jobs
from clubsite.testing.roles import staff_user
from clubsite.webhooks import services
from clubsite.webhooks.errors import WebhookError
from clubsite.webhooks.models import WebhookDelivery, WebhookEndpoint
from members.services import member_create

from .factories import WebhookEndpointFactory
from .receiver import let_backoff_pass

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


def _endpoint(url: str, events=("member.created",)) -> WebhookEndpoint:
    return services.webhook_endpoint_create(url=url, events=list(events), description="Our CRM")


def _publish(name: str = "member.created", object_id: int = 7, **data):
    with transaction.atomic():
        return publish(name, object_id, **data)


def test_an_event_is_posted_signed_and_logged_as_delivered(receiver):
    endpoint = _endpoint(receiver.url)
    with transaction.atomic():
        member = member_create(
            email="new.member@example.com",
            password=None,
            first_name="Nia",
            last_name="New",
            date_of_birth=datetime.date(1990, 5, 1),
            gender="female",
        )

    run_jobs()

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.path == "/hooks"
    # The receiver's own check, as the specification's library does it: signature, id and a fresh timestamp.
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "member.created"
    assert payload["data"]["id"] == member.pk
    assert datetime.datetime.fromisoformat(payload["timestamp"]).tzinfo is not None
    delivery = WebhookDelivery.objects.get()
    assert request.headers["webhook-id"] == delivery.message_id
    assert request.headers["Content-Type"] == "application/json"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None and delivery.last_error == ""


def test_a_signature_made_with_another_secret_does_not_verify(receiver):
    _endpoint(receiver.url)
    _publish()
    run_jobs()

    request = receiver.received[0]
    with pytest.raises(Exception, match="signature"):
        Webhook(services.new_secret()).verify(request.body, request.headers)


def test_a_500_is_retried_after_a_backoff_with_the_same_id_until_delivered(receiver):
    endpoint = _endpoint(receiver.url)
    receiver.script = [500]
    _publish(data_field="x")

    run_jobs()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.PENDING, 1, 500)
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).consecutive_failures == 1
    [waiting] = queued("webhooks.deliver")
    # The first retry waits CLUB_WEBHOOK_RETRY_BASE_SECONDS (30): the job is not run again at once.
    wait = (waiting.scheduled_at - timezone.now()).total_seconds()
    assert 20 < wait <= 31
    assert run_jobs() == 0 and len(receiver.received) == 1

    let_backoff_pass()
    run_jobs()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.DELIVERED, 2, 200)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.message_id
    assert first.body == second.body
    Webhook(endpoint.secret).verify(second.body, second.headers)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).consecutive_failures == 0


def test_the_backoff_doubles_with_each_attempt(receiver):
    _endpoint(receiver.url)
    receiver.script = [500, 500]
    _publish()
    run_jobs()
    let_backoff_pass()
    run_jobs()

    [waiting] = queued("webhooks.deliver")
    assert 50 < (waiting.scheduled_at - timezone.now()).total_seconds() <= 61


@override_settings(CLUB_WEBHOOK_ATTEMPTS=2)
def test_a_delivery_is_failed_once_its_last_attempt_failed(receiver):
    _endpoint(receiver.url)
    receiver.script = [503, 503, 503]
    _publish()

    run_jobs()
    let_backoff_pass()
    run_jobs()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.FAILED, 2, 503)
    assert len(receiver.received) == 2
    assert queued("webhooks.deliver") == []
    # The job is failed too, so it shows in the admin's failed jobs.
    assert ProcrastinateJob.objects.get(task_name="webhooks.deliver").status == "failed"

    # Staff retry it by hand once the receiver works: a fresh set of attempts.
    services.webhook_delivery_retry(delivery=delivery)
    run_jobs()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.PENDING, 3, 503)
    let_backoff_pass()
    run_jobs()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.DELIVERED, 4, 200)


def test_only_a_failed_delivery_can_be_retried_by_hand(receiver):
    _endpoint(receiver.url)
    _publish()
    delivery = WebhookDelivery.objects.get()

    with pytest.raises(WebhookError) as pending:
        services.webhook_delivery_retry(delivery=delivery)
    run_jobs()
    with pytest.raises(WebhookError) as delivered:
        services.webhook_delivery_retry(delivery=delivery)

    assert pending.value.code == delivered.value.code == "webhook_delivery_not_failed"
    assert len(queued("webhooks.deliver")) == 0 and len(receiver.received) == 1


def test_a_redirect_is_not_followed(receiver):
    _endpoint(receiver.url)
    receiver.script = [302]
    receiver.redirect_to = "http://127.0.0.1:9/elsewhere"
    _publish()

    run_jobs()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (Status.PENDING, 302)
    assert [request.path for request in receiver.received] == ["/hooks"]


def test_no_answer_is_a_failed_attempt_with_its_error():
    # A port nobody listens on: the connection is refused.
    _endpoint("http://127.0.0.1:9/hooks")
    _publish()

    run_jobs()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.PENDING, 1, None)
    assert delivery.last_error.startswith("ConnectionError")


def test_one_event_makes_one_delivery_per_subscribed_active_endpoint_in_three_queries(
    receiver, django_assert_num_queries
):
    subscribed = [_endpoint(receiver.url, ["member.created", "payment.recorded"]) for _ in range(3)]
    _endpoint(receiver.url, ["payment.recorded"])  # not subscribed to member.created
    disabled = _endpoint(receiver.url)
    services.webhook_endpoint_disable(endpoint=disabled)

    with transaction.atomic(), django_assert_num_queries(3):  # endpoints, one insert, one batch of jobs
        event = publish("member.created", 42, source="test")

    deliveries = WebhookDelivery.objects.order_by("endpoint_id")
    assert [delivery.endpoint_id for delivery in deliveries] == [endpoint.pk for endpoint in subscribed]
    assert {delivery.event_id for delivery in deliveries} == {event.id}
    assert deliveries[0].payload["data"] == {"id": 42, "source": "test"}
    assert len(queued("webhooks.deliver")) == 3

    run_jobs()
    assert len(receiver.received) == 3
    assert len({request.headers["webhook-id"] for request in receiver.received}) == 3


def test_an_event_nobody_subscribed_to_costs_one_query(django_assert_num_queries):
    WebhookEndpointFactory(events=["payment.recorded"])
    with transaction.atomic(), django_assert_num_queries(1):
        publish("member.created", 1)
    assert not WebhookDelivery.objects.exists()


def test_an_event_is_delivered_once_per_endpoint_by_a_database_constraint():
    endpoint = WebhookEndpointFactory()
    WebhookDelivery.objects.create(endpoint=endpoint, event="member.created", event_id="a" * 32, payload={})
    from django.db import IntegrityError

    with pytest.raises(IntegrityError, match="webhooks_webhookdelivery_once_per_event"), transaction.atomic():
        WebhookDelivery.objects.create(endpoint=endpoint, event="member.created", event_id="a" * 32, payload={})


def test_a_rolled_back_change_delivers_nothing():
    WebhookEndpointFactory(events=["member.created"])
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("member.created", 1)
        raise RuntimeError("the service failed after publishing")
    assert not WebhookDelivery.objects.exists()
    assert queued("webhooks.deliver") == []


def test_the_address_is_checked_again_before_each_delivery(receiver):
    _endpoint(receiver.url)
    _publish()

    with override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False):
        run_jobs()

    delivery = WebhookDelivery.objects.get()
    assert receiver.received == []
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.last_error.startswith("webhook_url_private")


def test_a_test_event_reaches_the_endpoint(receiver):
    endpoint = _endpoint(receiver.url)
    services.webhook_test_send(endpoint=endpoint)
    run_jobs()
    payload = Webhook(endpoint.secret).verify(receiver.received[0].body, receiver.received[0].headers)
    assert payload["type"] == "webhook.test" and payload["data"]["id"] == endpoint.pk


def test_a_rotated_secret_signs_the_next_attempt(receiver):
    endpoint = _endpoint(receiver.url)
    receiver.script = [500]
    _publish()
    run_jobs()
    rotated = services.webhook_secret_rotate(endpoint=endpoint)
    let_backoff_pass()
    run_jobs()

    assert rotated.secret != endpoint.secret and rotated.secret.startswith("whsec_")
    Webhook(rotated.secret).verify(receiver.received[1].body, receiver.received[1].headers)


def _manager_with_permission():
    user = UserFactory(is_staff=True, email="hooks.manager@example.com")
    user.user_permissions.add(Permission.objects.get(codename="change_webhookendpoint"))
    return user


@override_settings(CLUB_WEBHOOK_DISABLE_AFTER=3)
def test_an_endpoint_failing_too_often_is_disabled_and_its_managers_are_mailed(receiver):
    root = UserFactory(is_staff=True, is_superuser=True, email="root@example.com")
    UserFactory(is_staff=True, is_superuser=True, is_active=False, email="gone@example.com")
    manager = _manager_with_permission()
    staff_user("front_desk", email="desk@example.com")  # staff without the permission
    endpoint = _endpoint(receiver.url)
    receiver.script = [500] * 10
    _publish(object_id=1)
    _publish(object_id=2)

    run_jobs()  # two failures
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).active
    let_backoff_pass()
    run_jobs()  # the third failure disables it; the other delivery's retry then finds it disabled

    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert endpoint.disabled_reason.startswith("3 failed attempts in a row; the last: HTTP 500")
    assert len(receiver.received) == 3
    # Neither is retried: the one that disabled it is failed, the other was given up unsent.
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == [Status.FAILED, Status.FAILED]
    assert queued("webhooks.deliver") == []

    assert sorted(message.to[0] for message in mail.outbox) == sorted([root.email, manager.email])
    message = mail.outbox[0]
    assert "Our CRM" in message.subject
    assert receiver.url in message.body and "/admin/webhooks/webhookendpoint/" in message.body

    # Once told, never again for the same disabling; a new event is not even queued for it.
    _publish(object_id=3)
    run_jobs()
    assert len(mail.outbox) == 2 and WebhookDelivery.objects.count() == 2


def test_enabling_forgets_the_failures_and_sends_again(receiver):
    endpoint = _endpoint(receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, consecutive_failures=50, disabled_at=timezone.now(), disabled_reason="x"
    )
    services.webhook_endpoint_enable(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.consecutive_failures, endpoint.disabled_at, endpoint.disabled_reason) == (
        True,
        0,
        None,
        "",
    )
    _publish()
    run_jobs()
    assert len(receiver.received) == 1


def test_the_payload_is_the_json_that_was_signed(receiver):
    endpoint = _endpoint(receiver.url, ["payment.recorded"])
    _publish("payment.recorded", 9, invoice_id=3, amount="10.00")
    run_jobs()
    body = receiver.received[0].body
    assert json.loads(body) == WebhookDelivery.objects.get().payload
    assert Webhook(endpoint.secret).verify(body, receiver.received[0].headers)["data"] == {
        "id": 9,
        "invoice_id": 3,
        "amount": "10.00",
    }
