"""``manage.py runsite``: the development site and a job worker in one command, stopped together.

``make run`` uses it. Mail is sent only by a worker, so a site served without one would never send a
confirmation; here the worker runs beside ``runserver`` (its console mail backend prints each mail), and
Ctrl-C, a SIGTERM, or either of the two exiting stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"


class Command(BaseCommand):
    help = "Serve the site (runserver) with a job worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Where to serve, as for runserver.")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        # Each child leads its own process group, so a stop reaches all of it (runserver's reloader runs the
        # site in a grandchild) and nothing is left behind; the terminal's Ctrl-C reaches this process, which
        # passes it on.
        host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        # Mail links back to the site: to this one, unless the environment says where members reach it.
        env = {"CLUB_SITE_URL": f"http://{host}", **os.environ}
        children = {
            "worker": self._start(env, "procrastinate", "worker"),
            "site": self._start(env, "runserver", addrport),
        }
        self.stdout.write(
            f"Site: http://{host}/  · job worker pid {children['worker'].pid} (it prints each mail here)"
            "  · Ctrl-C stops both"
        )
        stopping: list[int] = []

        def stop(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)
        try:
            while not stopping:
                ended = [name for name, child in children.items() if child.poll() is not None]
                if ended:
                    self.stderr.write(f"The {ended[0]} exited ({children[ended[0]].returncode}); stopping the rest.")
                    break
                time.sleep(0.2)
        finally:
            self._stop_all(list(children.values()))
        if not stopping:
            sys.exit(1)

    def _start(self, env: dict[str, str], *command: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, str(MANAGE_PY), *command], env=env, process_group=0)

    def _stop_all(self, children: list[subprocess.Popen[bytes]], timeout: float = 10) -> None:
        for child in children:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # The reloader's grandchild may outlive its parent: end the whole group either way.
            _signal_group(child, signal.SIGKILL)
            child.wait()


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass
