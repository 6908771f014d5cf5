"""Account forms: sign-in by email, and sign-up as a member with a password typed twice and, if they like, a plan."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin

from billing.models import MembershipPlan
from clubsite.core.forms import add_club_error
from clubsite.widgets import NativeDateInput
from members.models import Member
from members.services import member_sign_up_problems

from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class SignUpForm(SetPasswordMixin, forms.Form):
    """What a new member types. The password is checked by the project's validators; the rest by the
    member_sign_up service (email free regardless of case, age, phone, a plan on offer), whose refusal the view
    shows."""

    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput({"autocomplete": "email"}))
    password1, password2 = SetPasswordMixin.create_password_fields(label2="Password again")
    date_of_birth = forms.DateField(label="Date of birth", widget=NativeDateInput({"autocomplete": "bday"}))
    gender = forms.ChoiceField(label="Gender", choices=Member.Gender.choices, initial=Member.Gender.UNDISCLOSED)
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=32,
        widget=forms.TextInput({"type": "tel", "autocomplete": "tel"}),
        help_text="Optional. Digits, spaces, +, - and parentheses.",
    )
    plan = forms.ModelChoiceField(
        label="Membership plan",
        queryset=MembershipPlan.objects.filter(is_active=True).order_by("monthly_fee", "name"),
        required=False,
        empty_label="Decide later",
        widget=forms.RadioSelect,
        help_text="Your first invoice is the joining fee and the rest of this month; you can also choose later.",
    )

    # GDPR: consent to processing health metrics is optional and unticked (freely given); the privacy page says
    # what is kept and why. It is recorded with the notice's version and the time (members.services).
    metrics_consent = forms.BooleanField(
        label="I consent to the club processing the health metrics I record (weight, heart rate, body fat)",
        required=False,
        initial=False,
        help_text="Optional: you can give or withdraw this consent later on your health metrics page. "
        "See the privacy notice for what is kept and why.",
    )

    def clean(self):
        cleaned = super().clean()
        self.show_sign_up_problems(cleaned)
        self.validate_passwords()
        # The similarity validator compares the password with the name and email being signed up.
        self.validate_password_for_user(
            User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
        )
        return cleaned

    def show_sign_up_problems(self, cleaned: dict) -> None:
        """Every refusal the sign-up service would make, each under its field, with the form's own errors: all
        at once, not one per attempt. A field the form already refused is not asked about again."""
        problems = member_sign_up_problems(
            email=cleaned.get("email", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
            date_of_birth=cleaned.get("date_of_birth"),
            gender=cleaned.get("gender", ""),
            phone=cleaned.get("phone", ""),
        )
        for problem in problems:
            if problem.field not in self.errors:
                add_club_error(self, problem)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "email": data["email"],
            "password": data["password1"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "gender": data["gender"],
            "phone": data["phone"],
            "plan": data["plan"],
            "metrics_consent": bool(data.get("metrics_consent")),
        }


class AccessTokenCreateForm(forms.Form):
    """A name for a new personal access token and, optionally, the last day it works; token_create decides."""

    name = forms.CharField(
        label="Name",
        max_length=80,
        widget=forms.TextInput({"placeholder": "e.g. door system, my phone", "autocomplete": "off"}),
        help_text="What the token is for, so you can tell your tokens apart.",
    )
    expires_on = forms.DateField(
        label="Expires after",
        required=False,
        widget=NativeDateInput(),
        help_text="Optional. The token works until the end of this day; leave empty for no expiry.",
    )
