"""When the database is down: a 503 with ``Retry-After`` instead of a 500, and the health endpoint load balancers
ask (``/health/``: the database and the job queue's lag).

Django opens a fresh connection for each request whose previous one failed, so nothing has to be restarted when
the database returns: the next request simply works again.
"""

from __future__ import annotations

import sys
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

from clubsite.api.problems import SERVER_ERROR, problem

UNAVAILABLE = "The club's system is briefly unavailable; please try again in a minute."

# The oldest job that could run now and has not: how far the workers are behind (0 when the queue is empty).
QUEUE_LAG_SQL = """
SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(GREATEST(deferred.at, jobs.scheduled_at))), 0)
FROM procrastinate_jobs AS jobs
JOIN procrastinate_events AS deferred ON deferred.job_id = jobs.id AND deferred.type = 'deferred'
WHERE jobs.status = 'todo' AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
"""
LIVE_WORKERS_SQL = "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '1 minute'"


def database_reachable() -> bool:
    """Whether a new connection to the database can be opened now (the request's own may be the broken one)."""
    try:
        connection.close()
        connection.ensure_connection()
    except (OperationalError, InterfaceError):
        return False
    return True


def database_down(error: BaseException | None) -> bool:
    """Whether ``error`` came from the database being unreachable (not a bug, nor a refused write)."""
    return isinstance(error, OperationalError | InterfaceError) and not database_reachable()


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the friendly page, or a problem document under /api/."""
    retry = str(settings.CLUB_RETRY_AFTER_SECONDS)
    if request.path_info.startswith("/api/"):
        return problem(status=503, code="service_unavailable", detail=UNAVAILABLE, headers={"Retry-After": retry})
    # Rendered without the request (no user, no session: both live in the database that is down).
    body = loader.get_template("503.html").render({"retry_after": settings.CLUB_RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503, headers={"Retry-After": retry})
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an error because the database is down is a 503 the visitor can wait out; any other is the
    designed 500 page (a problem document under /api/)."""
    if database_down(sys.exc_info()[1]):
        return unavailable(request)
    if request.path_info.startswith("/api/"):
        return problem(status=500, code="server_error", detail=SERVER_ERROR)
    return django_server_error(request)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 while the database answers (the queue's lag is reported, not judged:
    a backlog of mail is no reason to take a web server out of service), 503 when it does not."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            latency_ms = round((time.perf_counter() - started) * 1000, 1)
            cursor.execute(QUEUE_LAG_SQL)
            waiting, lag = cursor.fetchone()
            cursor.execute(LIVE_WORKERS_SQL)
            (workers,) = cursor.fetchone()
    except DatabaseError:
        connection.close()
        response = JsonResponse({"status": "unavailable", "database": {"ok": False}}, status=503)
        response["Retry-After"] = str(settings.CLUB_RETRY_AFTER_SECONDS)
        return response
    lag_seconds = round(float(lag), 1)
    behind = lag_seconds > settings.CLUB_HEALTH_QUEUE_LAG_WARNING_SECONDS
    return JsonResponse(
        {
            "status": "degraded" if behind else "ok",
            "database": {"ok": True, "latency_ms": latency_ms},
            "job_queue": {"waiting": waiting, "lag_seconds": lag_seconds, "live_workers": workers, "behind": behind},
        }
    )
