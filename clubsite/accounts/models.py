"""The club's user: one sign-in (email) that may hold several roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .errors import AccountError


def normalize_email(email: str) -> str:
    """Strip surrounding spaces and lower-case the domain; the local part keeps its case."""
    return BaseUserManager.normalize_email((email or "").strip())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Signing in with "Ann@Club.test" finds "ann@club.test": emails are unique regardless of case.
        return self.get(email__iexact=normalize_email(username or ""))

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    is_staff = models.BooleanField(
        default=False, help_text="Whether the user can sign in to the staff back office."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    email_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person proved the address is theirs (the sign-up link); empty while a sign-up waits for "
        "it. Accounts staff create are confirmed when made.",
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        # Name searches list people in this order and stop after a page: the index lets them stop early.
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="accounts_user_name_order")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=AccountError.messages["email_taken"].text,
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def awaits_confirmation(self) -> bool:
        """A sign-up whose link has not been followed yet: it cannot sign in until then."""
        return self.email_confirmed_at is None and not self.is_active

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class AccessToken(models.Model):
    """A personal access token: an app acting for its owner over the API, with exactly the owner's rights.

    Only a hash of the secret is stored; the secret is shown once, when the token is made. ``prefix`` (the
    secret's first characters, also in the token the owner holds) finds the row without a scan, and lets
    the owner tell their tokens apart.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="access_tokens", help_text="Whose rights the token acts with."
    )
    name = models.CharField(max_length=80, help_text="What the owner calls it, e.g. 'door system' or 'my phone'.")
    prefix = models.CharField(max_length=16, unique=True, help_text="The token's public first part, to find it.")
    secret_hash = models.CharField(max_length=64, help_text="SHA-256 of the token's secret part, hex.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="After this the token is refused; none: never.")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="When the token was last accepted.")
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="When the token was revoked; then refused.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_accesstoken_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
