"""Stratified estimates and the SDG 16.2.2 rate per 100,000."""

import numpy as np
import pandas as pd
import pytest

from tiphub.estimation import (
    MSE,
    CaptureTable,
    CaptureTableError,
    fit_strata,
    stratum_tables,
    stratum_tables_from_records,
)
from tiphub.estimation.strata import pool_tables

from .data import table


def split_by_sex(name: str, seed: int = 3) -> pd.DataFrame:
    capture = table(name)
    rng = np.random.default_rng(seed)
    rows = []
    for pattern, count in zip(capture.patterns, capture.counts, strict=True):
        women = int(rng.binomial(count, 0.6))
        for sex, n in (("F", women), ("M", int(count) - women)):
            if n:
                rows.append([sex, *map(int, pattern), n])
    return pd.DataFrame(rows, columns=["sex", *capture.lists, "count"]).astype(str)


def test_each_stratum_gets_its_own_model_and_rate() -> None:
    tables = stratum_tables(split_by_sex("UKdat"), ["sex"], "uk_sex.csv")
    assert sorted(tables) == [("F",), ("M",)]
    assert pool_tables(tables, "pooled").observed == table("UKdat").observed
    population = pd.DataFrame({"sex": ["F", "M"], "population": ["33000000", "32000000"]})
    results = fit_strata(tables, MSE(), by=["sex"], population=population)
    women = results.strata[0].results
    assert women is not None
    assert women.total == pytest.approx(MSE().fit(tables[("F",)]).total)
    data = results.to_dict()
    rate = data["strata"][0]["rate_per_100k"]
    assert rate["rate"] == pytest.approx(women.total / 33_000_000 * 100_000)
    assert rate["low"] == pytest.approx(women.ci.low / 33_000_000 * 100_000)
    total = data["sum_of_strata"]
    assert total["total"] == pytest.approx(sum(s.results.total for s in results.strata))  # type: ignore[union-attr]
    assert total["rate_per_100k"]["population"] == 65_000_000
    assert total["ci"]["low"] < total["total"] < total["ci"]["high"]


def test_lists_empty_in_a_stratum_are_dropped_and_named() -> None:
    frame = pd.DataFrame(
        {
            "age": ["child"] * 4 + ["adult"] * 3,
            "police": [1, 0, 1, 1, 1, 0, 1],
            "ngo": [0, 1, 1, 0, 0, 1, 1],
            "child_protection": [0, 0, 0, 1, 0, 0, 0],
            "count": [30, 40, 12, 5, 50, 60, 20],
        }
    ).astype(str)
    results = fit_strata(stratum_tables(frame, ["age"]), MSE(), by=["age"])
    adult = next(s for s in results.strata if s.key == ("adult",))
    assert adult.dropped_lists == ("child_protection",)
    assert adult.results is not None
    assert adult.results.table.lists == ("police", "ngo")


def test_unfittable_stratum_is_reported_not_skipped() -> None:
    frame = pd.DataFrame(
        {
            "sex": ["F", "F", "F", "M", "M"],
            "A": [1, 0, 1, 1, 0],
            "B": [0, 1, 1, 0, 1],
            "count": [10, 12, 4, 7, 9],  # no overlap among men: no estimate
        }
    ).astype(str)
    results = fit_strata(stratum_tables(frame, ["sex"]), MSE(), by=["sex"])
    men = next(s for s in results.strata if s.key == ("M",))
    assert men.results is None
    assert "does not exist" in (men.error or "")
    assert results.sum_of_strata() is None
    assert results.to_dict()["strata"][1]["error"] == men.error


def test_strata_from_linked_records() -> None:
    records = pd.DataFrame(
        {
            "person_id": [1, 1, 2, 3, 4, 4, 5, 6, 7, 7],
            "agency": ["a", "b", "a", "b", "a", "b", "a", "b", "a", "b"],
            "sex": ["F", "F", "F", "F", "M", "M", "M", "M", "M", "M"],
        }
    )
    tables = stratum_tables_from_records(records, ["sex"], lists=["a", "b"])
    assert tables[("F",)].observed == 3
    assert tables[("M",)].observed == 4
    assert isinstance(tables[("M",)], CaptureTable)
    records.loc[1, "sex"] = "M"
    with pytest.raises(CaptureTableError, match="disagree on sex"):
        stratum_tables_from_records(records, ["sex"])


def test_population_table_errors() -> None:
    tables = stratum_tables(split_by_sex("Korea"), ["sex"])
    with pytest.raises(CaptureTableError, match="no row for stratum"):
        fit_strata(
            tables, MSE(), by=["sex"], population=pd.DataFrame({"sex": ["F"], "population": ["10"]})
        )
    with pytest.raises(CaptureTableError, match="not a positive number"):
        fit_strata(
            tables,
            MSE(),
            by=["sex"],
            population=pd.DataFrame({"sex": ["F", "M"], "population": ["x", "1"]}),
        )
