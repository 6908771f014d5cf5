"""The private calendar feed of one person: the secret in the address their calendar app subscribes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class CalendarFeed(models.Model):
    """One person's feed address: ``/calendar/<token>.ics``.

    A calendar app cannot sign in, so the token is the only key: whoever holds the address reads the feed.
    It is kept in the clear because it is shown again on every visit of the profile (an access token,
    shown once, is stored hashed instead); rotating it makes a new one and the old address stops working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        help_text="Whose classes and sessions the feed lists.",
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        help_text="The secret part of the feed's address (secrets.token_urlsafe); a new one on each rotation.",
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When the person's first feed address was made.")
    rotated_at = models.DateTimeField(
        default=timezone.now, help_text="When the current address was made (the first one, or the last rotation)."
    )

    class Meta:
        verbose_name = "calendar feed"

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
