"""Where the club sends its events (endpoints) and each event's delivery to one endpoint, with its attempts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from clubsite.core.db import text_limit


class WebhookEndpoint(models.Model):
    """An address that receives the events it subscribed to, signed with its secret (Standard Webhooks)."""

    url = models.URLField(max_length=500, help_text="The http(s) address the club POSTs each event to.")
    description = models.CharField(max_length=200, blank=True, help_text="What this endpoint is for, for staff.")
    secret = models.CharField(
        max_length=100,
        help_text="The signing secret (whsec_<base64>), made by the club; the receiver verifies signatures with it.",
    )
    events = ArrayField(
        models.CharField(max_length=50),
        default=list,
        help_text="The names of the events sent to this endpoint (clubsite.core.events.EVENTS).",
    )
    active = models.BooleanField(default=True, help_text="Only active endpoints are sent events.")
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Failed attempts since the last delivered one; too many disable the endpoint."
    )
    disabled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the club stopped sending to it after too many failures."
    )
    disabled_reason = models.CharField(max_length=300, blank=True, help_text="Why it was disabled.")
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was registered.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who registered it.",
    )

    class Meta:
        ordering = ("url", "id")
        indexes = [models.Index(fields=["active"], name="webhooks_endpoint_active")]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint: at most one per endpoint and event."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        #: A job holds it for the length of one POST, so a second job for it (a retry from both admins at
        #: once) sends nothing meanwhile.
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", help_text="Where it is sent."
    )
    event = models.CharField(max_length=50, help_text="The event's name (registration.created...).")
    event_id = models.CharField(
        max_length=32, help_text="The happening's id (uuid hex): the same event is delivered once per endpoint."
    )
    payload = models.JSONField(encoder=DjangoJSONEncoder, help_text="The JSON body sent, as signed.")
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the event happened and was queued.")
    attempts = models.PositiveIntegerField(default=0, help_text="How many times it was sent so far.")
    last_status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The HTTP status of the last attempt (empty: no answer)."
    )
    last_error = models.TextField(
        max_length=2000, blank=True, help_text="What went wrong with the last attempt, if it failed."
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When it was last sent.")
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="When the endpoint accepted it (2xx).")
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        help_text="Pending while attempts remain; sending during an attempt; failed once the last attempt failed.",
    )
    job_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The job sending it (procrastinate's id): only that job sends it while it is pending or sending.",
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhooks_webhookdelivery_once_per_event"),
            text_limit("webhooks_webhookdelivery", "last_error", 2000),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="webhooks_delivery_recent"),
            models.Index(fields=["status", "-created_at"], name="webhooks_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"

    @property
    def message_id(self) -> str:
        """The ``webhook-id`` header: the same on every retry, so a receiver can ignore a repeat."""
        return f"msg_{self.event_id}_{self.pk}"
