"""What django-otp does not keep: the wrong codes a person typed, counted in the database so every worker
process sees the same count, and the cool-off they earned."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CodeAttempts(models.Model):
    """One row per person who ever typed a wrong second-factor code (TOTP or recovery, at sign-in or when
    turning two-factor off). ``failures`` counts wrong codes since the last success or cool-off; reaching
    ``CLUB_TWO_FACTOR_FAILURE_LIMIT`` sets ``locked_until`` and adds a lockout, and each further lockout
    without a success in between doubles the cool-off (capped)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_attempts")
    failures = models.PositiveIntegerField(default=0, help_text="Wrong codes since the last success or cool-off.")
    lockouts = models.PositiveIntegerField(default=0, help_text="Cool-offs in a row without a right code between.")
    locked_until = models.DateTimeField(null=True, blank=True, help_text="Codes are refused until then.")
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "second-factor attempts"
        verbose_name_plural = "second-factor attempts"

    def __str__(self) -> str:
        return f"{self.user}: {self.failures} wrong, {self.lockouts} lockouts"
