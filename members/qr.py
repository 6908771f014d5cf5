"""The member card's QR code: the card code drawn as inline SVG ("My card", the member API)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from clubsite.core.qr import qr_svg

from .models import Member


def card_qr_svg(member: Member) -> SafeString:
    """The card code as a QR code the desk's scanner reads."""
    return qr_svg(member.card_code, svgclass="member-card-qr", title="Member card QR code")
