"""Account pages: where a person lands after signing in, signing up as a member, and passwords."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import FormView

from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from members.services import member_create

from .forms import SignUpForm
from .roles import is_member, is_staff_member, is_trainer

NO_ROLE = "Your account has no member, trainer or staff profile yet; please ask at the front desk."
WELCOME = "Welcome to the club, {name}! Your account is ready."
PASSWORD_CHANGED = "Your password has been changed."


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
    """A new member signs up; once their account exists they are signed in and on their dashboard."""

    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:landing")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            member = member_create(**form.service_arguments())
        except ClubError as error:
            add_club_error(form, error)
            return self.form_invalid(form)
        login(self.request, member.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, WELCOME.format(name=member.user.first_name))
        return redirect("members:dashboard")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:landing")
    success_message = PASSWORD_CHANGED


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        # Read per request: the mail names the club as configured now.
        self.extra_email_context = {"club_name": settings.CLUB_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
