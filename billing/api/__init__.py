"""Staff's door onto billing: plans, memberships, invoice generation, lines, issue, payments, refunds, void."""

from ninja import Router

router = Router(tags=["staff: billing"])
