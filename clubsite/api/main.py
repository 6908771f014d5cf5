"""The API object: its routers (one per door), its auth, throttles and problem documents."""

from __future__ import annotations

import copy
import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from clubsite.core.errors import ClubError
from clubsite.health import database_down, unavailable

from .auth import AUTH, CsrfFailed
from .problems import CONTENT_TYPE, SERVER_ERROR, club_error_problem, problem, schema_problem
from .throttles import THROTTLES

logger = logging.getLogger(__name__)

DESCRIPTION = """
Every operation of the club's members, trainers and staff, through the same rules as the site.

**Sign in** on the site and this page sends your session (writes carry the CSRF token), or press
*Authorize* and paste a personal access token (make one on your profile page: it is shown once).
Refusals are `application/problem+json` documents with a stable `code` and the `field` concerned.
`/api/v1/` changes only by adding: fields and endpoints are added, never renamed or removed.
"""


class ClubAPI(NinjaAPI):
    """NinjaAPI whose schema says that refusals come as ``application/problem+json``, as they do.

    The schema is built once per path prefix: it depends only on the code (about a second of Python to build),
    so /api/v1/openapi.json and the Swagger page no longer pay that on every request. Each caller gets its own
    copy to change.
    """

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        key = repr((args, sorted(kwargs.items())))
        built = self._built_schemas.get(key)
        if built is None:
            built = super().get_openapi_schema(*args, **kwargs)
            for operations in built.get("paths", {}).values():
                for operation in operations.values():
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if int(status) >= 400 and "application/json" in content:
                            response["content"] = {CONTENT_TYPE: content["application/json"]}
            self._built_schemas[key] = built
        return copy.deepcopy(built)

    @property
    def _built_schemas(self) -> dict[str, Any]:
        if not hasattr(self, "_schemas_by_prefix"):
            self._schemas_by_prefix: dict[str, Any] = {}
        return self._schemas_by_prefix


api = ClubAPI(
    title=f"{settings.CLUB_NAME} API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    throttle=THROTTLES,
    docs_url=None,  # Swagger UI is served at /api/docs (clubsite.urls), outside the versioned path.
)


@api.exception_handler(ClubError)
def _club_error(request: HttpRequest, error: ClubError) -> HttpResponse:
    return club_error_problem(error)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return schema_problem(list(error.errors))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problem(
        status=401,
        code="not_authenticated",
        detail="Sign in on the site, or send a personal access token: Authorization: Bearer <token>.",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, error: AuthorizationError) -> HttpResponse:
    code = "csrf_failed" if isinstance(error, CsrfFailed) else getattr(error, "code", "forbidden")
    return problem(status=403, code=code, detail=error.message)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    # ninja's session auth refuses a write without the CSRF token this way.
    detail = str(error) or "You may not do this."
    return problem(status=403, code="forbidden", detail=detail)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem(status=404, code="not_found", detail="Nothing here, or nothing you may see.")


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    wait = max(1, math.ceil(error.wait or 1))
    return problem(
        status=429,
        code="throttled",
        detail=f"Too many requests; try again in {wait} seconds.",
        headers={"Retry-After": str(wait)},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    code = "malformed" if error.status_code == 400 else "http_error"
    return problem(status=error.status_code, code=code, detail=error.message)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    if database_down(error):
        # Not a bug: the database is down for a moment; the caller may retry after Retry-After.
        return unavailable(request)
    # A bug, never the client's fault: logged with its traceback for us, a plain problem for them.
    logger.exception("API request %s %s failed", request.method, request.path, exc_info=error)
    return problem(status=500, code="server_error", detail=SERVER_ERROR)


def _mount_routers() -> None:
    # Each door's router lives beside the pages of that door; the API only puts them under one roof.
    from billing.api import members_router as membership_router
    from billing.api import router as billing_router
    from clubsite.api.jobs import router as jobs_router
    from clubsite.audit.api import router as audit_router
    from clubsite.frontdesk.api import desk_router, members_router
    from clubsite.privacy.api import member_router as privacy_member_router
    from clubsite.privacy.api import staff_router as privacy_staff_router
    from clubsite.webhooks.api import router as webhooks_router
    from members.api import catalogue_router, signup_router
    from members.api import router as member_router
    from operations.api import router as staff_router
    from trainers.api import router as trainer_router

    api.add_router("/signup", signup_router)
    api.add_router("", catalogue_router)
    api.add_router("/member", member_router)
    api.add_router("/member/privacy", privacy_member_router)
    api.add_router("/trainer", trainer_router)
    api.add_router("/staff", staff_router)
    api.add_router("/staff/billing", billing_router)
    api.add_router("/staff/webhooks", webhooks_router)
    api.add_router("/staff/jobs", jobs_router)
    api.add_router("/staff/audit", audit_router)
    api.add_router("/staff/desk", desk_router)
    api.add_router("/staff/privacy", privacy_staff_router)
    api.add_router("/staff/members", members_router)
    api.add_router("/staff/members", membership_router)


_mount_routers()
