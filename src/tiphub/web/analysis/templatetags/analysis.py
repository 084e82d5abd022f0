"""Template filters of the linkage and estimation pages: numbers as the reader writes them."""

from __future__ import annotations

from django import template

from tiphub.web.numbers import format_number

register = template.Library()


@register.filter
def number(value: float | int | None, decimals: int = 0) -> str:
    """A number rounded half up to `decimals`, with the reader's separators ('' when None)."""
    return "" if value is None else format_number(value, decimals)


@register.filter
def percent(share: float | None) -> str:
    """0.95 -> '95%' (a confidence level)."""
    if share is None:
        return ""
    return f"{float(share) * 100:g}%"
