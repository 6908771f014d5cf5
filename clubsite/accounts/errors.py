"""Why an account could not be created or changed: one table of codes and messages."""

from __future__ import annotations

from clubsite.core.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ClubError, Message

NAME_MAX_LENGTH = 150


class AccountError(ClubError):
    """A user account could not be created or changed."""

    messages = {
        "email_invalid": Message("Enter a valid email address.", field="email"),
        "email_taken": Message("An account with this email address already exists.", field="email", kind=CONFLICT),
        "signup_link_invalid": Message(
            "This link has expired or was already used. Sign in, or sign up again to get a new link.",
            kind=NOT_FOUND,
        ),
        "name_required": Message("First and last name are required.", field="first_name"),
        "name_too_long": Message(
            f"First and last name can each be at most {NAME_MAX_LENGTH} characters long.", field="first_name"
        ),
        "token_name_required": Message("Give the token a name, so you can tell it apart later.", field="name"),
        "token_name_too_long": Message("A token's name can be at most 80 characters long.", field="name"),
        "token_expiry_past": Message("The expiry must be a moment in the future.", field="expires_at"),
        "token_not_found": Message("This token no longer exists.", kind=NOT_FOUND),
        "token_already_revoked": Message("This token is already revoked.", kind=CONFLICT),
        # Two-factor sign-in (clubsite.accounts.twofactor).
        "two_factor_code_required": Message(
            "Enter the 6-digit code from your authenticator app, or one of your recovery codes.", field="code"
        ),
        "two_factor_code_invalid": Message(
            "A code is the 6 digits your authenticator app shows, or a recovery code of 8 letters and digits.",
            field="code",
        ),
        "two_factor_code_wrong": Message(
            "That code is not right. Type the code your app shows now (it changes every 30 seconds).", field="code"
        ),
        "two_factor_locked": Message(
            "Too many wrong codes: codes for this account are refused for {wait}. Signing in again with your "
            "password does not lift this; wait, then try once more.",
            kind=CONFLICT,
        ),
        "two_factor_sign_in_expired": Message(
            "Your sign-in took too long or was already finished; enter your email and password again.",
            kind=NOT_FOUND,
        ),
        "two_factor_already_enabled": Message("Two-factor sign-in is already on for your account.", kind=CONFLICT),
        "two_factor_not_enabled": Message("Two-factor sign-in is not on for your account.", kind=CONFLICT),
        "two_factor_required": Message(
            "Your staff role needs two-factor sign-in: set it up on the site (Two-factor sign-in, in your "
            "account's menu), then try again.",
            kind=FORBIDDEN,
        ),
        "two_factor_unverified": Message(
            "Your staff role needs two-factor sign-in: confirm this session with a code from your app first.",
            kind=FORBIDDEN,
        ),
    }
