"""The ILO/EC dimension rule: which combinations make a dimension positive."""

import pytest

from tiphub.screening.catalogue import default_catalogue
from tiphub.screening.dimensions import assess, describe_completion

CATALOGUE = default_catalogue()
# Adults/labour, coercion at destination: strong CD-01..04, medium CD-05..14, weak CD-15.
STRONG, STRONG2 = "AL-CD-01", "AL-CD-02"
MEDIUM, MEDIUM2, MEDIUM3 = "AL-CD-05", "AL-CD-06", "AL-CD-07"
WEAK = "AL-CD-15"


@pytest.mark.parametrize(
    ("present", "positive", "combination"),
    [
        ([STRONG], False, None),  # a single strong indicator alone is not enough
        ([STRONG, STRONG2], True, "a"),
        ([STRONG, MEDIUM], True, "b"),
        ([STRONG, WEAK], True, "b"),
        ([MEDIUM, MEDIUM2, MEDIUM3], True, "c"),
        ([MEDIUM, MEDIUM2, WEAK], True, "d"),
        ([MEDIUM, MEDIUM2], False, None),
        ([MEDIUM, WEAK], False, None),
        ([WEAK], False, None),
        ([], False, None),
    ],
)
def test_dimension_rule(present: list[str], positive: bool, combination: str | None) -> None:
    result = assess(CATALOGUE, "AL", "CD", present)
    assert result.value is positive
    assert (result.combination.id if result.combination else None) == combination


def test_the_indicators_used_are_reported() -> None:
    result = assess(CATALOGUE, "AL", "CD", [STRONG, MEDIUM, WEAK])
    assert [i.id for i in result.used] == [STRONG, MEDIUM]


def test_completions_name_the_smallest_additions() -> None:
    result = assess(CATALOGUE, "AL", "CD", [MEDIUM])
    texts = sorted(describe_completion(c) for c in result.completions)
    # "2 more strong" is not offered: "1 more strong" already does it with less.
    assert texts == [
        "adding 1 medium and 1 weak indicators",
        "adding 1 strong indicator",
        "adding 2 medium indicators",
    ]


def test_completions_respect_what_the_set_offers() -> None:
    """Adults/sexual has no strong exploitation indicator: never suggest adding one."""
    result = assess(CATALOGUE, "AS", "EX", ["AS-EX-02"])
    assert result.completions
    assert all("strong" not in c for c in result.completions)


def test_unknown_items_make_a_negative_dimension_unknown_only_if_they_could_tip_it() -> None:
    could = assess(CATALOGUE, "AL", "CD", [STRONG], unknown_ids=[MEDIUM])
    assert could.value is None
    cannot = assess(CATALOGUE, "AL", "CD", [], unknown_ids=[WEAK])
    assert cannot.value is False
    not_assessed = assess(CATALOGUE, "AL", "CD", [], not_assessed=True)
    assert not_assessed.value is None
    assert not_assessed.has() is None
    assert assess(CATALOGUE, "AL", "CD", [WEAK]).has("strong") is False
