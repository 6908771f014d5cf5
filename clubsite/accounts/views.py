"""Account pages: where a person lands after signing in, signing up as a member, passwords, and personal access
tokens."""

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_GET
from django.views.generic import FormView

from billing.services import member_sign_up_confirm, member_sign_up_request
from clubsite.core.clock import club_today, day_bounds
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from clubsite.notifications.accounts import PASSWORD_RESET
from clubsite.notifications.tasks import queue_notice
from members.portal.plans import first_invoice, first_invoice_words

from .errors import AccountError
from .forms import AccessTokenCreateForm, SignUpForm
from .models import AccessToken, User
from .roles import is_member, is_staff_member, is_trainer
from .services import token_create, token_revoke, user_confirm_email
from .tokens import sign_up_tokens

NO_ROLE = "Your account has no member, trainer or staff profile yet; please ask at the front desk."
WELCOME = "Welcome to the club, {name}! Your account is ready."
WELCOME_WITH_PLAN = "Welcome to the club, {name}! Here is your first invoice: {holds}."
PASSWORD_CHANGED = "Your password has been changed."
TOKEN_REVOKED = "Token “{name}” revoked: apps using it are refused from now on."


@login_required
def landing(request):
    # A trainer who is also a member works from the trainer portal; the header links to both.
    user = request.user
    if is_trainer(user):
        return redirect("trainers:schedule")
    if is_member(user):
        return redirect("members:dashboard")
    if is_staff_member(user):
        return redirect("admin:index")
    messages.info(request, NO_ROLE)
    return redirect("home")


class SignUpView(FormView):
    """A new member signs up, with a plan (``?plan=<id>`` chooses it) or deciding later. The answer is the same
    whether or not the address already has an account ("check your inbox"): a new account opens from the link
    mailed to it, and an existing account's owner is told by mail instead, so the page tells a stranger nothing."""

    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:landing")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        chosen = self.request.GET.get("plan", "")
        return {"plan": int(chosen)} if chosen.isdigit() else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        today = club_today()
        chosen = str(form["plan"].value() or "")
        # Each plan's card shows what its first invoice would hold, so nobody confirms without knowing.
        context["plan_choices"] = [
            (first_invoice(plan, today), str(plan.pk) == chosen) for plan in form.fields["plan"].queryset
        ]
        # A plan no longer offered (an old link) leaves "Decide later" chosen.
        context["plan_chosen"] = any(checked for _first, checked in context["plan_choices"])
        return context

    def form_valid(self, form):
        try:
            member_sign_up_request(**form.service_arguments())
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        self.request.session[SIGN_UP_SENT_TO] = form.cleaned_data["email"]
        return redirect("accounts:signup-sent")


SIGN_UP_SENT_TO = "accounts.sign_up_sent_to"


@require_GET
def sign_up_sent(request):
    """Where every sign-up lands, the same for a new address and a known one."""
    context = {
        "email": request.session.get(SIGN_UP_SENT_TO, ""),
        "link_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    return render(request, "accounts/signup_sent.html", context)


def _account_of_link(uidb64: str, token: str) -> User | None:
    """The account a sign-up link was made for, while the link is good; None for a broken, used or old link."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).select_related("member").first()
    if user is None or not user.awaits_confirmation or not sign_up_tokens.check_token(user, token):
        return None
    return user


class SignUpConfirmView(FormView):
    """The link in the sign-up mail. Following it shows a button: opening the account is a POST, so a mail
    scanner that fetches every link does not open accounts. Then the person is signed in, on their first
    invoice when they chose a plan, else on their dashboard."""

    template_name = "accounts/signup_confirm.html"
    # No fields: the form only carries the service's refusal as a non-field error.
    form_class = forms.Form

    def dispatch(self, request, *args, **kwargs):
        self.account = _account_of_link(kwargs["uidb64"], kwargs["token"])
        if self.account is None:
            error = AccountError("signup_link_invalid")
            return render(request, "accounts/signup_confirm.html", {"link_error": error.message}, status=404)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, **kwargs)

    def form_valid(self, form):
        try:
            signed_up = member_sign_up_confirm(member=self.account.member)
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        member, joined = signed_up.member, signed_up.joined
        login(self.request, member.user, backend="django.contrib.auth.backends.ModelBackend")
        self.request.session.pop(SIGN_UP_SENT_TO, None)
        name = member.user.first_name
        if joined is None:
            messages.success(self.request, WELCOME.format(name=name))
            return redirect("members:dashboard")
        holds = first_invoice_words(first_invoice(joined.membership.plan, joined.membership.started_on))
        messages.success(self.request, WELCOME_WITH_PLAN.format(name=name, holds=holds))
        return redirect("members:invoice-detail", joined.invoice.pk)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:landing")
    success_message = PASSWORD_CHANGED


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, whose mail is queued for a worker instead of being sent by the request. A sign-up still
    waiting for its link may reset too: the reset link proves the address, so it opens the account (someone who
    signed up with another person's address cannot keep it closed to them)."""

    def get_users(self, email: str):
        users = User._default_manager.filter(email__iexact=email, email_confirmed_at__isnull=True, is_active=False)
        return [*super().get_users(email), *(user for user in users if user.has_usable_password())]

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            # Each request is its own mail (asked twice, sent twice); the link is made when it is sent.
            queue_notice(PASSWORD_RESET, user.pk, key=f"{user.pk}:{uuid.uuid4().hex}")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.awaits_confirmation:
            if hasattr(user, "member"):
                member_sign_up_confirm(member=user.member)
            else:
                user_confirm_email(user=user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# -- personal access tokens ---------------------------------------------------------------------


class AccessTokenListView(LoginRequiredMixin, FormView):
    """The signed-in person's tokens, and a form to make one; a new token's text is shown once, in the reply
    to the form, and never again (only its hash is kept)."""

    template_name = "accounts/token_list.html"
    form_class = AccessTokenCreateForm

    def get_context_data(self, **kwargs):
        tokens = AccessToken.objects.filter(user=self.request.user).order_by("-created_at", "-id")
        return super().get_context_data(tokens=tokens, **kwargs)

    def form_valid(self, form):
        expires_on = form.cleaned_data["expires_on"]
        try:
            token, text = token_create(
                user=self.request.user,
                name=form.cleaned_data["name"],
                # Works through the day chosen, on the club's clock.
                expires_at=day_bounds(expires_on)[1] if expires_on else None,
            )
        except ClubError as error:
            add_club_error(form, error, fields={"expires_at": "expires_on"})
            return self.form_invalid(form)
        # Shown in this reply only: a redirect would have to keep the secret somewhere until the next page.
        response = self.render_to_response(
            self.get_context_data(form=self.form_class(), created=token, created_text=text)
        )
        add_never_cache_headers(response)
        return response


class AccessTokenRevokeView(LoginRequiredMixin, FormView):
    """Asks before revoking one of the person's own tokens; anyone else's is a 404."""

    template_name = "accounts/token_revoke.html"
    # No fields: the form only carries the service's refusal (already revoked) as a non-field error.
    form_class = forms.Form

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.token = get_object_or_404(AccessToken.objects.filter(user=request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(token=self.token, **kwargs)

    def form_valid(self, form):
        try:
            token_revoke(token=self.token)
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, TOKEN_REVOKED.format(name=self.token.name))
        return redirect("accounts:tokens")
