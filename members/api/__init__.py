"""The member's door onto the API: sign-up, profile, goals, metrics, dashboard, classes, PT and invoices.

Handlers are as thin as the portal's views: read the schema, call the service or selector, return a schema.
A refusal is the service's ClubError, which the API turns into a problem document. Each part of the member's
door is a module with a router of its own, gathered here under ``router`` (mounted at /api/v1/member);
``signup_router`` (at /api/v1/signup) is the one open to callers without credentials.
"""

from __future__ import annotations

from ninja import Router

from clubsite.api.access import MEMBER_AUTH

from . import calendar, classes, dashboard, goals, invoices, metrics, profile, reminders, signup, training

router = Router(tags=["member"], auth=MEMBER_AUTH)
for part in (profile, reminders, goals, metrics, dashboard, classes, training, invoices, calendar):
    router.add_router("", part.router)

signup_router = signup.router

__all__ = ["router", "signup_router"]
