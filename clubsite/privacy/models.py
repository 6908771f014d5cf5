"""A member's request to be erased, and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

#: The address an erased account gets: unique (the member's id), and under a domain that can never receive mail.
ERASED_EMAIL = "erased-{id}@erased.invalid"
ERASED_DOMAIN = "@erased.invalid"


class ErasureRequest(models.Model):
    """A member asked to be erased; staff approve (``erasure_approve``) or the member calls it off while pending.

    At most one pending request per member (partial unique ``privacy_erasurerequest_one_pending``). Once done the
    row stays as the record that the erasure happened; ``notify_to`` holds the old address only until the
    notice saying it is done has gone out (``clubsite.privacy.tasks``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CANCELLED = "cancelled", "Cancelled by the member"
        DONE = "done", "Erased"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="erasure_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notify_to = models.EmailField(
        max_length=254, blank=True, help_text="The address told the erasure is done; blanked once the mail is sent."
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [("approve_erasurerequest", "Can approve an erasure request")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="privacy_erasurerequest_one_pending"
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="done"), name="privacy_erasurerequest_one_done"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="privacy_erasure_status")]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} of member {self.member_id} ({self.get_status_display()})"
