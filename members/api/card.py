"""The member's card: number, card code and the QR as SVG (what "My card" shows), and a new code (a lost phone)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from clubsite.api.access import member_of
from clubsite.api.schemas import PROBLEMS
from members.models import Member
from members.qr import card_qr_svg
from members.services import member_card_rotate

router = Router(tags=["member"])


class MemberCardOut(Schema):
    """``card_code`` is what the QR holds and a desk scanner types; ``number`` is what a person reads out."""

    name: str
    number: str
    card_code: str
    svg: str


def _card_out(member: Member) -> MemberCardOut:
    return MemberCardOut(
        name=member.full_name, number=member.number, card_code=member.card_code, svg=str(card_qr_svg(member))
    )


@router.get(
    "/card",
    response={200: MemberCardOut, **PROBLEMS},
    operation_id="member_card_read",
    url_name="member_card_read",
    summary="Your member card",
)
def card_read(request: HttpRequest) -> MemberCardOut:
    """Your name, member number, card code and its QR code (an SVG document), as on the "My card" page."""
    return _card_out(member_of(request))


@router.post(
    "/card/rotate",
    response={200: MemberCardOut, **PROBLEMS},
    operation_id="member_card_rotate",
    url_name="member_card_rotate",
    summary="Get a new card code",
)
def card_rotate(request: HttpRequest) -> MemberCardOut:
    """A new card code and QR; the old code no longer finds you at the desk (a lost or shared phone)."""
    return _card_out(member_card_rotate(member=member_of(request)))
