"""A delivery connects to the addresses it checked (no second DNS lookup, so no DNS rebinding), and one
delivery is sent by one job at a time, whichever admin retried it."""

from __future__ import annotations

import socket

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from procrastinate.contrib.django.models import ProcrastinateJob

from clubsite.core.events import publish
from clubsite.jobs.queue import retry_failed_job
from clubsite.testing.jobs import queued, run_jobs
from clubsite.testing.races import race
from clubsite.webhooks import services
from clubsite.webhooks.errors import WebhookError
from clubsite.webhooks.models import WebhookDelivery
from operations import services as operations
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory

from .factories import WebhookEndpointFactory
from .receiver import Receiver, let_backoff_pass

Status = WebhookDelivery.Status
REBIND_HOST = "hooks.rebind.test"


def _endpoint(url: str, events=("member.created",)):
    return services.webhook_endpoint_create(url=url, events=list(events), description="Our CRM")


def _publish(name: str = "member.created", object_id: int = 7):
    with transaction.atomic():
        return publish(name, object_id)


def _fake_dns(monkeypatch, answers: list[str]) -> list[str]:
    """Make REBIND_HOST resolve to answers[0] at the first lookup and answers[1] at every later one.

    A stand-in for DNS (a test cannot start a resolver the system would use): the lookup of a name is the
    one thing faked; the connection that follows is real. Returns the names looked up.
    """
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != REBIND_HOST:
            return real(host, port, *args, **kwargs)  # IP literals and every other name: the real resolver
        asked.append(host)
        address = answers[0] if len(asked) == 1 else answers[1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.django_db
@pytest.mark.parametrize("allowed", [False, True])
def test_a_hostname_of_a_loopback_address_is_refused_at_delivery_unless_allowed(receiver, allowed):
    _endpoint(receiver.url.replace("127.0.0.1", "localhost"))
    _publish()

    with override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=allowed):
        run_jobs()

    delivery = WebhookDelivery.objects.get()
    if allowed:
        assert len(receiver.received) == 1 and delivery.status == Status.DELIVERED
        assert receiver.received[0].headers["Host"] == f"localhost:{receiver.server.server_address[1]}"
    else:
        assert receiver.received == [] and delivery.status == Status.PENDING
        assert delivery.last_error.startswith("webhook_url_private")


@pytest.mark.django_db
@override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False, CLUB_WEBHOOK_TIMEOUT_SECONDS=1)
def test_a_name_that_resolves_to_loopback_after_the_check_is_not_called(receiver, monkeypatch):
    # Rebinding: public at the check, the receiver on 127.0.0.1 a moment later. Before the fix, requests
    # looked the name up again and posted to 127.0.0.1.
    port = receiver.server.server_address[1]
    endpoint = WebhookEndpointFactory(url=f"http://{REBIND_HOST}:{port}/hooks", events=["member.created"])
    asked = _fake_dns(monkeypatch, ["93.184.215.14", "127.0.0.1"])
    _publish()

    run_jobs()

    assert receiver.received == []
    assert asked == [REBIND_HOST]  # one lookup, and the connection went to what it answered
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == Status.PENDING and delivery.last_status_code is None


@pytest.mark.django_db
def test_the_post_goes_to_the_address_checked_with_the_hostname_as_host(monkeypatch):
    # Two real receivers on one port: 127.0.0.1 (what the check was answered) and 127.0.0.2 (a later answer).
    with Receiver("127.0.0.1") as checked:
        port = checked.server.server_address[1]
        with Receiver("127.0.0.2", port) as elsewhere:
            WebhookEndpointFactory(url=f"http://{REBIND_HOST}:{port}/hooks", events=["member.created"])
            _fake_dns(monkeypatch, ["127.0.0.1", "127.0.0.2"])
            _publish()

            run_jobs()

            assert elsewhere.received == []
            [request] = checked.received
            assert request.headers["Host"] == f"{REBIND_HOST}:{port}"
            assert WebhookDelivery.objects.get().status == Status.DELIVERED


def _failed_delivery(receiver) -> tuple[WebhookDelivery, ProcrastinateJob]:
    _endpoint(receiver.url)
    receiver.script = [503, 503]
    with override_settings(CLUB_WEBHOOK_ATTEMPTS=2):
        _publish()
        run_jobs()
        let_backoff_pass()
        run_jobs()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    receiver.received.clear()
    return delivery, ProcrastinateJob.objects.get(task_name="webhooks.deliver", status="failed")


@pytest.mark.django_db
def test_a_failed_delivery_retried_from_both_admins_is_posted_once(receiver):
    delivery, failed_job = _failed_delivery(receiver)

    services.webhook_delivery_retry(delivery=delivery)  # Webhook deliveries: a new job
    assert retry_failed_job(failed_job.pk)  # Failed jobs: the old one again
    run_jobs()

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED


@pytest.mark.django_db
def test_the_job_of_a_failed_delivery_retried_from_failed_jobs_sends_it_again(receiver):
    delivery, failed_job = _failed_delivery(receiver)

    assert retry_failed_job(failed_job.pk)  # the delivery goes back to pending first (jobs.queue.BEFORE_RETRY)
    run_jobs()

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED
    assert ProcrastinateJob.objects.get(pk=failed_job.pk).status == "succeeded"


@pytest.mark.django_db
def test_the_failed_jobs_retry_of_a_delivery_to_a_disabled_endpoint_is_refused(receiver):
    delivery, failed_job = _failed_delivery(receiver)
    services.webhook_endpoint_disable(endpoint=delivery.endpoint, reason="test")

    with pytest.raises(WebhookError) as refused:
        retry_failed_job(failed_job.pk)

    assert refused.value.code == "webhook_endpoint_inactive"
    assert ProcrastinateJob.objects.get(pk=failed_job.pk).status == "failed"


@pytest.mark.django_db
def test_while_one_job_retries_a_delivery_another_job_for_it_posts_nothing(receiver):
    delivery, failed_job = _failed_delivery(receiver)
    receiver.script = [500]
    services.webhook_delivery_retry(delivery=delivery)
    run_jobs()  # the new job fails once and waits for its retry
    assert len(receiver.received) == 1
    [waiting] = queued("webhooks.deliver")

    assert retry_failed_job(failed_job.pk)
    with transaction.atomic():  # run only the old job: the new one's backoff has not passed
        run_jobs()

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.job_id) == (Status.PENDING, waiting.pk)


@pytest.mark.django_db
def test_a_delivery_left_sending_by_a_killed_worker_is_sent_by_the_same_job_only(receiver):
    _endpoint(receiver.url)
    _publish()
    [job] = queued("webhooks.deliver")
    delivery = WebhookDelivery.objects.get()
    # As a worker killed during the POST leaves it: claimed by its job, sending.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENDING, job_id=job.pk)
    other = services.webhook_test_send(endpoint=delivery.endpoint)
    [_, other_job] = queued("webhooks.deliver")
    assert other.pk != delivery.pk

    assert services.webhook_delivery_claim(delivery_id=delivery.pk, job_id=other_job.pk) == (
        f"job {job.pk} is sending it"
    )
    claimed = services.webhook_delivery_claim(delivery_id=delivery.pk, job_id=job.pk)
    assert isinstance(claimed, WebhookDelivery) and claimed.status == Status.SENDING


@pytest.mark.django_db(transaction=True)
def test_two_jobs_claiming_one_delivery_at_once_one_sends():
    endpoint = WebhookEndpointFactory(events=["member.created"])
    delivery = services.webhook_test_send(endpoint=endpoint)
    services.webhook_test_send(endpoint=endpoint)
    job_ids = [job.pk for job in queued("webhooks.deliver")]

    outcome = race(lambda i: services.webhook_delivery_claim(delivery_id=delivery.pk, job_id=job_ids[i]), workers=2)

    assert outcome.errors == []
    claimed = [result for result in outcome.results if isinstance(result, WebhookDelivery)]
    assert len(claimed) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.job_id) == (Status.SENDING, claimed[0].job_id)


def _webhook_queries(registrations: int) -> int:
    group_class = GroupClassFactory(capacity=10)
    for _ in range(registrations):
        ClassRegistrationFactory(group_class=group_class)
    with CaptureQueriesContext(connection) as captured:
        operations.class_cancel(group_class=group_class)
    return sum('"webhooks_' in query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db
def test_cancelling_a_class_costs_the_webhooks_two_queries_per_registration():
    WebhookEndpointFactory(events=["registration.cancelled"])
    # Per event: the subscribed endpoints, then the insert (the job batch is procrastinate's table). Accepted:
    # see the report; the class.cancelled event finds no endpoint (one query).
    assert _webhook_queries(1) == 1 + 2
    assert _webhook_queries(5) == 1 + 2 * 5
