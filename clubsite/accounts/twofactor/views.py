"""The pages of two-factor sign-in: the password step that hands over to the code step, the code step, the
security page, enrolment (QR code, secret, confirming code, recovery codes shown once), new recovery codes, and
turning it off. Every rule is in ``services``; who must use it is ``clubsite.accounts.roles.two_factor_required``."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from clubsite.accounts.errors import AccountError
from clubsite.accounts.forms import EmailAuthenticationForm
from clubsite.accounts.roles import two_factor_required
from clubsite.core.forms import add_club_error

from .forms import AppCodeForm, CodeForm
from .gate import SET_UP_NOW, is_verified
from .pending import pending_clear, pending_sign_in, pending_start
from .selectors import has_two_factor, recovery_codes_left, totp_qr_svg, totp_secret
from .services import (
    recovery_codes_regenerate,
    second_factor_verify,
    totp_device_confirm,
    totp_device_start,
    two_factor_disable,
)

SIGNED_IN_WITH_RECOVERY = (
    "Signed in with a recovery code: that code is used up, {left} left. Lost your phone? Make new codes or set up "
    "the app again on the Two-factor sign-in page."
)
TURNED_ON = "Two-factor sign-in is on. Keep your recovery codes somewhere safe."
TURNED_OFF = "Two-factor sign-in is off: signing in needs only your password now."
NEW_CODES = "New recovery codes made: the old ones no longer work."


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


class SignInView(auth_views.LoginView):
    """The email and password (throttled by django-axes through the auth backend). A person with a confirmed
    authenticator app is not signed in yet: the code step follows. A person who must use two-factor sign-in and
    has not set it up is signed in and sent to set it up."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if has_two_factor(user):
            pending_start(self.request, user, backend=user.backend, next_url=self.get_success_url())
            return redirect("accounts:two-factor-code")
        response = super().form_valid(form)
        if two_factor_required(user):
            messages.info(self.request, SET_UP_NOW)
            return redirect(f"{reverse('accounts:two-factor-enrol')}?next={quote(self.get_success_url())}")
        return response


@method_decorator(never_cache, name="dispatch")
class CodeView(FormView):
    """The second step: the app's code or a recovery code, refused for a cool-off after repeated wrong ones.
    Serves a sign-in waiting for its code, or a signed-in session that has not confirmed its device yet."""

    template_name = "twofactor/code.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = pending_sign_in(request)
        user = request.user
        if self.pending is not None:
            self.person = self.pending[0]
        elif user.is_authenticated and not is_verified(user) and has_two_factor(user):
            self.person = user
        elif user.is_authenticated:
            return redirect(self._next() or "accounts:landing")
        else:
            messages.error(request, AccountError("two_factor_sign_in_expired").message)
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def _next(self) -> str:
        wanted = self.pending[2] if self.pending else self.request.POST.get("next") or self.request.GET.get("next")
        return _safe_next(self.request, wanted)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self._next(), person=self.person, **kwargs)

    def form_valid(self, form):
        try:
            device = second_factor_verify(user=self.person, code=form.cleaned_data["code"])
        except AccountError as error:
            if error.code == "two_factor_not_enabled":  # turned off since the password step
                pending_clear(self.request)
                return redirect("accounts:login")
            add_club_error(form, error)
            return self.form_invalid(form)
        next_url = self._next()
        if self.pending is not None:
            # A new session key: nothing of the session before the sign-in is trusted after it.
            login(self.request, self.person, backend=self.pending[1])
            pending_clear(self.request)
        otp_login(self.request, device)
        if isinstance(device, StaticDevice):
            messages.warning(self.request, SIGNED_IN_WITH_RECOVERY.format(left=recovery_codes_left(self.person)))
        return redirect(next_url or "accounts:landing")


@method_decorator(never_cache, name="dispatch")
class SecurityView(LoginRequiredMixin, TemplateView):
    """Two-factor sign-in on or off, the recovery codes left, and the buttons to change them."""

    template_name = "twofactor/security.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            enabled=has_two_factor(user),
            required=two_factor_required(user),
            verified=is_verified(user),
            codes_left=recovery_codes_left(user),
            **kwargs,
        )


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, next_url: str = "") -> HttpResponse:
    """The codes, in this reply only (never again: a redirect would have to keep them somewhere)."""
    from django.shortcuts import render

    text = "".join(f"{code[:4]}-{code[4:]}\n" for code in codes)
    download = "data:text/plain;charset=utf-8," + quote(
        f"Recovery codes for {request.user.get_username()} ({request.get_host()}).\n"
        f"Each works once, in place of the code from your app.\n\n{text}"
    )
    response = render(
        request,
        "twofactor/recovery_codes.html",
        {"codes": [f"{code[:4]}-{code[4:]}" for code in codes], "download": download, "next": next_url},
    )
    return _no_store(response)


@method_decorator(never_cache, name="dispatch")
class EnrolView(LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the secret), then type the code it shows."""

    template_name = "twofactor/enrol.html"
    form_class = AppCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_two_factor(request.user):
            messages.info(request, AccountError("two_factor_already_enabled").message)
            return redirect("accounts:two-factor")
        return super().dispatch(request, *args, **kwargs)

    def _next(self) -> str:
        return _safe_next(self.request, self.request.POST.get("next") or self.request.GET.get("next"))

    def get_context_data(self, **kwargs):
        device = totp_device_start(user=self.request.user)
        return super().get_context_data(
            qr=totp_qr_svg(device),
            secret=totp_secret(device),
            next=self._next(),
            required=two_factor_required(self.request.user),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        return _no_store(super().render_to_response(context, **response_kwargs))

    def form_valid(self, form):
        try:
            device, codes = totp_device_confirm(user=self.request.user, code=form.cleaned_data["code"])
        except AccountError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, TURNED_ON)
        return _recovery_codes_page(self.request, codes, next_url=self._next())


def _verified_or_code_step(request: HttpRequest) -> HttpResponse | None:
    """Changing a second factor needs a session that confirmed it: else, the code step first."""
    if is_verified(request.user):
        return None
    return redirect(f"{reverse('accounts:two-factor-code')}?next={quote(request.get_full_path())}")


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """POST: a new set of recovery codes, shown once; the old set stops working."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not has_two_factor(request.user):
            messages.error(request, AccountError("two_factor_not_enabled").message)
            return redirect("accounts:two-factor")
        refused = _verified_or_code_step(request)
        if refused is not None:
            return refused
        codes = recovery_codes_regenerate(user=request.user)
        messages.success(request, NEW_CODES)
        return _recovery_codes_page(request, codes)


@method_decorator(never_cache, name="dispatch")
class DisableView(LoginRequiredMixin, FormView):
    """Turn two-factor sign-in off, with a current code."""

    template_name = "twofactor/disable.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_two_factor(request.user):
            messages.info(request, AccountError("two_factor_not_enabled").message)
            return redirect("accounts:two-factor")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(required=two_factor_required(self.request.user), **kwargs)

    def form_valid(self, form):
        try:
            two_factor_disable(user=self.request.user, code=form.cleaned_data["code"])
        except AccountError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, TURNED_OFF)
        return redirect("accounts:two-factor")
