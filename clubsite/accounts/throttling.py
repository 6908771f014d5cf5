"""The key django-axes counts failed sign-ins under."""

from __future__ import annotations

from .models import normalize_email


def throttled_username(request, credentials: dict | None) -> str | None:
    """The email as typed, lower-cased: "Ann@Club.test" and "ann@club.test" are one account,
    so changing the case of the address must not reset the count of wrong passwords."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return normalize_email(raw).lower() if raw else None
