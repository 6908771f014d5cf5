"""Real processes for tests about the job queue: ``manage.py procrastinate worker`` and an SMTP server.

``run_jobs`` (clubsite.testing.jobs) runs jobs inside the test's own transaction; what it cannot show is what
happens between processes: a mail that leaves through a real SMTP conversation, two workers fetching the same
work, a worker killed in the middle of a job. These helpers start the real thing:

- :func:`worker` starts ``manage.py procrastinate worker`` against the test database of a
  ``@pytest.mark.django_db(transaction=True)`` test (the worker sees only committed rows), with short heartbeats
  and stall timeout, mail sent through Django's SMTP backend to the test's server, and its log in a file that is
  printed when the test fails; it stops the worker (SIGTERM, then SIGKILL) at the end.
- :func:`smtp_server` is an aiosmtpd server on 127.0.0.1 that keeps what it accepted, and can hold the first
  message (to kill the sending worker meanwhile) and then refuse it with a temporary error.
- :func:`wait_for` polls a condition (usually a query) until it holds.

A worker process keeps the real clock, so these tests cannot run under ``CLUBSITE_TEST_NOW``.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import connection

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"
PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
#: Short enough that a killed worker's job is back in the queue within seconds (heartbeat every 0.5 s,
#: taken for dead after 2 s), long enough that a busy test machine does not mistake a live worker for dead.
WORKER_ENV = {
    "CLUB_JOBS_HEARTBEAT_SECONDS": "0.5",
    "CLUB_JOBS_STALLED_AFTER_SECONDS": "2",
    "CLUB_JOBS_POLL_SECONDS": "0.5",
    "CLUB_REMINDER_HOURS": "24",
}


# -- waiting ---------------------------------------------------------------------------------------


def wait_for(predicate: Callable[[], Any], timeout: float = 15, *, interval: float = 0.1, what: str = "") -> Any:
    """Call ``predicate`` until it returns something truthy (and return that); fail after ``timeout`` seconds.

    The test's connection is in autocommit in a ``transaction=True`` test, so each query sees what the worker
    has committed by then.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what or getattr(predicate, '__name__', predicate)}")
        time.sleep(interval)


# -- the SMTP server -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One message the server accepted (answered 250 to)."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # Django folds a long non-ASCII subject right after "Subject:"; the parser keeps that fold's space.
        return str(self.message["Subject"]).strip()


@dataclass
class SmtpServer:
    """A real SMTP server on 127.0.0.1; ``messages`` are those it accepted, in order."""

    host: str
    port: int
    hold_first: bool = False
    messages: list[Received] = field(default_factory=list)
    #: Set when the first message's DATA arrived and is being held (only with ``hold_first``).
    holding: threading.Event = field(default_factory=threading.Event)
    #: Set by the test to answer the held message with a temporary failure (451): it is not accepted. If the
    #: sender was killed meanwhile, the conversation is gone and the message is dropped all the same.
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook
        with self._lock:
            hold = self.hold_first and not self.holding.is_set()
            if hold:
                self.holding.set()
        if hold:
            # The sender (a worker) sits in the middle of its job until the test has done what it wanted.
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Held by the test, try again later"
        raw = envelope.original_content or envelope.content or b""
        message = email.message_from_bytes(raw if isinstance(raw, bytes) else raw.encode(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message))
        return "250 2.0.0 Accepted"

    def to(self, address: str) -> list[Received]:
        """The accepted messages addressed to ``address``."""
        with self._lock:
            return [m for m in self.messages if address in m.rcpt_tos]

    def count(self) -> int:
        with self._lock:
            return len(self.messages)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(*, hold_first: bool = False) -> Iterator[SmtpServer]:
    """Run an SMTP server on a free port of 127.0.0.1 for the block."""
    server = SmtpServer(host="127.0.0.1", port=_free_port(), hold_first=hold_first)
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        server.release.set()  # a held conversation must not keep the server's loop from stopping
        controller.stop()


# -- the worker ------------------------------------------------------------------------------------


def worker_database_url() -> str:
    """DATABASE_URL of the database this test uses (the test database, after pytest-django set it up)."""
    db = connection.settings_dict
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = str(db.get("HOST") or ""), str(db.get("PORT") or "")
    query: dict[str, str] = {str(k): str(v) for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    if host.startswith("/"):
        # A Unix socket folder (the embedded server) cannot be a URL's host: libpq takes it as a parameter.
        query.update({"host": host, **({"port": port} if port else {})})
        netloc = credentials
    else:
        netloc = f"{credentials}{host}{':' + port if port else ''}"
    return f"postgres://{netloc}/{quote(str(db['NAME']))}" + (f"?{urlencode(query)}" if query else "")


def _worker_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM procrastinate_workers")
        return {row[0] for row in cursor.fetchall()}


def clear_queue() -> None:
    """Empty procrastinate's tables: pytest-django's flush skips them (procrastinate's models are unmanaged)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(PROCRASTINATE_TABLES)} CASCADE")


@dataclass
class Worker:
    """A running ``manage.py procrastinate worker``."""

    process: subprocess.Popen[bytes]
    log_path: Path
    #: Its row in procrastinate_workers (jobs it runs have this ``worker_id``).
    id: int = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """``kill -9``: no chance to finish, roll back or say goodbye."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (procrastinate finishes its running jobs and unregisters), then SIGKILL if it hangs."""
        stop_all([self], timeout)


def stop_all(running: list[Worker], timeout: float = 10) -> None:
    """Stop workers together: SIGTERM to each, then wait, then SIGKILL whichever still runs after ``timeout``."""
    for each in running:
        if each.process.poll() is None:
            each.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for each in running:
        try:
            each.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            each.process.kill()
            each.process.wait(10)


def _spawn(command: list[str], env: Mapping[str, str]) -> Worker:
    log_file = tempfile.NamedTemporaryFile(prefix="clubsite-worker-", suffix=".log", delete=False)  # noqa: SIM115 - outlives the block
    with log_file:
        process = subprocess.Popen(
            command,
            cwd=MANAGE_PY.parent,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C meant for pytest does not reach it first; the test decides how it ends.
            start_new_session=True,
        )
    return Worker(process=process, log_path=Path(log_file.name))


@contextmanager
def workers(
    count: int = 1,
    *,
    smtp: SmtpServer | None = None,
    concurrency: int = 4,
    queues: list[str] | None = None,
    env: Mapping[str, str] | None = None,
    startup_timeout: float = 30,
) -> Iterator[list[Worker]]:
    """Start ``count`` worker processes at once on the test database for the block; show their logs on failure.

    Call it from a ``@pytest.mark.django_db(transaction=True)`` test: a worker is another connection and sees
    only what is committed. With ``smtp`` they send mail through Django's SMTP backend to that server, otherwise
    to the locmem backend of their own process (nowhere the test can see). The block starts once every worker
    has registered in procrastinate_workers; started together, their rows cannot be told apart, so only a lone
    worker knows its ``id``.
    """
    process_env = {
        **os.environ,
        **WORKER_ENV,
        "DJANGO_SETTINGS_MODULE": "clubsite.settings.test",
        "DATABASE_URL": worker_database_url(),
        "CLUBSITE_TEST_LOGGING": "1",
        "DJANGO_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    if smtp is not None:
        process_env |= {
            "CLUBSITE_TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": smtp.host,
            "DJANGO_EMAIL_PORT": str(smtp.port),
        }
    command = [sys.executable, str(MANAGE_PY), "procrastinate", "worker", "--concurrency", str(concurrency)]
    if queues:
        command += ["--queues", ",".join(queues)]
    before = _worker_ids()
    started: list[Worker] = []
    failed = False
    try:
        started += [_spawn(command, process_env) for _ in range(count)]

        def registered() -> set[int]:
            for each in started:
                if each.process.poll() is not None:
                    raise AssertionError(f"worker pid {each.pid} exited with {each.process.returncode} on start")
            new = _worker_ids() - before
            return new if len(new) >= count else set()

        ids = wait_for(registered, startup_timeout, interval=0.05, what=f"{count} worker(s) registered")
        if count == 1:
            started[0].id = min(ids)
        yield started
    except BaseException:
        failed = True
        # pytest shows a failing test's captured stderr: the workers' side of the story.
        for each in started:
            sys.stderr.write(f"\n----- worker pid {each.pid} log ({each.log_path}) -----\n{each.log()}\n")
        raise
    finally:
        stop_all(started)
        for each in started:
            if not failed:
                each.log_path.unlink(missing_ok=True)


@contextmanager
def worker(**options: Any) -> Iterator[Worker]:
    """One worker process for the block (see :func:`workers`); it knows its row's ``id``."""
    with workers(1, **options) as (only,):
        yield only
