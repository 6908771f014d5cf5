"""Who is calling: the site's session (with its CSRF token, so Swagger UI works for a signed-in person) or a
personal access token (``Authorization: Bearer cs_…``), which acts with exactly its owner's rights."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from clubsite.accounts.models import User
from clubsite.accounts.services import token_user


class CsrfFailed(AuthorizationError):
    """A write with the site's session cookie but without its CSRF token (403)."""

    def __init__(self) -> None:
        super().__init__(status_code=403, message="Send the CSRF token (the csrftoken cookie) as X-CSRFToken.")


class SiteSession(SessionAuth):
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
        return user if user.is_authenticated and user.is_active else None


class PersonalToken(HttpBearer):
    """A personal access token made on the profile page or in the admin."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            # Every check below (roles, permissions, whose rows) reads request.user, as the pages do.
            request.user = user
        return user


#: Every endpoint takes either; the few open to anyone (sign-up, the public timetable) say auth=None.
AUTH = [PersonalToken(), SiteSession()]
