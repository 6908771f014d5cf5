"""A sign-in between its two steps: the password was right, the code is still to come. Kept in the (not yet
signed-in) session; nothing is signed in until the code step, so a stolen password alone opens nothing."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

from clubsite.accounts.models import User

PENDING_KEY = "twofactor_pending"


def pending_start(request: HttpRequest, user: User, *, backend: str, next_url: str) -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "backend": backend, "at": time.time(), "next": next_url}


def pending_sign_in(request: HttpRequest) -> tuple[User, str, str] | None:
    """(user, auth backend, where to go next) of the sign-in waiting for its code, or None when there is none,
    it is older than CLUB_TWO_FACTOR_PENDING_SECONDS, or the account was closed since."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > settings.CLUB_TWO_FACTOR_PENDING_SECONDS:
        pending_clear(request)
        return None
    user_id = pending.get("user")
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if user is None:
        pending_clear(request)
        return None
    return user, str(pending.get("backend", "")), str(pending.get("next", ""))


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
