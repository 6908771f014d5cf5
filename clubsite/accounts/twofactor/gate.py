"""The back office's door for people who must use two-factor sign-in (``two_factor_required``): unverified,
they are sent to set it up, or to the code step, and never shown an admin page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from clubsite.accounts.errors import AccountError
from clubsite.accounts.roles import two_factor_required

from .selectors import has_two_factor

SET_UP_NOW = "Your staff role needs two-factor sign-in: set it up now to open the back office."


def is_verified(user) -> bool:
    """Whether this request's session confirmed a second factor (django-otp's OTPMiddleware sets it)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def second_factor_refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the signed-in person may go on; else the redirect to enrolment (no device yet) or to the code
    step (a device, but this session has not confirmed it), coming back to this page afterwards."""
    user = request.user
    if not user.is_authenticated or is_verified(user) or not two_factor_required(user):
        return None
    back = urlencode({"next": request.get_full_path()})
    if has_two_factor(user):
        messages.info(request, AccountError("two_factor_unverified").message)
        return HttpResponseRedirect(f"{reverse('accounts:two-factor-code')}?{back}")
    messages.info(request, SET_UP_NOW)
    return HttpResponseRedirect(f"{reverse('accounts:two-factor-enrol')}?{back}")
