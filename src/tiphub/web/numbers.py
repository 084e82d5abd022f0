"""Numbers as the reader writes them, shared by every page's template filters.

Django's `number_format` cuts digits off instead of rounding (1,680.6 would show as 1,680), so a
figure is rounded half up first; then the reader's grouping and decimal separators apply.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def format_number(value: float | int | Decimal, decimals: int = 0) -> str:
    """`value` rounded half up to `decimals` places, with the locale's separators."""
    places = int(decimals)
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(number_format(rounded, places, use_l10n=True, force_grouping=True))
