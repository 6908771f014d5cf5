"""Signing up as a member over the API: the sign-up page's password rules, then the same sign-up service, with the
same answer whether or not the email already has an account (the account opens from the link mailed to it)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from billing.models import MembershipPlan
from billing.services import member_sign_up_request
from clubsite.accounts.models import User
from clubsite.api.problems import problem
from clubsite.api.schemas import PROBLEMS
from members.services import member_sign_up_problems

from .schemas import MemberSignupIn, MemberSignUpRequestedOut

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
    alone is raised as the service raises it, with its own status."""
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
    response={202: MemberSignUpRequestedOut, **PROBLEMS},
    operation_id="member_signup",
    url_name="member_signup",
    summary="Sign up as a member",
)
def signup(request: HttpRequest, payload: MemberSignupIn) -> Status[dict[str, Any]] | HttpResponse:
    """Ask for a member account, as the sign-up page does: 202, and a mail to ``email`` with the link that opens
    the account (on the site; then sign in, or make a personal access token on the profile page, to call the
    member endpoints). The answer is the same when the address already has an account (its owner is told by
    mail instead), so this endpoint never tells who is a member. The password must pass the site's password
    rules (422 on ``password``); a ``plan`` (from ``GET /plans``) not offered is refused (``plan_inactive``) and
    nothing is made; a chosen plan is joined, with its first invoice, when the account is opened."""
    refused = _check_sign_up(payload)
    if refused is not None:
        return refused
    fields = payload.dict(exclude={"plan"})
    # The service reads the plan afresh by its id and refuses an unknown one with its own code.
    plan = MembershipPlan(pk=payload.plan) if payload.plan is not None else None
    member_sign_up_request(**fields, plan=plan)
    return Status(202, {"email": payload.email, "confirmation": "sent"})
