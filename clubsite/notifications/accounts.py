"""The mail about a person's account: the password reset link, and the sign-up link (or, to an address that
already has an account, a word to its owner).

The link is made when the worker sends, not when the person asks: Django's reset token is bound to the
account's password and last sign-in, so it is as valid then as it would have been in the request, and no
usable link is ever stored in the job queue's table.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clubsite.accounts.tokens import sign_up_tokens

from .mail import Mail, site_url
from .notices import notice
from .tasks import queue_notice

PASSWORD_RESET = "password_reset"
SIGN_UP = "sign_up"


def on_sign_up_requested(sender: object, user_id: int, **kwargs: Any) -> None:
    """Receiver of ``clubsite.accounts.events.sign_up_requested``: each sign-up is its own mail (asked twice, sent
    twice); which mail is decided when it is sent."""
    queue_notice(SIGN_UP, user_id, key=f"{user_id}:{uuid.uuid4().hex}")


@notice(PASSWORD_RESET)
def password_reset(user_id: int) -> Mail | None:
    user = get_user_model().objects.filter(pk=user_id).first()
    # A sign-up still waiting for its link may reset its password too: the reset link proves the address as well.
    if user is None or not (user.is_active or user.awaits_confirmation) or not user.has_usable_password():
        return None
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    link = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    return Mail(
        to=user.email,
        name=user.first_name or user.email,
        subject=f"Reset your {settings.CLUB_NAME} password",
        lead=f"Someone (we hope you) asked to reset the password of your {settings.CLUB_NAME} account, {user.email}.",
        paragraphs=["If you did not ask for this, ignore this mail: your password stays as it is."],
        action=("Choose a new password", site_url(link)),
    )


@notice(SIGN_UP)
def sign_up(user_id: int) -> Mail | None:
    """The link that opens a new account; to an address whose account is already open, a note to its owner that
    someone tried to sign up with it (the sign-up page said the same to whoever it was either way)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    if user.awaits_confirmation:
        uid, token = urlsafe_base64_encode(force_bytes(user.pk)), sign_up_tokens.make_token(user)
        link = reverse("accounts:signup-confirm", kwargs={"uidb64": uid, "token": token})
        return Mail(
            to=user.email,
            name=user.first_name or user.email,
            subject=f"Confirm your {settings.CLUB_NAME} account",
            lead=f"Welcome! Someone (we hope you) signed up to {settings.CLUB_NAME} with {user.email}.",
            paragraphs=[
                "Follow the link to open your account. If it was not you, ignore this mail: the account stays "
                "closed and is never used.",
            ],
            action=("Open my account", site_url(link)),
        )
    if not user.is_active:
        return None
    return Mail(
        to=user.email,
        name=user.first_name or user.email,
        subject=f"Someone tried to sign up to {settings.CLUB_NAME} with your address",
        lead=f"Someone (perhaps you) tried to sign up with {user.email}, which already has an account.",
        paragraphs=[
            "Nothing was changed. If it was you, sign in with your password, or choose a new one if you have "
            "forgotten it. If it was not you, you need do nothing.",
        ],
        action=("Sign in", site_url(reverse("accounts:login"))),
    )
