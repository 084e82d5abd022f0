"""Indicator computation on DuckDB agrees with a plain pandas count."""

import json
from pathlib import Path

import pandas as pd
import pytest

from tiphub.indicators.compute import count_cells
from tiphub.indicators.frame import FrameError, normalise_frame, read_frame
from tiphub.indicators.inputs import InputError, read_estimates, read_population
from tiphub.indicators.registry import load_registry
from tiphub.indicators.synthetic import synthetic_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return normalise_frame(synthetic_frame(3000))


def _cell(cells: pd.DataFrame, **key: object) -> int:
    mask = pd.Series(True, index=cells.index)
    for dim in ("form", "sex", "age_group", "citizenship", "region"):
        mask &= cells[dim] == key.get(dim, "_T")
    mask &= cells["year"] == key["year"]
    hit = cells[mask]
    return 0 if hit.empty else int(hit["value"].iloc[0])


def test_counts_match_pandas(frame: pd.DataFrame) -> None:
    reg = load_registry()
    cells = count_cells(frame, reg)
    victims = frame[frame["trafficking_status"] != "NotAVictimOfTrafficking"]
    for year, g in victims.groupby("year"):
        assert _cell(cells, year=year) == len(g)
        for sex, gs in g.groupby("sex"):
            assert _cell(cells, year=year, sex=sex) == len(gs)
            for age, ga in gs.groupby("age_group"):
                assert _cell(cells, year=year, sex=sex, age_group=age) == len(ga)
        assert _cell(cells, year=year, form="labour") == int(g["form_labour"].sum())
        assert _cell(cells, year=year, form="sexual", sex="F") == int(
            (g["form_sexual"] & (g["sex"] == "F")).sum()
        )
        for cit, gc in g.groupby("citizenship"):
            assert _cell(cells, year=year, citizenship=cit) == len(gc)


def test_not_a_victim_is_excluded_and_person_id_unduplicates() -> None:
    raw = synthetic_frame(10)
    raw["year"] = 2024
    raw["trafficking_status"] = ["NotAVictimOfTrafficking"] + ["ActualVictimOfTrafficking"] * 9
    raw["person_id"] = ["p0", "p1", "p1", "p1", "p2", "p3", "p4", "p5", "p6", "p7"]
    raw["form_organ"] = [False, True, False, False, False, False, False, False, False, False]
    cells = count_cells(normalise_frame(raw), load_registry())
    assert _cell(cells, year=2024) == 7  # p1..p7
    assert _cell(cells, year=2024, form="organ") == 1  # p1's organ flag from one of its records


def test_frame_errors_name_row_and_column(tmp_path: Path) -> None:
    df = synthetic_frame(3)
    df["form_labour"] = ["true", "maybe", "false"]
    path = tmp_path / "frame.csv"
    df.to_csv(path, index=False)
    with pytest.raises(FrameError, match=r"row 3, column form_labour: expected true/false"):
        read_frame(path)
    with pytest.raises(FrameError, match="missing column"):
        normalise_frame(df.drop(columns=["region"]))


def test_population_and_estimate_inputs(tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "year,sex,age_group,population\n2024,F,Y0T17,10\n2024,F,Y_GE18,30\n"
        "2024,M,Y0T17,20\n2024,M,Y_GE18,40\n",
        encoding="utf-8",
    )
    p = read_population(pop)
    assert p.get(2024, "_T", "_T") == 100
    assert p.get(2024, "F", "_T") == 40
    assert p.get(2023, "F", "_T") is None
    pop.write_text("year,sex,age_group,population\n2024,F,Y0T17,-1\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column population: must be positive"):
        read_population(pop)
    est = tmp_path / "est.json"
    est.write_text(
        json.dumps(
            {
                "observed": 10,
                "dark_figure": 5,
                "total": 15,
                "ci": {"method": "x", "level": 0.95, "low": 12, "high": 30},
            }
        )
    )
    (e,) = read_estimates(est)
    assert (e.total, e.ci_low, e.ci_high, e.year) == (15, 12, 30, None)
    est.write_text(
        json.dumps({"observed": 10, "dark_figure": 5, "total": 50, "ci": {"low": 12, "high": 30}})
    )
    with pytest.raises(InputError, match="outside its interval"):
        read_estimates(est)
