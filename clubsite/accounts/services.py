"""Writes on user accounts and their personal access tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clubsite.core.db import constraint_errors

from .errors import NAME_MAX_LENGTH, AccountError
from .models import AccessToken, User, normalize_email
from .twofactor.selectors import ENROLLED_ATTRIBUTE

USER_CONSTRAINTS = {"accounts_user_email_ci_unique": "email_taken"}
TOKEN_CONSTRAINTS = {"accounts_accesstoken_expires_after_created": "token_expiry_past"}


def clean_names(*, first_name: str | None, last_name: str | None) -> tuple[str, str]:
    """A person's first and last name, stripped; both are required and each fits its column."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first or not last:
        raise AccountError("name_required", field="first_name" if not first else "last_name")
    if len(first) > NAME_MAX_LENGTH or len(last) > NAME_MAX_LENGTH:
        raise AccountError("name_too_long", field="first_name" if len(first) > NAME_MAX_LENGTH else "last_name")
    return first, last


def email_check(*, email: str, refuse_taken: bool = True) -> str:
    """The email as an account keeps it, or AccountError: not an email address (``email_invalid``), or one an
    account already has in any case (``email_taken``, unless ``refuse_taken=False``: a visitor's sign-up must not
    tell who has an account). Writes nothing: sign-up asks before creating, to show every refusal at once;
    ``user_create`` still leaves the last word to the unique index."""
    user = User(email=normalize_email(email))
    try:
        user.clean_fields(exclude=[field.name for field in User._meta.fields if field.name != "email"])
    except ValidationError as error:
        raise AccountError("email_invalid") from error
    if refuse_taken and User.objects.filter(email__iexact=user.email).exists():
        raise AccountError("email_taken")
    return user.email


def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    is_staff: bool = False,
    confirmed: bool = True,
) -> User:
    """Create a user; the email is unique regardless of case, also when two sign-ups race.

    ``password=None`` creates an account that cannot sign in with a password (yet). ``confirmed=False`` (a
    sign-up) creates it inactive until the person follows the link mailed to the address (``user_confirm_email``).
    """
    first, last = clean_names(first_name=first_name, last_name=last_name)
    user = User(
        email=normalize_email(email),
        first_name=first,
        last_name=last,
        is_staff=is_staff,
        is_active=confirmed,
        email_confirmed_at=timezone.now() if confirmed else None,
    )
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


def user_confirm_email(*, user: User) -> User:
    """The person followed their sign-up link: the account opens. Under the row's lock, so a link followed twice
    at once confirms once; an account already confirmed (or closed by staff since) is ``signup_link_invalid``."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.awaits_confirmation:
            raise AccountError("signup_link_invalid")
        locked.is_active = True
        locked.email_confirmed_at = timezone.now()
        locked.save(update_fields=["is_active", "email_confirmed_at"])
    return locked


# -- personal access tokens ---------------------------------------------------------------------

TOKEN_NAME_MAX = 80
# "cs_" + prefix + "_" + secret: the prefix finds the row, the secret (never stored) proves the holder.
TOKEN_SCHEME = "cs"
_PREFIX_BYTES, _SECRET_BYTES = 6, 32
# Writing last_used_at on every request would make every API call a write; once a minute is enough to tell.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _secret_hash(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is as safe as a slow one and costs nothing per request.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str, expires_at: datetime.datetime | None = None) -> tuple[AccessToken, str]:
    """A new token for ``user``; returns it and the text to show once (never stored, never shown again)."""
    name = (name or "").strip()
    if not name:
        raise AccountError("token_name_required")
    if len(name) > TOKEN_NAME_MAX:
        raise AccountError("token_name_too_long")
    now = timezone.now()
    if expires_at is not None and (timezone.is_naive(expires_at) or expires_at <= now):
        raise AccountError("token_expiry_past")
    prefix, secret = secrets.token_hex(_PREFIX_BYTES), secrets.token_urlsafe(_SECRET_BYTES)
    with transaction.atomic(), constraint_errors(TOKEN_CONSTRAINTS, AccountError):
        token = AccessToken.objects.create(
            user=user, name=name, prefix=prefix, secret_hash=_secret_hash(secret), created_at=now, expires_at=expires_at
        )
    return token, f"{TOKEN_SCHEME}_{prefix}_{secret}"


def token_revoke(*, token: AccessToken) -> AccessToken:
    """Revoke a token at once; a revoked token is refused from the next request on."""
    with transaction.atomic():
        locked = AccessToken.objects.select_for_update().filter(pk=token.pk).first()
        if locked is None:
            raise AccountError("token_not_found")
        if locked.revoked_at is not None:
            raise AccountError("token_already_revoked")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def token_user(raw: str) -> User | None:
    """The active user a presented token acts for, or None for anything else (unknown, wrong, revoked, expired)."""
    scheme, _, rest = (raw or "").partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not prefix or not secret:
        return None
    # In the same query: the owner's staff role and whether they have a confirmed authenticator, which the API
    # asks of every staff token (clubsite.accounts.roles.two_factor_required).
    token = (
        AccessToken.objects.select_related("user", "user__admin_staff")
        .annotate(owner_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)))
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _secret_hash(secret)):
        return None
    setattr(token.user, ENROLLED_ATTRIBUTE, token.owner_two_factor)
    if not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
