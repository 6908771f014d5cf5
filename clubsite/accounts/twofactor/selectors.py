"""Reads of a person's second factor: enrolled or not, the secret as an app reads it, the enrolment QR code."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.utils.safestring import SafeString
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clubsite.core.qr import qr_svg

#: Set on a user by a read that already asked (the API's token look-up): saves the query below.
ENROLLED_ATTRIBUTE = "two_factor_enrolled"


def has_two_factor(user: Any) -> bool:
    """Whether ``user`` has a confirmed authenticator app (recovery codes alone are not a second factor)."""
    if not getattr(user, "is_authenticated", False):
        return False
    known = getattr(user, ENROLLED_ATTRIBUTE, None)
    if known is not None:
        return bool(known)
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as authenticator apps take it typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as a QR code to scan with an authenticator app."""
    return qr_svg(device.config_url, svgclass="two-factor-qr", title="QR code to scan with your authenticator app")
