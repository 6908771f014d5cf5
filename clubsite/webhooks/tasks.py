"""The delivery job: POST one delivery, signed as Standard Webhooks says, and retry it with backoff."""

from __future__ import annotations

import datetime
import json
from http import HTTPStatus

import requests
from django.conf import settings
from procrastinate import RetryDecision, RetryStrategy
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job
from standardwebhooks import Webhook

from clubsite.jobs.queue import club_task

from . import services
from .errors import WebhookError
from .models import WebhookDelivery

#: The longest wait between two attempts, however many came before.
MAX_WAIT_SECONDS = 6 * 3600
USER_AGENT = "Clubsite-Webhooks/1"


class DeliveryFailed(Exception):
    """An attempt the endpoint did not accept (no answer, or not 2xx): procrastinate retries it."""


class DeliveryAbandoned(DeliveryFailed):
    """A failed attempt that is not retried: its endpoint was disabled by it."""


class WebhookRetry(RetryStrategy):
    """CLUB_WEBHOOK_ATTEMPTS attempts in all, waiting CLUB_WEBHOOK_RETRY_BASE_SECONDS, then twice as long each
    time (at most six hours). Read from the settings at each failure, so a deployment (or a test) can tune it."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if is_last_attempt(job) or isinstance(exception, DeliveryAbandoned):
            return None
        wait = min(settings.CLUB_WEBHOOK_RETRY_BASE_SECONDS * 2**job.attempts, MAX_WAIT_SECONDS)
        return RetryDecision(retry_in={"seconds": wait})


def is_last_attempt(job: Job) -> bool:
    # job.attempts counts the attempts before this one.
    return job.attempts + 1 >= settings.CLUB_WEBHOOK_ATTEMPTS


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """(status code, error) of one POST; the error is empty when the endpoint accepted it."""
    endpoint = delivery.endpoint
    try:
        services.webhook_address_check(endpoint.url)
    except WebhookError as error:
        return None, f"{error.code}: {error.message}"
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    now = datetime.datetime.now(tz=datetime.UTC)  # sign() reads the time as UTC
    message_id = delivery.message_id
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(message_id, now, body),
    }
    with requests.Session() as session:
        # No proxy from the environment: the address checked above is the one called.
        session.trust_env = False
        try:
            # stream: only the status is read, never a body the endpoint may make as large as it likes.
            with session.post(
                endpoint.url,
                data=body.encode(),
                headers=headers,
                timeout=settings.CLUB_WEBHOOK_TIMEOUT_SECONDS,
                allow_redirects=False,
                stream=True,
            ) as response:
                status = response.status_code
        except requests.RequestException as error:
            return None, f"{type(error).__name__}: {error}"
    if 200 <= status < 300:
        return status, ""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return status, f"HTTP {status} {phrase}".strip()


@club_task(name="webhooks.deliver", queue="webhooks", retry=WebhookRetry(), pass_context=True)
def deliver(context: JobContext, delivery_id: int) -> str:
    """Send one delivery; raise (so that procrastinate retries) while the endpoint does not accept it.

    The same ``webhook-id`` goes with every attempt, so a receiver that got an attempt we took for failed (a
    timeout after it answered) can tell the repeat. The attempt is recorded (committed) before the raise.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == WebhookDelivery.Status.DELIVERED:
        return "nothing to do"
    if not delivery.endpoint.active:
        services.webhook_delivery_give_up(delivery_id=delivery_id, reason="The endpoint was disabled.")
        return "endpoint disabled"
    status, error = _post(delivery)
    final = is_last_attempt(context.job)
    recorded = services.webhook_attempt_record(delivery_id=delivery_id, status_code=status, error=error, final=final)
    if not error:
        return "delivered"
    if recorded.status == WebhookDelivery.Status.FAILED and not final:
        raise DeliveryAbandoned(f"{delivery.endpoint.url}: {error} (the endpoint is now disabled)")
    raise DeliveryFailed(f"{delivery.endpoint.url}: {error}")
