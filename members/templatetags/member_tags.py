"""Template filters of the member portal: money and signed changes, written as a person reads them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value) -> str:
    """£1,234.50; a negative amount (a credit) as −£5.00 (the symbol is settings.CLUB_CURRENCY_SYMBOL)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = "−" if amount < 0 else ""
    return f"{sign}{settings.CLUB_CURRENCY_SYMBOL}{abs(amount):,.2f}"


@register.filter
def signed(value) -> str:
    """A change with its sign: +1.5, −0.4, ±0."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount == 0:
        return "±0"
    text = f"{abs(amount).normalize():f}"
    return f"+{text}" if amount > 0 else f"−{text}"


@register.filter
def number(value) -> str:
    """A measurement without trailing zeros: 80, 80.5."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{amount.normalize():f}"
