"""Account pages: where a person lands after signing in, signing up as a member, passwords, and personal access
tokens."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView

from billing.services import member_sign_up
from clubsite.core.clock import club_today, day_bounds
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from clubsite.notifications.accounts import PASSWORD_RESET
from clubsite.notifications.tasks import queue_notice
from members.portal.plans import first_invoice, first_invoice_words

from .forms import AccessTokenCreateForm, SignUpForm
from .models import AccessToken
from .roles import is_member, is_staff_member, is_trainer
from .services import token_create, token_revoke

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
    """A new member signs up, with a plan (``?plan=<id>`` chooses it) or deciding later. Once their account exists
    they are signed in: on their first invoice when they chose a plan, else on their dashboard."""

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
            signed_up = member_sign_up(**form.service_arguments())
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        member, joined = signed_up.member, signed_up.joined
        login(self.request, member.user, backend="django.contrib.auth.backends.ModelBackend")
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
    """Django's form, whose mail is queued for a worker instead of being sent by the request."""

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
