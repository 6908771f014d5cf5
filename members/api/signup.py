"""Signing up as a member over the API: the sign-up page's password rules, then the same sign-up service (and, with
a plan, the membership and its first invoice)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from billing.api.shown import first_invoice_out, membership_state_out
from billing.models import MembershipPlan
from billing.services import member_sign_up
from clubsite.accounts.models import User
from clubsite.api.problems import problem
from clubsite.api.schemas import PROBLEMS
from members.services import member_sign_up_problems

from .profile import profile_of
from .schemas import MemberSignedUpOut, MemberSignupIn

#: Sign-up, the one member operation open to people without an account.
router = Router(tags=["member"], auth=None)


def _password_problems(payload: MemberSignupIn) -> list[dict[str, Any]]:
    """The project's password validators, with the new person's name and email for the similarity check, as
    ``SignUpForm`` runs them: one entry for each rule the password breaks."""
    candidate = User(email=payload.email, first_name=payload.first_name, last_name=payload.last_name)
    try:
        validate_password(payload.password, user=candidate)
    except DjangoValidationError as error:
        return [
            {"field": "password", "code": problem.code or "password_invalid", "message": message}
            for problem in error.error_list
            for message in problem.messages
        ]
    return []


def _check_sign_up(payload: MemberSignupIn) -> HttpResponse | None:
    """Everything wrong with the details at once, as the sign-up page shows it: a 422 naming each field (the
    password's rules and the service's refusals together), or None when the service may go ahead. One refusal
    alone is raised as the service raises it, with its own status (an email in use is 409 ``email_taken``)."""
    passwords = _password_problems(payload)
    problems = member_sign_up_problems(
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        date_of_birth=payload.date_of_birth,
        gender=payload.gender,
        phone=payload.phone,
    )
    if not passwords and len(problems) == 1:
        raise problems[0]
    entries = passwords + [{"field": error.field, "code": error.code, "message": error.message} for error in problems]
    if not entries:
        return None
    first = entries[0]
    return problem(
        status=422,
        code="invalid",
        detail=f"{first['field']}: {first['message']}" if first["field"] else str(first["message"]),
        field=first["field"],
        errors=entries,
    )


@router.post(
    "",
    response={201: MemberSignedUpOut, **PROBLEMS},
    operation_id="member_signup",
    url_name="member_signup",
    summary="Sign up as a member",
)
def signup(request: HttpRequest, payload: MemberSignupIn) -> Status[dict[str, Any]] | HttpResponse:
    """Create a member account, as the sign-up page does. The password must pass the site's password rules
    (422 on ``password``); an email already in use, in any case, is 409 ``email_taken``. With a ``plan`` (from
    ``GET /plans``) you join it at once: the answer carries the membership and the first invoice, issued; a plan
    not offered refuses the whole sign-up (``plan_inactive``, ``plan_required``) and no account is made. Then make
    a personal access token on the profile page, or sign in on the site, to call the member endpoints."""
    refused = _check_sign_up(payload)
    if refused is not None:
        return refused
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
