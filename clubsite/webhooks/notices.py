"""The mail that tells a manager of webhooks that endpoints were disabled after failing too often.

A notice has one recipient and its builder is given one id, so the id is the recipient's (a user) and the
mail names every endpoint disabled now, newest first: read when it is sent, it leaves out one enabled again
since (and is not sent if none is left). ``services._tell_managers`` queues one per manager, keyed by the
endpoint and the moment it was disabled, so each disabling is told to each manager once.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from clubsite.accounts.models import User
from clubsite.notifications.mail import Mail, site_url
from clubsite.notifications.notices import notice

from .models import WebhookEndpoint
from .services import webhook_managers


@notice("webhook_disabled")
def webhook_disabled(user_id: int) -> Mail | None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user_id not in webhook_managers():
        return None
    disabled = list(
        WebhookEndpoint.objects.filter(active=False, disabled_at__isnull=False).order_by("-disabled_at", "-id")
    )
    if not disabled:
        return None
    many = len(disabled) > 1
    return Mail(
        to=user.email,
        name=user.first_name or user.email,
        subject="Webhook endpoints disabled" if many else f"Webhook endpoint disabled: {disabled[0]}",
        lead=(
            "The club stopped sending events to these endpoints: they failed too many times in a row."
            if many
            else "The club stopped sending events to this endpoint: it failed too many times in a row."
        ),
        details=[
            (
                str(endpoint),
                f"{endpoint.url}, since {timezone.localtime(endpoint.disabled_at):%d %b %Y %H:%M}. "
                f"{endpoint.disabled_reason}",
            )
            for endpoint in disabled
            if endpoint.disabled_at is not None
        ],
        paragraphs=[
            "Events that happen meanwhile are not sent to them. Once the receiver works again, enable the "
            "endpoint and retry its failed deliveries."
        ],
        action=("Open the webhook endpoints", site_url(reverse("admin:webhooks_webhookendpoint_changelist"))),
    )
