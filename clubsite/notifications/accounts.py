"""The mail about a person's account: the password reset link.

The link is made when the worker sends, not when the person asks: Django's reset token is bound to the
account's password and last sign-in, so it is as valid then as it would have been in the request, and no
usable link is ever stored in the job queue's table.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .mail import Mail, site_url
from .notices import notice

PASSWORD_RESET = "password_reset"


@notice(PASSWORD_RESET)
def password_reset(user_id: int) -> Mail | None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
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
