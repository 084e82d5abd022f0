"""The population and estimate readers take files from users (uploads): any bytes give either a
result or an `InputError` naming the file, never another exception; and they read what
`tiphub estimate --json` prints."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tiphub.cli.app import app
from tiphub.indicators.inputs import InputError, read_estimates, read_population

UKDAT = Path(__file__).parents[1] / "data" / "mse" / "UKdat_5.csv"

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CELL = st.one_of(
    st.sampled_from(["2023", "F", "M", "_T", "Y0T17", "Y_GE18", "", "1e400", "-3", "nan", "x"]),
    st.text(max_size=8),
)


@FUZZ
@given(st.binary(max_size=400))
def test_population_reader_survives_any_bytes(data: bytes) -> None:
    try:
        population = read_population(io.BytesIO(data), name="up.csv")
    except InputError as exc:
        message = str(exc)
    else:
        assert (population.table["population"] > 0).all()
        return
    assert message.startswith("up.csv")


@FUZZ
@given(st.lists(st.tuples(CELL, CELL, CELL, CELL), min_size=1, max_size=6))
def test_population_reader_checks_every_cell(rows: list[tuple[str, ...]]) -> None:
    text = "year,sex,age_group,population\n" + "\n".join(
        ",".join(json.dumps(c) for c in row) for row in rows
    )
    try:
        population = read_population(io.BytesIO(text.encode()), name="pop.csv")
    except InputError as exc:
        message = str(exc)
    else:
        table = population.table
        assert set(table["sex"]) <= {"F", "M", "_T"}
        assert set(table["age_group"]) <= {"Y0T17", "Y_GE18", "_T"}
        return
    assert message.startswith("pop.csv")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
ESTIMATE_KEYS = st.fixed_dictionaries(
    {},
    optional={
        "year": JSONISH,
        "observed": JSONISH,
        "dark_figure": JSONISH,
        "total": JSONISH,
        "ci": st.fixed_dictionaries(
            {}, optional={"low": JSONISH, "high": JSONISH, "level": JSONISH, "method": JSONISH}
        ),
    },
)


@FUZZ
@given(st.one_of(ESTIMATE_KEYS, st.lists(ESTIMATE_KEYS, max_size=3), JSONISH))
def test_estimate_reader_survives_any_json(doc: object) -> None:
    data = json.dumps(doc).encode()
    try:
        estimates = read_estimates(io.BytesIO(data), name="est.json")
    except InputError as exc:
        message = str(exc)
    else:
        for e in estimates:
            assert e.ci_low <= e.total <= e.ci_high
            assert 0 < e.ci_level < 1
        return
    assert message.startswith("est.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year,sex,age_group,population\n2023,F,Y0T17,10\n2023,F,Y0T17,10\n", "duplicate"),
        ("year,sex,age_group,population\n1800,F,Y0T17,10\n", "row 2, column year"),
        ("year,sex\n2023,F\n", "missing column(s) age_group, population"),
        ("year,sex,age_group,population\n", "no rows"),
    ],
)
def test_population_errors_name_the_row_and_column(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_population(io.BytesIO(text.encode()), name="pop.csv")


def _estimate_json(tmp_path: Path, *args: str) -> Path:
    result = CliRunner().invoke(app, ["estimate", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "estimate.json"
    out.write_text(result.stdout, encoding="utf-8")
    return out


def test_reads_what_tiphub_estimate_prints(tmp_path: Path) -> None:
    (estimate,) = read_estimates(_estimate_json(tmp_path, str(UKDAT)))
    assert estimate.year is None  # the reference year of the release
    assert estimate.observed == 2744
    assert estimate.ci_low < estimate.total < estimate.ci_high
    assert estimate.ci_method == "wald"


def test_reads_one_estimate_per_year_from_tiphub_estimate_by_year(tmp_path: Path) -> None:
    lines = UKDAT.read_text(encoding="utf-8").splitlines()
    rows = [f"year,{lines[0]}"] + [f"{y},{line}" for y in (2022, 2023) for line in lines[1:]]
    table = tmp_path / "by_year.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    estimates = read_estimates(_estimate_json(tmp_path, str(table), "--by", "year"))
    assert [e.year for e in estimates] == [2022, 2023]  # not the estimate pooled over years
    assert all(e.observed == 2744 for e in estimates)


def test_an_open_interval_is_refused_with_its_reason() -> None:
    doc = {"observed": 10, "dark_figure": 5, "total": 15, "ci": {"low": 12, "high": None}}
    with pytest.raises(InputError, match=r"est.json: estimate 1: the interval is open"):
        read_estimates(io.BytesIO(json.dumps(doc).encode()), name="est.json")
