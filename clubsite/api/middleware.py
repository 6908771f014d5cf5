"""Bodies over the API's limit are refused before anything reads them: 413, as a problem document."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .problems import problem


class ApiBodyLimit:
    """Refuses an API request whose declared body is larger than settings.CLUB_API_MAX_BODY_BYTES (1 MB)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.CLUB_API_MAX_BODY_BYTES
            if length > limit:
                return problem(
                    status=413,
                    code="body_too_large",
                    detail=f"The request body is larger than {limit // 1_000_000} MB.",
                )
        return self.get_response(request)
