"""Staff admin for user accounts (people sign in with their email, so there is no username) and their personal
access tokens."""

from __future__ import annotations

from typing import Any

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError

from clubsite.adminkit import ServiceAdminForm, ServiceAdminMixin, run_service_action
from clubsite.core.forms import add_club_error

from .errors import AccountError
from .models import AccessToken, User, normalize_email
from .services import token_create, token_revoke, user_create


class EmailFieldMixin:
    """The email, normalised, and refused on its field when another account has it in any case.

    The friendly path only; the Lower(email) unique constraint still decides when two saves race.
    """

    cleaned_data: dict[str, Any]
    instance: User

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(AccountError.messages["email_taken"].text, code="email_taken")
        return email


class UserCreationForm(EmailFieldMixin, BaseUserCreationForm):
    """Email, names and the password twice (checked by the project's password validators).

    The account is created by ``user_create`` as the form's last check, so an email taken meanwhile by
    another staff member (the database's unique constraint decides) shows on the email field, not as a 500.
    """

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")
        field_classes = {"email": forms.EmailField}

    def clean(self):
        cleaned = super().clean()
        # The password validators first (Django runs them after clean(), once the account would exist);
        # the similarity one compares the password with the email and names typed.
        self.validate_password_for_user(
            User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
        )
        if not self.errors:
            try:
                self.instance = user_create(
                    email=cleaned["email"],
                    password=cleaned["password1"],
                    first_name=cleaned["first_name"],
                    last_name=cleaned["last_name"],
                )
            except AccountError as error:
                add_club_error(self, error)
        return cleaned

    def _post_clean(self):
        # The passwords were validated and the account saved by the service in clean(); Django's model
        # and password checks would only repeat them.
        pass

    def save(self, commit=True):
        self.save_m2m = lambda: None  # the add form has no many-to-many fields
        return self.instance


class UserChangeForm(EmailFieldMixin, DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    # Django's add template talks about a username; the plain change form fits an email login.
    add_form_template = None
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "first_name", "last_name", "staff_role", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "admin_staff__role")
    list_select_related = ("admin_staff",)
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    readonly_fields = ("last_login", "date_joined")

    # Who may enter the back office, and with what rights, follows a person's staff role (set on the
    # Admin staff page, which puts them in their role's group); only a superuser edits these by hand.
    PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        # A new account was saved by UserCreationForm's call of user_create.

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not request.user.is_superuser:
            return (*readonly, *self.PRIVILEGE_FIELDS)
        return readonly

    @admin.display(description="staff role", ordering="admin_staff__role")
    def staff_role(self, user: User) -> str:
        staff = getattr(user, "admin_staff", None)
        return staff.get_role_display() if staff is not None else ""


# -- personal access tokens ---------------------------------------------------------------------

TOKEN_SECRET_SHOWN = (
    "The token for {owner} is {text} . Copy it now and hand it over safely: it will not be shown again "
    "(only its hash is kept)."
)


class AccessTokenCreationForm(ServiceAdminForm):
    """Whose token, its name and optional expiry; ``token_create`` makes it (and its secret) as the last check."""

    class Meta:
        model = AccessToken
        fields = ("user", "name", "expires_at")

    #: The token's text, for the one message that shows it.
    text: str = ""

    def save_with_service(self, data: dict) -> AccessToken:
        token, self.text = token_create(user=data["user"], name=data["name"], expires_at=data.get("expires_at"))
        return token


@admin.register(AccessToken)
class AccessTokenAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Tokens are made (secret shown once) and revoked here, never edited: the hash and prefix are the token."""

    add_form = AccessTokenCreationForm
    list_display = ("name", "user", "shown_prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), ("expires_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__first_name", "user__last_name", "name", "prefix")
    autocomplete_fields = ("user",)
    date_hierarchy = "created_at"
    actions = ["revoke"]
    READONLY = ("user", "name", "shown_prefix", "created_at", "expires_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        # A token acts as its owner: a staff member who made one for someone else (a superuser among them)
        # could act with that person's rights, unseen. Only superusers make tokens for others; everyone
        # makes their own on /accounts/tokens/. Managers still see and revoke them.
        return request.user.is_superuser and super().has_add_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "name", "expires_at") if obj is None else self.READONLY

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.READONLY

    def save_model(self, request, obj, form, change):
        # The form's call of token_create saved it; its text exists only now.
        if not change and getattr(form, "text", ""):
            self.message_user(request, TOKEN_SECRET_SHOWN.format(owner=obj.user, text=form.text), messages.WARNING)

    @admin.display(description="prefix", ordering="prefix")
    def shown_prefix(self, token: AccessToken) -> str:
        return f"cs_{token.prefix}_…"

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        run_service_action(self, request, queryset, lambda token: token_revoke(token=token), "Tokens revoked")


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes' list of throttled sign-ins: each row shows its own expiry (``AXES_USE_ATTEMPT_EXPIRATION``),
    read with the row rather than one query per row."""

    list_select_related = ["expiration"]


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
