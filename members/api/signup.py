"""Signing up as a member over the API: the sign-up page's password rules, then the same member_create."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import ValidationError

from clubsite.accounts.models import User
from clubsite.api.schemas import PROBLEMS
from members.services import member_create

from .profile import profile_of
from .schemas import MemberProfileOut, MemberSignupIn

#: Sign-up, the one member operation open to people without an account.
router = Router(tags=["member"], auth=None)


def _check_password(payload: MemberSignupIn) -> None:
    """The project's password validators, with the new person's name and email for the similarity check, as
    ``SignUpForm`` runs them (before the service, so a weak password is refused whatever else is wrong)."""
    candidate = User(email=payload.email, first_name=payload.first_name, last_name=payload.last_name)
    try:
        validate_password(payload.password, user=candidate)
    except DjangoValidationError as error:
        raise ValidationError(
            [
                {"loc": ("body", "password"), "msg": message, "type": problem.code or "password_invalid"}
                for problem in error.error_list
                for message in problem.messages
            ]
        ) from error


@router.post(
    "",
    response={201: MemberProfileOut, **PROBLEMS},
    operation_id="member_signup",
    url_name="member_signup",
    summary="Sign up as a member",
)
def signup(request: HttpRequest, payload: MemberSignupIn) -> Status[MemberProfileOut]:
    """Create a member account, as the sign-up page does. The password must pass the site's password rules
    (422 on ``password``); an email already in use, in any case, is 409 ``email_taken``. Then make a personal
    access token on the profile page, or sign in on the site, to call the member endpoints."""
    _check_password(payload)
    member = member_create(**payload.dict())
    return Status(201, profile_of(member))
