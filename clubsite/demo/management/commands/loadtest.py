"""HTTP load test: gunicorn with a worker per core, driven by wrk over loopback.

    DJANGO_SETTINGS_MODULE=clubsite.settings.bench python manage.py loadtest

Two runs: many signed-in members reading their dashboard, then many registering for random
upcoming classes at once. Reports requests per second, p50/p95/p99 and errors, then checks that no
class holds more members than its capacity. Every request goes to 127.0.0.1 and the runs stop by
themselves after --duration seconds.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.utils import timezone
from django.utils.crypto import get_random_string

from members.models import Member
from operations.models import Booking, ClassRegistration, GroupClass

SCRIPTS = Path(__file__).resolve().parent.parent.parent / "loadtest"
RESULT = re.compile(r"RESULT (.*)")


class Command(BaseCommand):
    help = "Load-test the member dashboard and class registration over HTTP (gunicorn + wrk on 127.0.0.1)."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=20, help="Seconds per run (5-120).")
        parser.add_argument("--connections", type=int, default=32, help="Concurrent connections (1-256).")
        parser.add_argument("--members", type=int, default=500, help="Distinct signed-in members (1-5000).")
        parser.add_argument("--port", type=int, default=8200)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers.")

    def handle(self, *args, duration, connections, members, port, workers, **options):
        if settings.DEBUG:
            raise CommandError("Load-test without DEBUG: DJANGO_SETTINGS_MODULE=clubsite.settings.bench")
        if not (5 <= duration <= 120 and 1 <= connections <= 256 and 1 <= members <= 5000):
            raise CommandError("--duration 5-120, --connections 1-256, --members 1-5000.")
        if shutil.which("wrk") is None:
            raise CommandError("wrk is missing: apt-get install wrk")
        with tempfile.TemporaryDirectory() as folder:
            sessions = Path(folder) / "sessions.txt"
            classes = Path(folder) / "classes.txt"
            signed_in = self._sessions(sessions, members)
            upcoming = self._upcoming_classes(classes)
            self.stdout.write(f"{signed_in} signed-in members, {upcoming} upcoming classes, {workers} gunicorn workers")
            server = self._start_gunicorn(port, workers)
            try:
                url = f"http://127.0.0.1:{port}"
                dashboard = self._wrk(f"{url}/member/", "dashboard.lua", [sessions], duration, connections)
                before = ClassRegistration.objects.count()
                started = time.monotonic()
                register = self._wrk(f"{url}/member/", "register.lua", [sessions, classes], duration, connections)
                elapsed = time.monotonic() - started
                created = ClassRegistration.objects.count() - before
            finally:
                server.terminate()
                server.wait(timeout=30)
        overfull = self._overfull_classes()
        self.stdout.write(
            "| run | requests/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|\n"
            + self._row("member dashboard (GET)", dashboard)
            + self._row("class registration (POST)", register)
        )
        self.stdout.write(
            f"Registrations created: {created} in {elapsed:.1f} s = {created / elapsed:.0f} per second; "
            f"classes above capacity: {overfull}."
        )
        if overfull or dashboard["errors"] or register["errors"]:
            raise CommandError("The load test found errors or an oversold class.")

    def _sessions(self, path: Path, wanted: int) -> int:
        """Sessions created directly, as a sign-in would: the load is on pages, not on password hashing."""
        lines = []
        for member in Member.objects.select_related("user").order_by("id")[:wanted]:
            store = SessionStore()
            store[SESSION_KEY] = str(member.user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
            store.create()
            lines.append(f"{store.session_key} {get_random_string(32, CSRF_ALLOWED_CHARS)}")
        if not lines:
            raise CommandError("No members: run seed_demo or seed_bulk first.")
        path.write_text("\n".join(lines) + "\n")
        return len(lines)

    def _upcoming_classes(self, path: Path) -> int:
        ids = list(
            GroupClass.objects.filter(
                booking__kind=Booking.Kind.GROUP_CLASS,
                booking__status=Booking.Status.SCHEDULED,
                booking__start_time__gt=timezone.now() + datetime.timedelta(hours=1),
            ).values_list("id", flat=True)
        )
        if not ids:
            raise CommandError("No upcoming classes to register for.")
        path.write_text("\n".join(map(str, ids)) + "\n")
        return len(ids)

    def _start_gunicorn(self, port: int, workers: int) -> subprocess.Popen:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
        if not os.environ.get("DATABASE_URL"):
            db = connection.settings_dict
            env["DATABASE_URL"] = f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}&port={db['PORT']}"
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "clubsite.wsgi:application",
                "--workers", str(workers),
                "--bind", f"127.0.0.1:{port}",
                "--log-level", "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return server
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise CommandError("gunicorn did not start within 30 s.")

    def _wrk(self, url: str, script: str, files: list[Path], duration: int, connections: int) -> dict:
        threads = min(2, connections)
        run = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
             "-s", str(SCRIPTS / script), url, "--", *map(str, files)],
            capture_output=True, text=True, timeout=duration + 60, check=False,
        )
        match = RESULT.search(run.stdout)
        if run.returncode != 0 or match is None:
            raise CommandError(f"wrk failed: {run.stdout}{run.stderr}")
        values = dict(pair.split("=") for pair in match.group(1).split())
        result = {key: float(value) for key, value in values.items()}
        result["rps"] = result["requests"] / result["seconds"]
        return result

    def _row(self, name: str, result: dict) -> str:
        return (
            f"| {name} | {result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p95_ms']:.1f} | "
            f"{result['p99_ms']:.1f} | {result['errors']:.0f} |\n"
        )

    def _overfull_classes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*) FROM (
                    SELECT g.id FROM operations_groupclass g
                      JOIN operations_classregistration r ON r.group_class_id = g.id
                     WHERE r.status IN ('registered', 'attended')
                     GROUP BY g.id, g.capacity HAVING count(*) > g.capacity) over_capacity
                """
            )
            return cursor.fetchone()[0]
