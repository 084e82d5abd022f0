"""Figures on pages are rounded half up, never truncated (Django's number_format truncates)."""

from decimal import Decimal

import pytest
from django.utils import translation

from tiphub.web.analysis.templatetags.analysis import number as analysis_number
from tiphub.web.monitoring.templatetags.monitoring import number as monitoring_number
from tiphub.web.numbers import format_number


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (372.6, 0, "373"),
        (372.5, 0, "373"),
        (372.4, 0, "372"),
        (1680.6, 0, "1,681"),
        (1.125, 2, "1.13"),
        (Decimal("0.005"), 2, "0.01"),
        (12, 1, "12.0"),
    ],
)
def test_format_number_rounds_half_up_with_grouping(
    value: float | Decimal, decimals: int, expected: str
) -> None:
    with translation.override("en"):
        assert format_number(value, decimals) == expected


def test_every_page_filter_uses_the_same_rounding() -> None:
    with translation.override("en"):
        assert monitoring_number(372.6) == analysis_number(372.6) == "373"
        assert monitoring_number(None) == analysis_number(None) == ""


def test_french_separators_after_rounding() -> None:
    with translation.override("fr"):
        assert format_number(1680.6, 1).replace("\u202f", " ").replace("\xa0", " ") == "1 680,6"
