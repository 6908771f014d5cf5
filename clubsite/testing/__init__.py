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

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse


def sign_in(client: Client, *, email: str, password: str) -> bool:
    """Sign in through the sign-in page, as a person does (and as the sign-in throttling sees it).

    Django's ``client.login`` calls ``authenticate`` without a request, which django-axes refuses.
    """
    client.post(reverse("accounts:login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


def messages_of(response: HttpResponse) -> list[str]:
    """The Django messages a response carries (after a redirect was followed, or on the page itself)."""
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]
