"""Second factors in tests, the honest way: a real confirmed TOTP device, codes computed from its key as an
authenticator app would, and a session marked verified exactly as ``django_otp.login`` marks it."""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clubsite.accounts.roles import two_factor_required
from clubsite.accounts.twofactor.services import totp_device_install


def random_secret() -> str:
    """A fresh base32 secret, as an enrolment page shows it."""
    return b32encode(secrets.token_bytes(20)).decode()


def enrol(user: Any, secret: str | None = None) -> TOTPDevice:
    """``user`` with a confirmed authenticator app (a new one, with ``secret`` or a random one)."""
    return totp_device_install(user=user, secret=secret or random_secret())


def enrolled_device(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator device, made when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device if device is not None else enrol(user)


def code_from_secret(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for a base32 ``secret`` (as read off the enrolment page)."""
    from base64 import b32decode

    clean = secret.replace(" ", "").upper()
    key = b32decode(clean + "=" * (-len(clean) % 8))
    totp = TOTP(key)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or the next step's (inside the tolerance) when the
    current one was already used (django-otp accepts each step once)."""
    device.refresh_from_db()
    now = time.time()
    for ahead in range(device.tolerance + 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = now + ahead * device.step
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    raise AssertionError("no unused code within the tolerance: the test used more than two codes in 30 seconds")


def mark_verified(client: Client, device: TOTPDevice) -> None:
    """The client's (signed-in) session confirmed ``device``: what ``django_otp.login`` writes."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _required(user: Any) -> bool:
    # As the database has it now: a role given through staff_set_role changed another copy of the row.
    return two_factor_required(type(user)._default_manager.select_related("admin_staff").get(pk=user.pk))


def sign_in(client: Client, user: Any) -> Client:
    """``client`` signed in as ``user`` as a finished sign-in leaves it: for whoever must use two-factor
    sign-in, with a confirmed device and the session verified by it; anyone else as ``force_login`` does."""
    client.force_login(user)
    if _required(user):
        mark_verified(client, enrolled_device(user))
    return client


def ready_for_api(user: Any) -> Any:
    """``user``, enrolled when their role needs it, so their tokens work."""
    if user is not None and _required(user):
        enrolled_device(user)
    return user
