"""The member's privacy over the API (their data as a zip, asking to be erased or calling it off), and the
managers' erasure requests (list, approve)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from clubsite.api.access import MEMBER_AUTH, STAFF_AUTH, member_of, require_staff
from clubsite.api.auth import RoleRefused
from clubsite.api.schemas import PROBLEMS
from operations.staff import is_manager

from .errors import PrivacyError
from .export import export_filename, export_zip
from .models import ErasureRequest
from .services import erasure_approve, erasure_blockers, erasure_cancel, erasure_request, is_erased

member_router = Router(tags=["member"], auth=MEMBER_AUTH)
staff_router = Router(tags=["privacy"], auth=STAFF_AUTH)


class ErasureRequestOut(Schema):
    id: int
    status: str = Field(..., description="pending, cancelled or done.")
    requested_at: datetime.datetime
    cancelled_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None


class MyErasureOut(Schema):
    pending: ErasureRequestOut | None = Field(None, description="Your pending request, if any.")
    before_erasure: list[str] = Field(..., description="What must be settled before staff can carry it out.")


class StaffErasureRequestOut(ErasureRequestOut):
    member_id: int
    before_erasure: list[str] = Field(default_factory=list, description="What must be settled first (pending).")


def _out(row: ErasureRequest) -> ErasureRequestOut:
    return ErasureRequestOut(
        id=row.pk,
        status=row.status,
        requested_at=row.requested_at,
        cancelled_at=row.cancelled_at,
        completed_at=row.completed_at,
    )


def _mine(member: Any) -> MyErasureOut:
    pending = ErasureRequest.objects.filter(member=member, status=ErasureRequest.Status.PENDING).first()
    return MyErasureOut(
        pending=_out(pending) if pending is not None else None,
        before_erasure=[error.message for error in erasure_blockers(member=member)],
    )


#: The OpenAPI answer of the export (a download, not JSON).
ZIP_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "A zip: data.json (every table, with what it is) and one CSV per table.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@member_router.get(
    "/export",
    response=PROBLEMS,
    operation_id="member_privacy_export",
    url_name="member_privacy_export",
    summary="Download all your data (zip)",
    openapi_extra=ZIP_RESPONSE,
)
def export(request: HttpRequest) -> HttpResponse:
    """A zip holding ``data.json`` (every table, with what it is) and one CSV per table."""
    member = member_of(request)
    if is_erased(member):
        raise PrivacyError("member_erased")
    response = HttpResponse(export_zip(member=member), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(member)}"'
    response["Cache-Control"] = "no-store, private"
    return response


@member_router.get(
    "/erasure",
    response={200: MyErasureOut, **PROBLEMS},
    operation_id="member_erasure_read",
    url_name="member_erasure",
    summary="Your request to be erased",
)
def erasure_read(request: HttpRequest) -> MyErasureOut:
    return _mine(member_of(request))


@member_router.post(
    "/erasure",
    response={201: MyErasureOut, **PROBLEMS},
    operation_id="member_erasure_request",
    url_name="member_erasure",
    summary="Ask to be erased",
)
def erasure_request_endpoint(request: HttpRequest) -> Status[MyErasureOut]:
    """Staff carry it out once nothing is left to settle; 409 ``erasure_already_requested`` when pending."""
    member = member_of(request)
    erasure_request(member=member)
    return Status(201, _mine(member))


@member_router.delete(
    "/erasure",
    response={200: MyErasureOut, **PROBLEMS},
    operation_id="member_erasure_cancel",
    url_name="member_erasure",
    summary="Call off your request to be erased",
)
def erasure_cancel_endpoint(request: HttpRequest) -> MyErasureOut:
    """409 ``erasure_not_pending`` when there is no pending request."""
    member = member_of(request)
    erasure_cancel(member=member)
    return _mine(member)


def _require_manager(request: HttpRequest) -> Any:
    user = require_staff(request)
    if not is_manager(user):
        raise RoleRefused(PrivacyError("erasure_forbidden").message)
    return user


@staff_router.get(
    "/erasure-requests",
    response={200: list[StaffErasureRequestOut], **PROBLEMS},
    operation_id="staff_erasure_request_list",
    url_name="staff_erasure_request_list",
    summary="Pending erasure requests",
)
def erasure_request_list(request: HttpRequest) -> list[StaffErasureRequestOut]:
    """The pending requests, oldest first (at most 100), each with what must be settled first. Managers only."""
    _require_manager(request)
    rows = ErasureRequest.objects.filter(status=ErasureRequest.Status.PENDING).select_related("member")
    return [
        StaffErasureRequestOut(
            **_out(row).dict(),
            member_id=row.member_id,
            before_erasure=[error.message for error in erasure_blockers(member=row.member)],
        )
        for row in rows.order_by("requested_at", "id")[:100]
    ]


@staff_router.post(
    "/erasure-requests/{request_id}/approve",
    response={200: StaffErasureRequestOut, **PROBLEMS},
    operation_id="staff_erasure_request_approve",
    url_name="staff_erasure_request_approve",
    summary="Approve an erasure request",
)
def erasure_request_approve(request: HttpRequest, request_id: int) -> StaffErasureRequestOut:
    """Erase the member's personal data (one transaction); refused with a code while something must be settled
    (``erasure_membership_live``, ``erasure_balance_unpaid``, ``erasure_bookings_ahead``). Managers only."""
    user = _require_manager(request)
    row = ErasureRequest.objects.filter(pk=request_id).first()
    if row is None:
        raise Http404
    done = erasure_approve(request=row, by=user)
    return StaffErasureRequestOut(**_out(done).dict(), member_id=done.member_id)
