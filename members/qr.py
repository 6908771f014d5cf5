"""The member card's QR code: the card code drawn as inline SVG ("My card", the member API)."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe

from .models import Member


def card_qr_svg(member: Member) -> SafeString:
    """The card code as a QR, inline SVG scaled by its container: black on white with a quiet zone of four
    modules, as scanners need, and medium error correction (a scratched screen still reads)."""
    qr = segno.make(member.card_code, error="m")
    svg = qr.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass="member-card-qr",
        title="Member card QR code",
    )
    # segno writes only path data and the title given into the SVG: nothing a member typed.
    return mark_safe(svg)
