"""Sign-in throttling with django-axes: what it counts, how long a cool-off lasts, and what a throttled person reads.

Wrong passwords are counted per address (whatever accounts they named) and per account (from whatever
addresses), both in axes' database tables, so every worker process sees the same counts. Reaching
``AXES_FAILURE_LIMIT`` in either pauses sign-in for a cool-off that starts short and doubles with the
failures logged in the last day, up to ``CLUB_LOGIN_COOLOFF_CAP``: a spraying address slows itself down
to a few guesses every few minutes, while a member behind the same address, or a member someone else is
guessing at, waits seconds or minutes, never a long lockout.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import normalize_email

# Failures older than this no longer lengthen the next cool-off.
PROGRESSION_WINDOW = timedelta(days=1)
NETWORK_PAUSED = "Too many attempts from your network; try again in {seconds} seconds."
ACCOUNT_PAUSED = "Too many attempts for this account; try again in {seconds} seconds."


def throttled_username(request, credentials: dict | None) -> str | None:
    """The email as typed, lower-cased: "Ann@Club.test" and "ann@club.test" are one account,
    so changing the case of the address must not reset the count of wrong passwords."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return normalize_email(raw).lower() if raw else None


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


def _who(request: HttpRequest | None) -> Q:
    """The failures of this address or of the account it names (no match when neither is known)."""
    who = Q(pk__in=[])
    address = _address(request)
    if address:
        who |= Q(ip_address=address)
    username = throttled_username(request, None)
    if username:
        who |= Q(username=username)
    return who


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: the base pause, doubled for each further ``AXES_FAILURE_LIMIT`` failures this address
    or this account collected in the last day, capped. Axes also uses it as the window failures are counted in,
    so a slow guesser widens its own window as it goes."""
    base = timedelta(seconds=settings.CLUB_LOGIN_COOLOFF_SECONDS)
    cap = timedelta(seconds=settings.CLUB_LOGIN_COOLOFF_CAP_SECONDS)
    if request is None:
        return base
    since = timezone.now() - PROGRESSION_WINDOW
    recent = AccessFailureLog.objects.filter(_who(request), attempt_time__gte=since)
    by_address = recent.filter(ip_address=_address(request)).count() if _address(request) else 0
    username = throttled_username(request, None)
    by_account = recent.filter(username=username).count() if username else 0
    strikes = max(by_address, by_account) // settings.AXES_FAILURE_LIMIT
    doublings = min(max(strikes - 1, 0), 16)
    return min(base * 2**doublings, cap)


def locked_out_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page (429) says whether the network or the account is paused, and for how long
    from now, counted from the last failure that kept the pause going."""
    pause = cool_off(request)
    now = timezone.now()
    since = now - pause
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since)
    address = _address(request)
    username = throttled_username(request, credentials)
    by_address = attempts.filter(ip_address=address).aggregate(n=_failures(), last=Max("attempt_time"))
    by_account = attempts.filter(username=username).aggregate(n=_failures(), last=Max("attempt_time"))
    network = (by_address["n"] or 0) >= settings.AXES_FAILURE_LIMIT
    last = (by_address if network else by_account)["last"] or now
    seconds = max(1, int((last + pause - now).total_seconds() + 0.999))
    message = (NETWORK_PAUSED if network else ACCOUNT_PAUSED).format(seconds=seconds)
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"throttle_message": message, "retry_seconds": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def _failures() -> Sum:
    return Sum("failures_since_start")


class ClubAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful sign-in forgives only that person's own typos from
    that address. Axes would delete every count the sign-in matches, so an attacker with an account of their
    own could sign in between guesses and wipe the address's count."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = throttled_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=_address(request)).delete()
        return count
