"""Create a benchmark database beside the current one: migrated, with the demo club and N bulk clubs."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql


class Command(BaseCommand):
    help = (
        "Create (or reuse) DATABASE on the current PostgreSQL server and fill it: "
        "migrate, seed_demo, seed_bulk --scale N."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", required=True, help="Name of the benchmark database, e.g. clubsite_bench_large."
        )
        parser.add_argument("--scale", type=int, required=True, help="Bulk clubs to load (see seed_bulk).")

    def handle(self, *args, database: str, scale: int, **options):
        if not database.replace("_", "").isalnum():
            raise CommandError("Use letters, digits and underscores for the database name.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            exists = cursor.fetchone() is not None
        if not exists:
            connection.ensure_connection()
            connection.connection.autocommit = True
            with connection.connection.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        db = connection.settings_dict
        port = f"&port={db['PORT']}" if db["PORT"] else ""
        host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@/{database}?host={host}{port}"
        env = {**os.environ, "DATABASE_URL": url}
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        # An existing database is reused as it is, but brought up to the code's migrations (new indexes
        # change what is measured); only a new one is filled.
        steps = [["migrate", "--no-input", "-v0"]]
        if exists:
            self.stdout.write(f"{database} exists: migrating and reusing its data (drop it to rebuild).")
        else:
            steps += [["seed_demo"], ["seed_bulk", "--scale", str(scale)]]
        for step in steps:
            self.stdout.write(f"{database}: {' '.join(step)}")
            subprocess.run([*manage, *step], env=env, check=True)
        self.stdout.write(self.style.SUCCESS(f"{database} is ready: DATABASE_URL={url}"))
