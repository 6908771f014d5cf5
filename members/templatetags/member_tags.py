"""Template filters of the member portal: money, measurements and signed changes, written as a person reads them."""

from __future__ import annotations

from django import template

from clubsite.core.money import money_text
from members.units import metric_text

register = template.Library()


@register.filter
def money(value) -> str:
    """£1,234.50; a negative amount (a credit) as −£5.00: ``clubsite.core.money.money_text``, as everywhere."""
    return money_text(value)


@register.filter
def signed(value, unit: str = "") -> str:
    """A change with its sign, with the decimals of its unit: +1.5, −0.4, ±0.0 (kg)."""
    return metric_text(value, unit, signed=True)


@register.filter
def metric(value, unit: str) -> str:
    """A measurement in ``unit`` as ``members.units`` writes it: 76.9 (kg), 24.0 (%), 62 (bpm), 5.5 (km)."""
    return metric_text(value, unit)
