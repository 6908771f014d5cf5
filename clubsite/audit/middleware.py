"""The audit context of a request: its door from the path, its actor whoever is signed in when it writes."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from .context import actor_of, audit_context

#: Path prefixes and their doors, the longest first (the front desk lives inside the admin).
DOOR_PREFIXES = (
    ("/admin/desk/", "desk"),
    ("/admin/", "admin"),
    ("/api/", "api"),
    ("/member/", "portal"),
    ("/trainer/", "portal"),
)


def door_of(path: str) -> str:
    for prefix, door in DOOR_PREFIXES:
        if path.startswith(prefix):
            return door
    return "site"


def _request_actor(request: HttpRequest) -> Callable[[], tuple[int | None, str]]:
    def actor() -> tuple[int | None, str]:
        user = request.__dict__.get("user")
        # AuthenticationMiddleware's lazy user, never looked at: reading it now would cost the session's and the
        # user's queries inside someone else's write. A view that writes for a person has read it already
        # (its sign-in check); one that has not (sign-up, a link from a mail) acts for no one signed in.
        if user is None or getattr(user, "_wrapped", None) is empty:
            return None, ""
        return actor_of(user)

    return actor


class AuditContextMiddleware:
    """Sets the audit context for the request (after AuthenticationMiddleware, whose user it reads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(door=door_of(request.path_info), actor=_request_actor(request)):
            return self.get_response(request)
