"""Load a large club for benchmarks: `python manage.py seed_bulk --scale 100`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from clubsite.demo.bulk import BASE, BulkLoader, BulkLoadError


class Command(BaseCommand):
    help = (
        "Add SCALE copies of a base club (1,000 members with 100 health metrics each, 6 trainers, 5 rooms, "
        "20 classes with 10,000 registrations, 2,000 PT sessions, 3,000 invoices) in set-based SQL, with progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="How many base clubs to add (1-200).")

    def handle(self, *args, scale: int, **options):
        if not 1 <= scale <= 200:
            raise CommandError("--scale must be between 1 and 200.")
        bars: dict[str, tqdm] = {}

        def progress(label: str, done: int, total: int) -> None:
            bar = bars.get(label)
            if bar is None:
                bar = bars[label] = tqdm(total=total, desc=f"{label:<32}", unit="", leave=True, dynamic_ncols=True)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        loader = BulkLoader(scale=scale, progress=progress)
        if loader.already_loaded():
            raise CommandError("Bulk data is already loaded into this database; start from an empty one to load again.")
        self.stdout.write(
            f"Loading {scale} × the base club ({BASE['members'] * scale:,} members, "
            f"{BASE['members'] * BASE['metrics_per_member'] * scale:,} health metrics)…"
        )
        started = time.monotonic()
        try:
            counts = loader.load()
        except BulkLoadError as error:
            raise CommandError(f"{error} Nothing was loaded.") from error
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary} in {elapsed:.0f} s."))
