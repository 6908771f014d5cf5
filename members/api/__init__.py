"""The member's door onto the API: sign-up, profile, goals, metrics, dashboard, classes, PT and invoices.

Handlers are as thin as the portal's views: read the schema, call the service or selector, return a schema.
A refusal is the service's ClubError, which the API turns into a problem document.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS
from members.models import Member
from members.services import member_update

from .schemas import ProfileIn, ProfileOut

router = Router(tags=["member"])
#: Sign-up, the one member operation open to people without an account.
signup_router = Router(tags=["member"], auth=None)


def _profile(member: Member) -> ProfileOut:
    user = member.user
    return ProfileOut(
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        date_of_birth=member.date_of_birth,
        gender=member.gender,
        phone=member.phone,
    )


@router.get(
    "/profile", response={200: ProfileOut, **PROBLEMS}, operation_id="member_profile_read", summary="Your profile"
)
def profile_read(request: HttpRequest) -> ProfileOut:
    return _profile(member_of(request))


@router.put(
    "/profile",
    response={200: ProfileOut, **PROBLEMS},
    operation_id="member_profile_update",
    summary="Change your name and profile",
)
def profile_update(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    member = member_update(member=member_of(request), **payload.dict())
    return _profile(member)
