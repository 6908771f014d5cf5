"""Server-side timings and query counts of the busiest pages, for docs/performance.md.

    python manage.py bench --label small --output bench/results/small.json
    python manage.py bench --label large --output bench/results/large.json
    python manage.py bench --compare bench/results/small.json bench/results/large.json

Each page is requested in-process through Django's test client, so the time measured is the
server's (URL routing, middleware, views, queries, templates), without a network in between. The
subjects are the first bulk-loaded member and trainer (``seed_bulk``) when present, else the demo
ones, and the demo superuser for the admin pages.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from tqdm import tqdm

from clubsite.accounts.models import User
from clubsite.demo.bulk import MARKER_EMAIL
from clubsite.demo.management.commands.seed_demo import DEMO_ADMIN_EMAIL, DEMO_MEMBER_EMAIL, DEMO_TRAINER_EMAIL
from clubsite.testing.twofactor import sign_in

WARM_UP = 5
TARGET_P95_MS = 50
TARGET_QUERIES = 10
TARGET_RATIO = 2


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Measure p50/p95 server time and query count of the busiest pages (or --compare two runs)."

    def add_arguments(self, parser):
        parser.add_argument("--label", default="run", help="Name of this run, e.g. small or large.")
        parser.add_argument("--requests", type=int, default=200, help="Timed requests per page.")
        parser.add_argument("--output", help="Write the results as JSON to this file.")
        parser.add_argument("--compare", nargs=2, metavar=("SMALL", "LARGE"), help="Print the table of two runs.")

    def handle(self, *args, label: str, requests: int, output: str | None, compare: list[str] | None, **options):
        if compare:
            self.stdout.write(self._table(*(json.loads(Path(path).read_text()) for path in compare)))
            return
        if settings.DEBUG:
            raise CommandError("Run benchmarks without DEBUG: DJANGO_SETTINGS_MODULE=clubsite.settings.bench")
        pages = self._pages()
        results: dict[str, Any] = {"label": label, "scale": self._scale(), "requests": requests, "pages": {}}
        for name, (client, url) in tqdm(pages.items(), desc="pages", unit="page"):
            results["pages"][name] = self._measure(client, url, requests)
        self.stdout.write(self._single(results))
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(json.dumps(results, indent=2))
            self.stdout.write(f"Written to {output}")

    # -- what is measured ------------------------------------------------------------------------

    def _scale(self) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM members_member), (SELECT count(*) FROM members_healthmetric), "
                "(SELECT count(*) FROM operations_classregistration), (SELECT count(*) FROM billing_invoice)"
            )
            members, metrics, registrations, invoices = cursor.fetchone()
        return {"members": members, "metrics": metrics, "registrations": registrations, "invoices": invoices}

    def _client_for(self, email: str) -> Client:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"{email} is missing: run `manage.py seed_demo` (and seed_bulk) first.")
        # Signed in as a finished sign-in leaves them: the demo admin's session verified by their second factor.
        return sign_in(Client(), user)

    def _pages(self) -> dict[str, tuple[Client, str]]:
        bulk = User.objects.filter(email=MARKER_EMAIL).exists()
        member = self._client_for(MARKER_EMAIL if bulk else DEMO_MEMBER_EMAIL)
        trainer = self._client_for("bulk.trainer.0@example.com" if bulk else DEMO_TRAINER_EMAIL)
        admin = self._client_for(DEMO_ADMIN_EMAIL)
        some_member = User.objects.filter(member__isnull=False).order_by("id").first()
        if some_member is None:
            raise CommandError("No member to look up: run `manage.py seed_demo` (and seed_bulk) first.")
        full_name = f"{some_member.first_name} {some_member.last_name}"
        return {
            "member dashboard": (member, reverse("members:dashboard")),
            "health history": (member, reverse("members:metrics")),
            "class timetable": (member, reverse("members:timetable")),
            "trainer week view": (trainer, reverse("trainers:schedule")),
            'trainer lookup "a"': (trainer, reverse("trainers:member-lookup") + "?q=a"),
            "trainer lookup full name": (trainer, reverse("trainers:member-lookup") + f"?q={full_name}"),
            "admin bookings": (admin, reverse("admin:operations_booking_changelist")),
            "admin registrations": (admin, reverse("admin:operations_classregistration_changelist")),
            "admin invoices": (admin, reverse("admin:billing_invoice_changelist")),
        }

    def _measure(self, client: Client, url: str, requests: int) -> dict:
        for _ in range(WARM_UP):
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        queries: list[str] = []

        def counted(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            client.get(url)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        return {
            "url": url,
            "queries": len(queries),
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(_percentile(samples, 0.95), 1),
        }

    # -- reporting -------------------------------------------------------------------------------

    def _single(self, results: dict) -> str:
        lines = [f"{results['label']}: {results['scale']}", "| page | p50 ms | p95 ms | queries |"]
        lines.append("|---|---:|---:|---:|")
        for name, page in results["pages"].items():
            lines.append(f"| {name} | {page['p50_ms']} | {page['p95_ms']} | {page['queries']} |")
        return "\n".join(lines)

    def _table(self, small: dict, large: dict) -> str:
        def scale(run: dict) -> str:
            return f"{run['scale']['members']:,} members / {run['scale']['metrics']:,} metrics"

        lines = [
            f"small: {scale(small)}; large: {scale(large)}",
            "",
            "| page | small p50 | small p95 | large p50 | large p95 | queries (small/large) "
            "| p95 ratio large/small | targets met |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, big in large["pages"].items():
            little = small["pages"][name]
            ratio = big["p95_ms"] / little["p95_ms"] if little["p95_ms"] else float("inf")
            # The time and query targets are the portal pages'; every page, admin ones too, must scale.
            portal = not name.startswith("admin ")
            met = ratio <= TARGET_RATIO and (
                not portal or (big["p95_ms"] < TARGET_P95_MS and big["queries"] <= TARGET_QUERIES)
            )
            lines.append(
                f"| {name} | {little['p50_ms']} | {little['p95_ms']} | {big['p50_ms']} | {big['p95_ms']} | "
                f"{little['queries']}/{big['queries']} | {ratio:.2f} | {'yes' if met else 'no'} |"
            )
        return "\n".join(lines)
