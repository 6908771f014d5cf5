"""A real HTTP server on 127.0.0.1 (a random port, in a thread) that records what it is sent and answers each
request with the next status of its script (200 once the script is spent)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connection


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.received: list[Received] = []
        self.script: list[int] = []
        self.redirect_to = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.redirect_to or "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def receiving() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def let_backoff_pass() -> None:
    """Make every job waiting for its retry due now, as if its backoff had passed.

    procrastinate picks a job when ``scheduled_at <= now()``, PostgreSQL's clock, which inside a test's
    transaction stands still at the transaction's start: travelling Python's clock would not move it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo' AND scheduled_at > now()"
        )
