"""The member's class packs: the credits they hold, with their expiry, and buying a pack (invoiced at once)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from billing import services
from billing.api.shown import (
    CreditPackBoughtOut,
    CreditPackPageQuery,
    CreditPacksOut,
    PackChoiceIn,
    credit_pack_bought,
    credit_packs_out,
)
from billing.models import ClassPack
from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS

router = Router(tags=["member"])


@router.get(
    "/credit-packs",
    response={200: CreditPacksOut, **PROBLEMS},
    operation_id="member_credit_pack_list",
    url_name="member_credit_pack_list",
    summary="Your class packs and credits",
)
def credit_pack_list(request: HttpRequest, page: Query[CreditPackPageQuery]) -> dict[str, Any]:
    """Every pack you bought, newest first, with the credits left and the last day they can be used;
    ``credits_left`` is what you may still use today over all packs (the pack expiring first is used first)."""
    return credit_packs_out(member_of(request), limit=page.limit, offset=page.offset)


@router.post(
    "/credit-packs",
    response={201: CreditPackBoughtOut, **PROBLEMS},
    operation_id="member_credit_pack_buy",
    url_name="member_credit_pack_buy",
    summary="Buy a class pack",
)
def credit_pack_buy(request: HttpRequest, payload: PackChoiceIn) -> Status[dict[str, Any]]:
    """Its credits can be used at once, for classes up to its expiry; its invoice is issued now and comes back with
    it. A pack no longer on sale: 409 ``pack_inactive``; no such pack: 422 ``pack_required``."""
    # The service reads the pack afresh by its id and refuses an unknown one with its own code.
    bought = services.credit_pack_buy(member=member_of(request), pack=ClassPack(pk=payload.pack))
    return Status(201, credit_pack_bought(bought))
