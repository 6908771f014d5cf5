"""The delivery job: POST one delivery, signed as Standard Webhooks says, and retry it with backoff."""

from __future__ import annotations

import datetime
import json
import socket
from http import HTTPStatus
from typing import Any, TypeVar

import requests
from django.conf import settings
from procrastinate import RetryDecision, RetryStrategy
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job
from requests.adapters import HTTPAdapter
from standardwebhooks import Webhook
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

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


_Connection = TypeVar("_Connection", bound=HTTPConnection)


def _pinned(base: type[_Connection], addresses: tuple[str, ...]) -> type[_Connection]:
    """``base`` connecting to ``addresses`` (checked) instead of looking the host up again. Its host stays the
    URL's: http.client's Host header, and for https the SNI and the certificate check, are for that name."""

    class Pinned(base):  # type: ignore[valid-type,misc]
        def _new_conn(self) -> socket.socket:
            last: Exception | None = None
            for address in addresses:  # in the resolver's order, as urllib3 would; only a failed connect moves on
                try:
                    sock = create_connection(
                        (address, self.port),
                        self.timeout,
                        source_address=self.source_address,
                        socket_options=self.socket_options,
                    )
                except TimeoutError as error:
                    last = ConnectTimeoutError(self, f"Connection to {self.host} ({address}) timed out.")
                    last.__cause__ = error
                except OSError as error:
                    last = NewConnectionError(self, f"Failed to establish a new connection to {address}: {error}")
                    last.__cause__ = error
                else:
                    return sock
            raise last or NewConnectionError(self, "No address to connect to.")

    return Pinned


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose connections go to the addresses of a :class:`services.Target`."""

    def __init__(self, target: services.Target) -> None:
        self.target = target
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        addresses = self.target.addresses

        class HTTPPool(HTTPConnectionPool):
            ConnectionCls = _pinned(HTTPConnection, addresses)

        class HTTPSPool(HTTPSConnectionPool):
            ConnectionCls = _pinned(HTTPSConnection, addresses)

        self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """(status code, error) of one POST; the error is empty when the endpoint accepted it."""
    endpoint = delivery.endpoint
    try:
        target = services.webhook_target(endpoint.url)
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
        # Connect to the addresses just checked: a second lookup could answer with the club's own network.
        adapter = PinnedAdapter(target)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
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

    Only the job that claimed the delivery sends it (:func:`services.webhook_delivery_claim`), outside the
    row's lock (a slow endpoint holds no lock); a delivered or failed delivery is left alone. The same
    ``webhook-id`` goes with every attempt, so a receiver that got an attempt we took for failed (a
    timeout after it answered) can tell the repeat. The attempt is recorded (committed) before the raise.
    """
    claimed = services.webhook_delivery_claim(delivery_id=delivery_id, job_id=context.job.id or 0)
    if isinstance(claimed, str):
        return claimed  # nothing sent: delivered, failed, disabled, or another job's
    delivery = claimed
    status, error = _post(delivery)
    final = is_last_attempt(context.job)
    recorded = services.webhook_attempt_record(delivery_id=delivery_id, status_code=status, error=error, final=final)
    if not error:
        return "delivered"
    if recorded.status == WebhookDelivery.Status.FAILED and not final:
        raise DeliveryAbandoned(f"{delivery.endpoint.url}: {error} (the endpoint is now disabled)")
    raise DeliveryFailed(f"{delivery.endpoint.url}: {error}")
