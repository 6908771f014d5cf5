"""Test helpers shared by every app's tests (the fixtures are in the root conftest.py; factories in <app>/tests).

- ``clubsite.testing``: signing in and reading a response's messages, as a person would.
- ``clubsite.testing.errors``: ``refused(code)``, and how spans and days read in messages.
- ``clubsite.testing.races``: ``race``, concurrent calls released together.
- ``clubsite.testing.admin``: the admin's split date/time widget, a page's query count.
- ``clubsite.testing.portal``: a portal form's errors; times a few hours from now.
- ``clubsite.testing.scenes``: classes and PT sessions written straight to the database, for the trainer portal.
- ``clubsite.testing.roles``: staff users of each back-office role.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from clubsite.testing.jobs import run_jobs


def sign_in(client: Client, *, email: str, password: str) -> bool:
    """Sign in through the sign-in page, as a person does (and as the sign-in throttling sees it).

    Django's ``client.login`` calls ``authenticate`` without a request, which django-axes refuses.
    """
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    if response.get("Location") == reverse("accounts:two-factor-code"):
        # Two-factor sign-in: the code step, with the code the person's authenticator app shows now.
        from clubsite.accounts.models import User
        from clubsite.testing.twofactor import enrolled_device, fresh_code

        device = enrolled_device(User.objects.get(email__iexact=email))
        client.post(reverse("accounts:two-factor-code"), {"code": fresh_code(device)})
    return "_auth_user_id" in client.session


def messages_of(response: HttpResponse) -> list[str]:
    """The Django messages a response carries (after a redirect was followed, or on the page itself)."""
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


SIGN_UP_LINK = re.compile(rf"{re.escape(settings.CLUB_SITE_URL)}(/accounts/signup/confirm/\S+/\S+/)")


def sign_up_link(address: str) -> str:
    """The path of the last sign-up link mailed to ``address`` (run the jobs first: a worker sends it)."""
    bodies = [str(message.body) for message in mail.outbox if address.lower() in (to.lower() for to in message.to)]
    links = [found.group(1) for body in bodies if (found := SIGN_UP_LINK.search(body))]
    assert links, f"no sign-up link was mailed to {address}"
    return links[-1]


def open_account(client: Client, address: str) -> HttpResponse:
    """Follow the sign-up link mailed to ``address`` and press "Open my account", as the new member does; the
    response after the redirects (their dashboard, or their first invoice)."""
    run_jobs()
    return client.post(sign_up_link(address), follow=True)  # type: ignore[return-value]
