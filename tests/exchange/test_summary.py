"""What the report and the web pages show (tiphub.exchange.summary): figures, nil, targets."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from tiphub.exchange import summary
from tiphub.exchange.publication import Publication, build
from tiphub.indicators.frame import normalise_frame
from tiphub.indicators.inputs import read_population
from tiphub.indicators.model import Target


def _frame(groups: list[tuple[int, dict[str, Any]]], year: int = 2023) -> pd.DataFrame:
    rows = []
    for count, fields in groups:
        base = {
            "year": year,
            "sex": "F",
            "age_group": "Y_GE18",
            "citizenship": "UKR",
            "region": "R0",
            "trafficking_status": "",
            "form_sexual": True,
            "form_labour": False,
            "form_organ": False,
            "form_other": False,
        }
        rows += [{**base, **fields}] * count
    return normalise_frame(pd.DataFrame(rows))


def test_a_withdrawn_cell_looks_exactly_like_a_zero() -> None:
    # Four victims in four regions: the total and every region are "<5", which would pin each
    # region to 1; disclosure control withdraws cells, and they must not stand out.
    pub = build(_frame([(1, {"region": r}) for r in ("R1", "R2", "R3", "R4")]))
    table = pub.cells.table
    withdrawn = table[table["status"] == "withdrawn"]
    assert not withdrawn.empty
    female_adults = summary.figure(pub, "VC_HTF_DETV", 2023, "sex=F|age_group=Y_GE18")
    male_adults = summary.figure(pub, "VC_HTF_DETV", 2023, "sex=M|age_group=Y_GE18")  # zero
    assert ((table["sex"] == "F") & (table["age_group"] == "Y_GE18")).any()
    assert female_adults == male_adults == summary.Figure(None, summary.NIL, "nil")
    regions = [row.key for row in summary.crosstab(pub, "VICTIMS_REGION", "region")]
    shown = set(table[(table["region"] != "_T") & (table["status"] != "withdrawn")]["region"])
    assert set(regions) == shown  # a withdrawn region is as absent as a region with no victim


def test_figures_carry_the_published_text_and_suppression(publication: Publication) -> None:
    total = summary.figure(publication, "VC_HTF_DETV")
    assert total.value is not None
    assert total.display == str(int(total.value))
    assert summary.figure(publication, "NO_SUCH_INDICATOR").status == "missing"
    suppressed = publication.values[publication.values["status"] == "primary"].iloc[0]
    fig = summary.figure(
        publication, suppressed["indicator"], int(suppressed["year"]), suppressed["disaggregation"]
    )
    assert fig.value is None
    assert fig.suppressed
    assert fig.display == "<5"


def test_rates_of_a_zero_count_are_nil_and_undefined_breakdowns_missing() -> None:
    population = read_population(
        Path(str(resources.files("tiphub.indicators") / "data" / "synthetic_population.csv"))
    )
    pub = build(_frame([(40, {}), (30, {"sex": "M"})], year=2020), population=population)
    assert summary.figure(pub, "DETVOG_RATE", 2020).status == "nil"  # no organ removal
    assert summary.figure(pub, "DETVOG_RATE", 2020, "sex=F").status == "missing"  # not defined
    rate = summary.figure(pub, "DETV_RATE", 2020)
    assert rate.value is not None
    assert rate.display == f"{70 / population.get(2020, '_T', '_T') * 100000:.2f}"


def test_the_sdg_table_and_the_headline(publication: Publication) -> None:
    rows = summary.sdg_table(publication)
    assert [r.key for r in rows] == list(summary.SDG_SERIES)
    assert all(len(r.cells) == len(summary.SDG_COLUMNS) for r in rows)
    head = summary.headline(publication)
    assert head.detected == rows[0].cells[0]
    assert head.estimate is not None
    assert (head.estimate.total, head.estimate.low, head.estimate.high) == (3600, 2900, 4700)
    assert head.estimate.observed.display == "1200"


def test_sex_options_are_listed_even_when_nobody_has_them(publication: Publication) -> None:
    keys = summary.options(publication, "VC_HTF_DETV", "sex")
    assert keys[:2] == ["F", "M"]
    assert keys[-1] == "_U"


def test_expected_value_follows_milestones_then_a_straight_line() -> None:
    t = Target("X", {}, 2021, 400, 2027, 700, "plan", milestones={2023: 500, 2025: 600})
    assert summary.expected_value(t, 2023) == 500
    assert summary.expected_value(t, 2024) == 550
    assert summary.expected_value(t, 2022) == 450
    assert summary.expected_value(t, 2026) == 650
    assert summary.expected_value(t, 2030) is None


def test_target_progress_uses_published_figures_only(publication: Publication) -> None:
    rows = summary.target_progress(publication)
    assert len(rows) == len(publication.plan.targets)
    for row in rows:
        if row.current.value is None:
            assert row.progress is None
            assert row.on_track is None
        else:
            assert row.progress == row.target.progress(row.current.value)


def test_results_chains_come_in_tree_order(publication: Publication) -> None:
    programme = publication.plan.programmes[0]
    chain = summary.results_chain(publication, programme)
    assert [n.node.level for n in chain][:3] == ["outcome", "output", "activity"]
    assert [n.depth for n in chain][:3] == [0, 1, 2]
    linked = chain[0].indicators[0]
    assert linked.indicator.registry_indicator == "VC_HTF_DETVFL"
    assert linked.actual == summary.figure(publication, "VC_HTF_DETVFL")
