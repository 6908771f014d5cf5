"""The sign-up confirmation link's token: Django's password-reset token machinery under its own salt.

The token is bound to the account's password hash and confirmation time, so it stops working once the
account is confirmed (or its password changed), and it expires after ``PASSWORD_RESET_TIMEOUT`` like a reset
link. Nothing about it is stored: it is made when the mail is sent and checked when the link is followed.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class SignUpTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "clubsite.accounts.tokens.SignUpTokenGenerator"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        confirmed = getattr(user, "email_confirmed_at", None)
        return f"{user.pk}{user.password}{confirmed or ''}{getattr(user, 'is_active', '')}{timestamp}"


sign_up_tokens = SignUpTokenGenerator()
