"""Requests no person could have typed are refused at the door, before any view or query sees them."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse

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
