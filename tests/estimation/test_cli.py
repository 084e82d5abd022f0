"""`tiphub estimate`: the CLI contract (flags, JSON keys, exit codes, stdout vs stderr)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiphub.cli import app

from .data import DATA, reference_public

runner = CliRunner()
CONTRACT_KEYS = {
    "observed",
    "dark_figure",
    "total",
    "terms",
    "coefficients",
    "aic",
    "deviance",
    "ci",
    "existence",
}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["estimate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_has_the_contract_keys_and_r_values() -> None:
    code, out, _ = run(str(DATA / "UKdat.csv"), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= CONTRACT_KEYS
    ref = reference_public()["datasets"]["UKdat"]["sparsemse_stepwise"]["p0.02"]
    assert data["total"] == pytest.approx(ref["total_estimate"], rel=1e-9)
    assert data["terms"] == ["PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO"]
    assert data["coefficients"]["(Intercept)"] == pytest.approx(ref["coefficients"]["(Intercept)"])
    assert set(data["ci"]) >= {"method", "level", "low", "high"}
    assert data["existence"]["code"] == 0
    assert data["existence"]["message"]


@pytest.mark.parametrize(
    ("args", "method"),
    [
        (["--method", "main", "--ci", "profile"], "profile"),
        (["--method", "aic", "--pthresh", "0.05"], "wald"),
        (["--pthresh", "0.05", "--level", "0.9"], "wald"),
        (["--method", "fixed", "--terms", "A:E,D:E"], "wald"),
    ],
)
def test_methods_and_intervals(args: list[str], method: str) -> None:
    code, out, _ = run(str(DATA / "Western.csv"), "--json", *args)
    assert code == 0
    data = json.loads(out)
    assert data["ci"]["method"] == method
    assert data["ci"]["low"] < data["total"] < data["ci"]["high"]


def test_bootstrap_with_seed_is_reproducible() -> None:
    args = (str(DATA / "Korea.csv"), "--ci", "bootstrap", "--reps", "40", "--seed", "5", "--json")
    first = json.loads(run(*args, "--jobs", "1")[1])
    second = json.loads(run(*args, "--jobs", "1")[1])
    assert first["ci"] == second["ci"]
    assert first["ci"]["method"] == "bootstrap"
    assert first["ci"]["reps"] == 40


def test_unfittable_model_exits_1_with_the_reason() -> None:
    code, out, err = run(str(DATA / "Korea.csv"), "--method", "fixed", "--terms", "all", "--json")
    assert code == 1
    assert json.loads(out)["existence"]["code"] == 1
    assert "does not exist" in " ".join(err.split())
    code, _, err = run(str(DATA / "Artificial_3.csv"), "--method", "fixed", "--terms", "all")
    assert code == 1
    assert "not identifiable" in " ".join(err.split())


def test_invalid_data_exits_1_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,0,5\n0,1,-3\n1,1,2\n")
    code, out, err = run(str(path))
    assert code == 1
    assert out == ""
    assert "row 3, column 'count'" in " ".join(err.split())


@pytest.mark.parametrize(
    "args",
    [
        ["missing.csv"],
        [str(DATA / "Korea.csv"), "--method", "fixed"],
        [str(DATA / "Korea.csv"), "--terms", "b:c"],
        [str(DATA / "Korea.csv"), "--ci", "jackknife"],
        [str(DATA / "Korea.csv"), "--pthresh", "2"],
        [str(DATA / "Korea.csv"), "--plot", "out.pdf"],
        [str(DATA / "Korea.csv"), "--level", "1.5"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args)[0] == 2


def test_summary_on_stdout_and_plot(tmp_path: Path) -> None:
    plot = tmp_path / "sensitivity.svg"
    code, out, err = run(str(DATA / "NewOrl.csv"), "--plot", str(plot))
    assert code == 0
    assert "Multiple systems estimation results" in out
    assert "sensitivity plot written" in err
    assert plot.read_text().lstrip().startswith("<?xml")


def test_strata_and_population(tmp_path: Path) -> None:
    source = (DATA / "Korea.csv").read_text().splitlines()
    lines = ["year," + source[0]]
    for year, factor in (("2022", 1), ("2023", 2)):
        for row in source[1:]:
            *bits, count = row.split(",")
            lines.append(",".join([year, *bits, str(int(count) * factor)]))
    table = tmp_path / "strata.csv"
    table.write_text("\n".join(lines) + "\n")
    population = tmp_path / "population.csv"
    population.write_text("year,population\n2022,1000000\n2023,1000000\n")
    code, out, _ = run(str(table), "--by", "year", "--population", str(population), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= CONTRACT_KEYS  # the pooled estimate
    assert [s["stratum"] for s in data["strata"]] == [{"year": "2022"}, {"year": "2023"}]
    first, second = data["strata"]
    assert second["dark_figure"] == pytest.approx(2 * first["dark_figure"], rel=1e-6)
    assert first["rate_per_100k"]["rate"] == pytest.approx(first["total"] / 10)
    assert data["rate_per_100k"]["population"] == 2_000_000
    code, _, err = run(str(table))
    assert code == 1
    assert "--by" in err


def test_one_row_population_gives_the_national_rate(tmp_path: Path) -> None:
    population = tmp_path / "population.csv"
    population.write_text("population\n500000\n")
    code, out, _ = run(str(DATA / "Korea.csv"), "--population", str(population), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rate_per_100k"]["rate"] == pytest.approx(data["total"] / 5)
    code, out, _ = run(str(DATA / "Korea.csv"), "--population", str(population))
    assert "SDG 16.2.2" in out
