"""Staff's door onto billing: plans, class packs, memberships, invoice generation, lines, issue, payments, refunds,
void; and (``members_router``) one member's membership, freezes and credits.

Each endpoint asks for the Django permission the billing admin checks for the same change, so every staff role
can do here exactly what it can in the admin, through the same services. A refusal is the service's ClubError.
"""

from ninja import Router

from clubsite.api.access import STAFF_AUTH

from . import invoices, packs, plans, runs
from .members import router as members_router

router = Router(tags=["staff: billing"], auth=STAFF_AUTH)
router.add_router("", plans.router)
router.add_router("", packs.router)
router.add_router("", invoices.router)
router.add_router("", runs.router)

__all__ = ["members_router", "router"]
