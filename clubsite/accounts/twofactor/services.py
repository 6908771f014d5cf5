"""Writes of two-factor sign-in: enrolling an authenticator app, recovery codes, checking a code under the
wrong-code lockout, turning it off. Keyword-only, each in one transaction, refusing with ``AccountError``."""

from __future__ import annotations

import datetime
import math
import re
from base64 import b32decode
from binascii import hexlify

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clubsite.accounts.errors import AccountError
from clubsite.accounts.models import User

from .models import CodeAttempts
from .selectors import has_two_factor

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# What a person may type: the app's 6 digits, or a recovery code (8 base32 characters); spaces and hyphens are
# only how the codes are shown in groups.
_SEPARATORS = re.compile(r"[\s\-]+")
_TOTP = re.compile(r"[0-9]{6}")
_RECOVERY = re.compile(r"[a-z2-7]{8}")
# Longer than any code: refused without being looked at (and never echoed back).
_LONGEST = 64


def _clean_code(code: str | None) -> str:
    typed = (code or "").strip()
    if not typed:
        raise AccountError("two_factor_code_required")
    return _SEPARATORS.sub("", typed[: _LONGEST + 1]).lower()


def _lock_user(user: User) -> User:
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or not locked.is_active:
        raise AccountError("two_factor_sign_in_expired")
    return locked


# -- enrolment ----------------------------------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device enrolment shows: made on first ask, then the same one until it is
    confirmed, so a page opened again keeps the QR code the person may have scanned already."""
    with transaction.atomic():
        user = _lock_user(user)
        if has_two_factor(user):
            raise AccountError("two_factor_already_enabled")
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user: User, code: str | None) -> tuple[TOTPDevice, list[str]]:
    """The person typed the code their app shows for the new device: it is confirmed (two-factor sign-in is on
    from now), any other unconfirmed device goes, and a fresh set of recovery codes is made; returns the device
    and the codes, to be shown once."""
    typed = _clean_code(code)
    if not _TOTP.fullmatch(typed):
        raise AccountError("two_factor_code_invalid")
    with transaction.atomic():
        user = _lock_user(user)
        if has_two_factor(user):
            raise AccountError("two_factor_already_enabled")
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            raise AccountError("two_factor_sign_in_expired")
        verified = device.verify_token(typed)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _recovery_codes_replace(user)
    if not verified:
        raise AccountError("two_factor_code_wrong")
    return device, codes


def totp_device_install(*, user: User, secret: str) -> TOTPDevice:
    """Enrol ``user`` with a known base32 secret, confirmed at once: the demo's documented accounts and the tests'
    staff. Replaces any authenticator device they had."""
    key = hexlify(b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))).decode()
    with transaction.atomic():
        user = _lock_user(user)
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True)


# -- recovery codes -------------------------------------------------------------------------------


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < settings.CLUB_TWO_FACTOR_RECOVERY_CODES:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    return sorted(codes)


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """A new set of single-use recovery codes; every code of the old set stops working at once."""
    with transaction.atomic():
        user = _lock_user(user)
        if not has_two_factor(user):
            raise AccountError("two_factor_not_enabled")
        return _recovery_codes_replace(user)


# -- checking a code, with the lockout ------------------------------------------------------------


def cool_off(lockouts: int) -> datetime.timedelta:
    """The pause after the ``lockouts``-th lockout in a row: the base, doubled for each earlier one, capped."""
    seconds = settings.CLUB_TWO_FACTOR_COOLOFF_SECONDS * 2 ** min(max(lockouts - 1, 0), 16)
    return datetime.timedelta(seconds=min(seconds, settings.CLUB_TWO_FACTOR_COOLOFF_CAP_SECONDS))


def wait_words(seconds: float) -> str:
    """ "40 seconds", "5 minutes", "2 hours": how long a person waits, rounded up."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(whole / 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def _match(user: User, typed: str) -> Device | None:
    """The confirmed device of ``user`` that accepts ``typed`` (locked for update: a code is used once even when
    sent twice at once), or None."""
    if _TOTP.fullmatch(typed):
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
            if device.verify_token(typed):
                return device
    elif _RECOVERY.fullmatch(typed):
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
            if static.verify_token(typed):
                return static
    return None


def second_factor_verify(*, user: User, code: str | None) -> Device:
    """The device that accepts ``code`` (the app's current code, or a recovery code, which is used up), or
    AccountError: nothing typed (``two_factor_code_required``, not counted), a wrong or malformed code
    (``two_factor_code_wrong`` / ``two_factor_code_invalid``, counted), or ``two_factor_locked`` while a
    cool-off lasts. The count is under the person's row lock, so concurrent guesses are each counted and a
    code sent twice at once is accepted once."""
    typed = _clean_code(code)
    now = timezone.now()
    refusal: AccountError | None = None
    with transaction.atomic():
        user = _lock_user(user)
        if not has_two_factor(user):
            raise AccountError("two_factor_not_enabled")
        attempts, _created = CodeAttempts.objects.select_for_update().get_or_create(user=user)
        if attempts.locked_until is not None and attempts.locked_until > now:
            refusal = AccountError("two_factor_locked", wait=wait_words((attempts.locked_until - now).total_seconds()))
            device = None
        else:
            device = _match(user, typed) if len(typed) <= _LONGEST else None
            if device is not None:
                attempts.failures, attempts.lockouts, attempts.locked_until = 0, 0, None
            else:
                attempts.failures += 1
                attempts.last_failure_at = now
                if attempts.failures >= settings.CLUB_TWO_FACTOR_FAILURE_LIMIT:
                    attempts.lockouts += 1
                    attempts.failures = 0
                    pause = cool_off(attempts.lockouts)
                    attempts.locked_until = now + pause
                    refusal = AccountError("two_factor_locked", wait=wait_words(pause.total_seconds()))
                elif _TOTP.fullmatch(typed) or _RECOVERY.fullmatch(typed):
                    refusal = AccountError("two_factor_code_wrong")
                else:
                    refusal = AccountError("two_factor_code_invalid")
            attempts.save()
    if refusal is not None:
        raise refusal
    assert device is not None
    return device


def two_factor_disable(*, user: User, code: str | None) -> None:
    """Turn two-factor sign-in off: a current code (or a recovery code) first, counted like any other; then
    the app's device and the recovery codes are deleted, and sessions it verified are no longer verified."""
    second_factor_verify(user=user, code=code)
    with transaction.atomic():
        user = _lock_user(user)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
