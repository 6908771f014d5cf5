"""The member's door onto the API: sign-up, the plans and packs on offer, profile, goals, metrics, dashboard,
membership and freezes, class credits, classes, PT and invoices.

Handlers are as thin as the portal's views: read the schema, call the service or selector, return a schema.
A refusal is the service's ClubError, which the API turns into a problem document. Each part of the member's
door is a module with a router of its own, gathered here under ``router`` (mounted at /api/v1/member);
``signup_router`` (at /api/v1/signup) and ``catalogue_router`` (/api/v1/plans, /api/v1/class-packs) are open to
callers without credentials.
"""

from __future__ import annotations

from ninja import Router

from clubsite.api.access import MEMBER_AUTH

from . import (
    calendar,
    card,
    catalogue,
    classes,
    credits,
    dashboard,
    goals,
    invoices,
    membership,
    metrics,
    profile,
    reminders,
    signup,
    training,
)

router = Router(tags=["member"], auth=MEMBER_AUTH)
PARTS = (
    profile,
    reminders,
    goals,
    metrics,
    dashboard,
    membership,
    credits,
    classes,
    training,
    invoices,
    calendar,
    card,
)
for part in PARTS:
    router.add_router("", part.router)

signup_router = signup.router
catalogue_router = catalogue.router

__all__ = ["catalogue_router", "router", "signup_router"]
