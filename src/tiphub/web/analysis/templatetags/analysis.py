"""Template filters of the linkage and estimation pages: numbers as the reader writes them."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: float | int | None, decimals: int = 0) -> str:
    """A number with the reader's grouping and decimal separators ('' when None)."""
    if value is None:
        return ""
    return str(number_format(float(value), int(decimals), use_l10n=True, force_grouping=True))


@register.filter
def percent(share: float | None) -> str:
    """0.95 -> '95%' (a confidence level)."""
    if share is None:
        return ""
    return f"{float(share) * 100:g}%"
