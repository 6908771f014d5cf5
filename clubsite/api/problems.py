"""Every refusal of the API as an RFC 9457 problem document (``application/problem+json``).

A domain error keeps its code and field; a schema error becomes one entry per field; nothing reaches a client
as a traceback or a raw database error.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse, JsonResponse

from clubsite.core.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ClubError

PROBLEM_TYPE = "urn:clubsite:problem:{code}"
CONTENT_TYPE = "application/problem+json"
STATUS_OF_KIND = {CONFLICT: 409, NOT_FOUND: 404, FORBIDDEN: 403}


#: What a caller reads when the API fails for a reason of ours (a bug), whichever layer caught it.
SERVER_ERROR = "Something went wrong on our side; nothing was saved."


def problem(
    *,
    status: int,
    code: str,
    detail: str,
    field: str | None = None,
    errors: Iterable[dict[str, Any]] = (),
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A problem document: RFC 9457's members plus the club's ``code``, ``field`` and per-field ``errors``."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE.format(code=code),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "field": field,
        "errors": list(errors),
    }
    if params:
        body["params"] = params
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def club_error_problem(error: ClubError) -> HttpResponse:
    """A refused service call: 422 for a value that is not acceptable, 409 for a clash with how things stand,
    404 for a thing that is gone, 403 for a change the caller's role may not make."""
    data = error.as_dict()
    entry = {"field": error.field, "code": error.code, "message": error.message}
    return problem(
        status=STATUS_OF_KIND.get(error.kind, 422),
        code=error.code,
        detail=error.message,
        field=error.field,
        errors=[entry],
        params=data["params"],
    )


def _field_of(location: Iterable[Any]) -> str | None:
    # ninja reports ("body", "payload", "start_time") or ("query", "limit"): the last name is the field.
    names = [str(part) for part in location if not isinstance(part, int)]
    names = [name for name in names if name not in ("body", "query", "path", "payload", "form", "data")]
    return ".".join(names) or None


def schema_problem(errors: list[dict[str, Any]]) -> HttpResponse:
    """Values that do not fit the schema (a word for a number, a missing field): 422, one entry per field."""
    entries = [
        {
            "field": _field_of(error.get("loc", ())),
            "code": str(error.get("type", "invalid")),
            "message": error.get("msg"),
        }
        for error in errors
    ]
    first = entries[0] if entries else {"field": None, "message": "The request is not valid."}
    detail = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
    return problem(status=422, code="invalid", detail=detail, field=first["field"], errors=entries)
