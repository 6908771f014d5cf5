"""How a measurement is written: its unit spelled one way, its value with the unit's decimals.

The one formatter of a metric value: the portal's pages (the ``metric`` filter), the API's schemas and the
charts all write a weight, a body fat or a heart rate through it, so 76.9 kg is never 76.90 kg elsewhere, and
body fat reads 24.0 beside 23.1.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: How many decimals a value in each tracked unit is written with (the health metrics store these).
METRIC_PLACES = {"kg": 1, "%": 1, "bpm": 0}
#: Other units (km, minutes…) keep up to this many decimals, without trailing zeros.
OTHER_PLACES = 2

#: Spellings people type for the units the health metrics measure, and the one each stands for.
UNIT_SPELLINGS = {
    "kg": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "pct": "%",
    "bpm": "bpm",
    "beats per minute": "bpm",
}


def normalise_unit(unit: str) -> str:
    """The unit as the club writes it: "KG" and "kilos" are "kg", "Percent" is "%"; any other unit in lower case
    with single spaces ("KM" is "km")."""
    spoken = " ".join((unit or "").split()).lower()
    return UNIT_SPELLINGS.get(spoken, spoken)


def _decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def metric_value(value: Decimal | int | float | str | None, unit: str) -> Decimal | None:
    """``value`` rounded as a value in ``unit`` is written (76.90 kg is 76.9; 24 % is 24.0); None stays None."""
    number = _decimal(value)
    if number is None:
        return None
    places = METRIC_PLACES.get(normalise_unit(unit))
    if places is None:
        rounded = number.quantize(Decimal(1).scaleb(-OTHER_PLACES), rounding=ROUND_HALF_UP)
        # 5.00 km is 5 km, 5.50 km is 5.5 km: an integral value without its zeros, never "5E+1".
        return rounded.to_integral_value() if rounded == rounded.to_integral_value() else rounded.normalize()
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def metric_text(value: Decimal | int | float | str | None, unit: str, *, signed: bool = False) -> str:
    """``value`` as a person reads it in ``unit`` ("76.9", "24.0", "62"; with ``signed``: "+1.5", "−0.4", "±0");
    "" for no value."""
    number = metric_value(value, unit)
    if number is None:
        return ""
    text = f"{abs(number):f}" if signed else f"{number:f}"
    if not signed:
        return text
    if number == 0:
        return f"±{text}"
    return f"+{text}" if number > 0 else f"−{text}"
