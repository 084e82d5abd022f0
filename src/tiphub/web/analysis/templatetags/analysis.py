"""Template filters of the linkage and estimation pages: numbers as the reader writes them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: float | int | None, decimals: int = 0) -> str:
    """A number rounded half up to `decimals`, with the reader's grouping and decimal separators
    ('' when None). Rounded first: Django's number_format cuts digits off instead (1,680.6 would
    show as 1,680)."""
    if value is None:
        return ""
    places = int(decimals)
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(number_format(rounded, places, use_l10n=True, force_grouping=True))


@register.filter
def percent(share: float | None) -> str:
    """0.95 -> '95%' (a confidence level)."""
    if share is None:
        return ""
    return f"{float(share) * 100:g}%"
