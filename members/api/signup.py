"""Signing up as a member over the API: the sign-up page's password rules, then the same sign-up service (and, with
a plan, the membership and its first invoice)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import ValidationError

from billing.api.shown import first_invoice_out, membership_state_out
from billing.models import MembershipPlan
from billing.services import member_sign_up
from clubsite.accounts.models import User
from clubsite.api.schemas import PROBLEMS

from .profile import profile_of
from .schemas import MemberSignedUpOut, MemberSignupIn

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
    response={201: MemberSignedUpOut, **PROBLEMS},
    operation_id="member_signup",
    url_name="member_signup",
    summary="Sign up as a member",
)
def signup(request: HttpRequest, payload: MemberSignupIn) -> Status[dict[str, Any]]:
    """Create a member account, as the sign-up page does. The password must pass the site's password rules
    (422 on ``password``); an email already in use, in any case, is 409 ``email_taken``. With a ``plan`` (from
    ``GET /plans``) you join it at once: the answer carries the membership and the first invoice, issued; a plan
    not offered refuses the whole sign-up (``plan_inactive``, ``plan_required``) and no account is made. Then make
    a personal access token on the profile page, or sign in on the site, to call the member endpoints."""
    _check_password(payload)
    fields = payload.dict(exclude={"plan"})
    # The service reads the plan afresh by its id and refuses an unknown one with its own code.
    plan = MembershipPlan(pk=payload.plan) if payload.plan is not None else None
    signed_up = member_sign_up(**fields, plan=plan)
    joined = signed_up.joined
    return Status(
        201,
        {
            **profile_of(signed_up.member).dict(),
            "membership": membership_state_out(signed_up.member) if joined is not None else None,
            "invoice": first_invoice_out(joined.invoice) if joined is not None else None,
        },
    )
