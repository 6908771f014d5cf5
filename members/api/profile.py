"""The member's profile: read it, change the name and details (the sign-in email is not changed here)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS
from members.models import Member
from members.services import member_update

from .schemas import MemberProfileIn, MemberProfileOut

router = Router(tags=["member"])


def profile_of(member: Member) -> MemberProfileOut:
    user = member.user
    return MemberProfileOut(
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        date_of_birth=member.date_of_birth,
        gender=member.gender,
        phone=member.phone,
    )


@router.get(
    "/profile",
    response={200: MemberProfileOut, **PROBLEMS},
    operation_id="member_profile_read",
    url_name="member_profile_read",
    summary="Your profile",
)
def profile_read(request: HttpRequest) -> MemberProfileOut:
    """Your name, email, date of birth, gender and phone, as on the profile page."""
    return profile_of(member_of(request))


@router.put(
    "/profile",
    response={200: MemberProfileOut, **PROBLEMS},
    operation_id="member_profile_update",
    url_name="member_profile_update",
    summary="Change your name and profile",
)
def profile_update(request: HttpRequest, payload: MemberProfileIn) -> MemberProfileOut:
    """Replace your name, date of birth, gender and phone (the sign-in email stays)."""
    member = member_update(member=member_of(request), **payload.dict())
    return profile_of(member)
