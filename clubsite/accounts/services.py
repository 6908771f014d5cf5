"""Writes on user accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from clubsite.core.db import constraint_errors

from .errors import NAME_MAX_LENGTH, AccountError
from .models import User, normalize_email

USER_CONSTRAINTS = {"accounts_user_email_ci_unique": "email_taken"}


def clean_names(*, first_name: str | None, last_name: str | None) -> tuple[str, str]:
    """A person's first and last name, stripped; both are required and each fits its column."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first or not last:
        raise AccountError("name_required", field="first_name" if not first else "last_name")
    if len(first) > NAME_MAX_LENGTH or len(last) > NAME_MAX_LENGTH:
        raise AccountError("name_too_long", field="first_name" if len(first) > NAME_MAX_LENGTH else "last_name")
    return first, last


def user_create(
    *, email: str, password: str | None, first_name: str, last_name: str, is_staff: bool = False
) -> User:
    """Create a user; the email is unique regardless of case, also when two sign-ups race.

    ``password=None`` creates an account that cannot sign in with a password (yet).
    """
    first, last = clean_names(first_name=first_name, last_name=last_name)
    user = User(email=normalize_email(email), first_name=first, last_name=last, is_staff=is_staff)
    try:
        # validate_constraints=False: the unique-email check is left to the database, which is
        # the only place it holds under concurrency; the IntegrityError becomes email_taken below.
        user.full_clean(exclude=["password", "first_name", "last_name"], validate_constraints=False)
    except ValidationError as error:
        raise AccountError("email_invalid") from error
    user.set_password(password)
    with transaction.atomic(), constraint_errors(USER_CONSTRAINTS, AccountError):
        user.save()
    return user
