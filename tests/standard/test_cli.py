"""`tiphub synth`, `tiphub template`, `tiphub validate`: outputs and exit codes (0 / 1 / 2)."""

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from tiphub.cli import app

from .conftest import HEADER, WriteCsv

runner = CliRunner()


def test_validate_a_valid_file_exits_0(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, ("A-1", "2023-04-05", "F", "2001-05-06", "Ana")])
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid, 1 data row(s)" in result.output


def test_validate_an_invalid_file_exits_1_with_a_table(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, ("A-1", "2023-02-30", "Femle", "1999-02-29", "Ana")])
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "Problems in intake.csv" in result.output
    assert "3 error(s) in 1 data row(s)" in " ".join(result.output.split())
    assert "Femle" in result.output
    assert "1999-02-29" not in result.output  # identifying value hidden
    assert "Traceback" not in result.output


def test_validate_json_prints_the_report(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, ("A-1", "2023-02-30", "", "", "")])
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["errors"][0]["row"] == 2
    assert report["errors"][0]["column"] == "identification_date"


def test_validate_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate", str(tmp_path / "missing.csv")]).exit_code == 2
    odd = tmp_path / "intake.ods"
    odd.write_text("record_id\n")
    result = runner.invoke(app, ["validate", str(odd)])
    assert result.exit_code == 2
    assert "unsupported file type" in result.output


def test_validate_a_ctdc_file(tmp_path: Path) -> None:
    path = tmp_path / "ctdc.csv"
    path.write_text("yearOfRegistration,gender,isSexualExploit\n2020,Woman,1\n")
    assert runner.invoke(app, ["validate", "--ctdc", str(path)]).exit_code == 0


def test_template_xlsx_and_csv(tmp_path: Path) -> None:
    assert runner.invoke(app, ["template", "--out", str(tmp_path / "t.xlsx")]).exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "intake"
    assert runner.invoke(app, ["template", "--out", str(tmp_path / "t.csv")]).exit_code == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").startswith("record_id,case_id,")
    assert runner.invoke(app, ["template", "--out", str(tmp_path / "t.ods")]).exit_code == 2


def test_synth_writes_a_country_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "country"
    result = runner.invoke(app, ["synth", "--out", str(out), "--victims", "300", "--seed", "4",
                                 "--agencies", "3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.csv")) == [
        "LAB.csv", "NGO.csv", "POL.csv", "population.csv", "truth.csv"
    ]  # fmt: skip
    for code in ("POL", "NGO", "LAB"):
        assert runner.invoke(app, ["validate", str(out / f"{code}.csv")]).exit_code == 0
    assert json.loads((out / "country.json").read_text())["N"] == 300


def test_synth_usage_errors_exit_2(tmp_path: Path) -> None:
    out = str(tmp_path / "c")
    assert runner.invoke(app, ["synth", "--out", out, "--agencies", "9"]).exit_code == 2
    assert runner.invoke(app, ["synth", "--out", out, "--victims", "0"]).exit_code == 2
    assert runner.invoke(app, ["synth", "--out", out, "--years", "2024"]).exit_code == 2
    assert runner.invoke(app, ["synth", "--out", out, "--years", "2024-2020"]).exit_code == 2


def test_synth_into_an_unwritable_place_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = runner.invoke(app, ["synth", "--out", str(blocker / "country"), "--victims", "20"])
    assert result.exit_code == 1
    assert "cannot write the country" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
