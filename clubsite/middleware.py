"""What every request and response gets at the door: requests no person could have typed are refused before any
view or query sees them, and personal pages are never kept by a cache."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control

from clubsite.api.problems import problem

NUL = "\x00"
UNREADABLE = "The address or the form held a character no keyboard types (a NUL byte)."


# JSON writes a NUL byte as \u0000; an escaped backslash before it (\\u0000) is a backslash and the text "u0000".
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _holds_nul(query: QueryDict) -> bool:
    return any(NUL in name or any(NUL in value for value in values) for name, values in query.lists())


def _json_holds_nul(request: HttpRequest) -> bool:
    if request.content_type != "application/json":
        return False
    body = request.body  # the API's body limit (clubsite.api.middleware) has refused a large one unread
    return b"\x00" in body or _JSON_NUL.search(body) is not None


class RefuseNulBytes:
    """A NUL byte in the path, a query parameter, a posted form field or an API's JSON body: the designed 400
    page (a problem document under /api/).

    PostgreSQL's text cannot hold a NUL byte: a search term, an autocomplete term or a form value holding one
    failed in the database driver, a 500, wherever it reached a query. One check here covers every view, the
    admin's and the packages' included, instead of each form and filter remembering it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path_info
            or _holds_nul(request.GET)
            or (request.path_info.startswith("/api/") and _json_holds_nul(request))
            or _holds_nul(request.POST)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return problem(status=400, code="invalid_character", detail=UNREADABLE)
        response = TemplateResponse(request, "400.html", {"reason": UNREADABLE}, status=400)
        return response.render()


#: Pages personal to whoever holds the address, with or without a session: the portals, a calendar feed (its
#: token is the key), a mail's preferences link, and the API (a token's answers are the token holder's).
PERSONAL_PREFIXES = ("/member/", "/trainer/", "/calendar/", "/mail/", "/api/", "/accounts/", "/admin/")


class PrivatePagesNotCached:
    """``Cache-Control: no-store, private`` on every answer to a signed-in person and on every personal address:
    a shared proxy must not keep a member's dashboard or health metrics for the next person, nor a browser keep
    them on disk for whoever uses the device next (the back button after signing out shows nothing).

    One rule here rather than a decorator per view, so a new page cannot forget it; public pages seen signed out
    (the home page, the plans) stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 503:
            # The database is down (clubsite.health): the page already says no-cache, and asking who is signed
            # in would ask the database again.
            return response
        user = getattr(request, "user", None)
        if request.path_info.startswith(PERSONAL_PREFIXES) or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response
