"""The embedded PostgreSQL launcher: one shared server per checkout, reached over its socket."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from clubsite import embedded_db

embedded_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL is set: the embedded server is not in use"
)


@embedded_only
@pytest.mark.django_db
def test_tests_run_on_the_embedded_server_over_its_unix_socket():
    assert settings.DATABASES["default"]["HOST"] == str(embedded_db.PGDATA)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('data_directory'), inet_server_addr() IS NULL")
        data_directory, over_socket = cursor.fetchone()
    assert data_directory == str(embedded_db.PGDATA)
    assert over_socket


@embedded_only
def test_concurrent_processes_share_one_server():
    def launch(_):
        return subprocess.run(
            [sys.executable, "-m", "clubsite.embedded_db", "url"],
            cwd=embedded_db.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
            env={key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(launch, range(4)))

    assert [run.returncode for run in runs] == [0, 0, 0, 0], [run.stderr for run in runs]
    assert len({run.stdout for run in runs}) == 1
    assert f"host={embedded_db.PGDATA}" in runs[0].stdout.replace("%2F", "/")


def test_the_data_folder_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "--quiet", str(embedded_db.PGDATA)], cwd=embedded_db.BASE_DIR, check=False
    )
    assert result.returncode == 0
