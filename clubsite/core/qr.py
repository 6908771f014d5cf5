"""A QR code drawn as inline SVG on the server: no image file, no script (the member card, two-factor enrolment)."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, svgclass: str, title: str) -> SafeString:
    """``text`` as a QR code, inline SVG scaled by its container: black on white with a quiet zone of four modules,
    as scanners need, and medium error correction (a scratched screen still reads)."""
    svg = segno.make(text, error="m").svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff", svgclass=svgclass, title=title
    )
    # segno writes only path data and the title given into the SVG: not the text encoded, nothing anyone typed.
    return mark_safe(svg)
