"""Writes on user accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from clubsite.db import constraint_errors

from .models import EMAIL_TAKEN, User, normalize_email


class AccountError(Exception):
    """A user account could not be created or changed; the message says why."""


EMAIL_INVALID = "Enter a valid email address."
NAME_REQUIRED = "First and last name are required."
NAME_TOO_LONG = "First and last name can each be at most 150 characters long."


def user_create(*, email: str, password: str | None, first_name: str, last_name: str, is_staff: bool = False) -> User:
    """Create a user; the email is unique regardless of case, also when two sign-ups race.

    ``password=None`` creates an account that cannot sign in with a password (yet).
    """
    user = User(
        email=normalize_email(email),
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        is_staff=is_staff,
    )
    if not user.first_name or not user.last_name:
        raise AccountError(NAME_REQUIRED)
    try:
        # validate_constraints=False: the unique-email check is left to the database, which is
        # the only place it holds under concurrency; the IntegrityError becomes EMAIL_TAKEN below.
        user.full_clean(exclude=["password"], validate_constraints=False)
    except ValidationError as error:
        fields = error.message_dict
        if "email" in fields:
            raise AccountError(EMAIL_INVALID) from error
        if "first_name" in fields or "last_name" in fields:
            raise AccountError(NAME_TOO_LONG) from error
        raise AccountError("; ".join(error.messages)) from error
    user.set_password(password)
    with transaction.atomic(), constraint_errors({"accounts_user_email_ci_unique": EMAIL_TAKEN}, AccountError):
        user.save()
    return user
