"""One mail to one person, in the club's branding: a text and an HTML version from the same content.

Every notice (``notices.py``) describes its mail as a :class:`Mail` (a lead, the details, an action, a closing
note); the two templates give every mail the same look, the club's name and its contact details, so no notice
writes HTML of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

PREFERENCES_SALT = "clubsite.notifications.preferences"


@dataclass(frozen=True)
class Mail:
    """The content of one mail; ``preferences_for`` (a member's id) marks it optional, a reminder, and adds the
    link to that member's choices."""

    to: str
    name: str
    subject: str
    lead: str
    details: Sequence[tuple[str, str]] = ()
    paragraphs: Sequence[str] = ()
    action: tuple[str, str] | None = None
    preferences_for: int | None = None
    why: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)


def site_url(path: str) -> str:
    """An absolute link to a page of the site (mail is sent outside any request)."""
    return f"{settings.CLUB_SITE_URL}{path}"


def preferences_token(member_id: int) -> str:
    return signing.dumps(member_id, salt=PREFERENCES_SALT, compress=True)


def member_of_preferences_token(token: str) -> int | None:
    """The member a preferences link was made for, or None for a link that was tampered with."""
    try:
        value = signing.loads(token, salt=PREFERENCES_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def preferences_url(member_id: int) -> str:
    return site_url(reverse("notifications:preferences", args=[preferences_token(member_id)]))


def render(mail: Mail) -> EmailMultiAlternatives:
    """The message as sent: plain text first, the HTML version as its alternative."""
    context = {
        "mail": mail,
        "club": {
            "name": settings.CLUB_NAME,
            "address": settings.CLUB_ADDRESS,
            "phone": settings.CLUB_PHONE,
            "email": settings.CLUB_CONTACT_EMAIL,
            "site": settings.CLUB_SITE_URL,
        },
        "preferences_url": preferences_url(mail.preferences_for) if mail.preferences_for else "",
    }
    headers = {"Reply-To": settings.CLUB_CONTACT_EMAIL, **mail.extra_headers}
    if context["preferences_url"]:
        headers["List-Unsubscribe"] = f"<{context['preferences_url']}>"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=render_to_string("notifications/email/message.txt", context),
        to=[mail.to],
        headers=headers,
    )
    message.attach_alternative(render_to_string("notifications/email/message.html", context), "text/html")
    return message
