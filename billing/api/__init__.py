"""Staff's door onto billing: plans, memberships, invoice generation, lines, issue, payments, refunds, void.

Each endpoint asks for the Django permission the billing admin checks for the same change, so every staff role
can do here exactly what it can in the admin, through the same services. A refusal is the service's ClubError.
"""

from ninja import Router

from clubsite.api.access import STAFF_AUTH

from . import invoices, plans, runs

router = Router(tags=["staff: billing"], auth=STAFF_AUTH)
router.add_router("", plans.router)
router.add_router("", invoices.router)
router.add_router("", runs.router)
