"""Who is calling: the site's session (with its CSRF token, so Swagger UI works for a signed-in person) or a
personal access token (``Authorization: Bearer cs_…``), which acts with exactly its owner's rights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from clubsite.accounts.errors import AccountError
from clubsite.accounts.models import User
from clubsite.accounts.roles import two_factor_required
from clubsite.accounts.services import token_user
from clubsite.accounts.twofactor.gate import is_verified
from clubsite.accounts.twofactor.selectors import has_two_factor


class CsrfFailed(AuthorizationError):
    """A write with the site's session cookie but without its CSRF token (403)."""

    def __init__(self) -> None:
        super().__init__(status_code=403, message="Send the CSRF token (the csrftoken cookie) as X-CSRFToken.")


class RoleRefused(AuthorizationError):
    """Signed in, but the endpoint is for another role (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=403, message=message)


class TwoFactorRefused(AuthorizationError):
    """A person who must use two-factor sign-in (``two_factor_required``) without it: a token of someone not
    enrolled, or a session that has not confirmed its code (403, with the code of the refusal)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(status_code=403, message=AccountError(code).message)


def second_factor_check(user: Any, *, session: bool) -> None:
    """Refuses a required person without a confirmed authenticator (``two_factor_required``), and over the site's
    session one whose session has not confirmed it (``two_factor_unverified``)."""
    if user is None or not (getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)):
        return
    if not two_factor_required(user):
        return
    if not has_two_factor(user):
        raise TwoFactorRefused("two_factor_required")
    if session and not is_verified(user):
        raise TwoFactorRefused("two_factor_unverified")


class _RoleGate:
    """Admits only people of one role, before the request's body is read: a wrong role is 403 whatever it sent."""

    def __init__(self, role: Callable[[Any], bool] | None = None, refusal: str = "") -> None:
        self.role, self.refusal = role, refusal
        super().__init__()

    def admit(self, user: Any | None) -> Any | None:
        if user is not None and self.role is not None and not self.role(user):
            raise RoleRefused(self.refusal)
        return user


class SiteSession(_RoleGate, SessionAuth):
    """The browser session of a person signed in on the site; writes need the CSRF token (X-CSRFToken)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        # No session cookie: not this scheme's call (an app with a token has no CSRF token to send).
        if key is None:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed()
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = request.user
        signed_in = user if user.is_authenticated and user.is_active else None
        second_factor_check(signed_in, session=True)
        return self.admit(signed_in)


class PersonalToken(_RoleGate, HttpBearer):
    """A personal access token made on the profile page or in the admin."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            # Every check below (roles, permissions, whose rows) reads request.user, as the pages do.
            request.user = user
        second_factor_check(user, session=False)
        return self.admit(user)


def auth_for(role: Callable[[Any], bool] | None = None, refusal: str = "") -> list[Any]:
    """A token or the session, for people of ``role`` (a test of the user from clubsite.accounts.roles)."""
    return [PersonalToken(role, refusal), SiteSession(role, refusal)]


#: Every endpoint takes either; a door's router narrows it to its role; sign-up says auth=None.
AUTH = auth_for()
