"""Why an account could not be created or changed: one table of codes and messages."""

from __future__ import annotations

from clubsite.core.errors import CONFLICT, NOT_FOUND, ClubError, Message

NAME_MAX_LENGTH = 150


class AccountError(ClubError):
    """A user account could not be created or changed."""

    messages = {
        "email_invalid": Message("Enter a valid email address.", field="email"),
        "email_taken": Message("An account with this email address already exists.", field="email", kind=CONFLICT),
        "name_required": Message("First and last name are required.", field="first_name"),
        "name_too_long": Message(
            f"First and last name can each be at most {NAME_MAX_LENGTH} characters long.", field="first_name"
        ),
        "token_name_required": Message("Give the token a name, so you can tell it apart later.", field="name"),
        "token_name_too_long": Message("A token's name can be at most 80 characters long.", field="name"),
        "token_expiry_past": Message("The expiry must be a moment in the future.", field="expires_at"),
        "token_not_found": Message("This token no longer exists.", kind=NOT_FOUND),
        "token_already_revoked": Message("This token is already revoked.", kind=CONFLICT),
    }
