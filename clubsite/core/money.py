"""Money as a person reads it, the same on every page, mail, PDF and chart: £1,234.50, a credit as −£5.00."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

#: A true minus sign: a hyphen before an amount reads as a dash, and breaks from it at the end of a line.
MINUS = "\u2212"
PENNY = Decimal("0.01")


def money_text(value: Decimal | int | str | None) -> str:
    """``value`` with the club's currency symbol (``settings.CLUB_CURRENCY_SYMBOL``), thousands separated and two
    decimals; empty for no amount (None, "", or text that is not a number)."""
    if value is None or value == "":
        return ""
    try:
        # Rounded before the sign is chosen, so that nothing rounding to zero is written as a credit.
        amount = Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):  # not a number, infinite, or beyond Decimal's precision
        return ""
    sign = MINUS if amount < 0 else ""
    return f"{sign}{settings.CLUB_CURRENCY_SYMBOL}{abs(amount):,.2f}"
