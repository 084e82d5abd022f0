"""The indicator commands end to end on a frame file: no published file holds a count 1..T-1."""

import json
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from tiphub.cli import app
from tiphub.indicators.synthetic import synthetic_frame


def test_commands_publish_only_protected_counts(tmp_path: Path) -> None:
    frame = tmp_path / "frame.csv"
    synthetic_frame(2500).to_csv(frame, index=False)
    runner = CliRunner()
    common = ["--year", "2024", "--frame", str(frame), "--min-cell", "5"]
    for args in (
        ["indicators", "compute", "--out", str(tmp_path / "out"), *common],
        ["export", "sdmx", "--out", str(tmp_path / "s.csv"), "--version", "1", *common],
        ["export", "dhis2", "--out", str(tmp_path / "d.json"), *common],
        ["export", "glotip", "--out", str(tmp_path / "g.xlsx"), *common],
        ["report", "--out", str(tmp_path / "r.html"), *common],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "release_report.json").read_text())
    assert report["audit"]["passed"]
    cells = pd.read_csv(tmp_path / "out" / "cells.csv")
    assert not cells["value"].between(1, 4).any()
    sdmx = pd.read_csv(tmp_path / "s.csv")
    assert not sdmx["OBS_VALUE"].between(1, 4).any()
    dvs = json.loads((tmp_path / "d.json").read_text())["dataValues"]
    counts = [float(v["value"]) for v in dvs if v["dataElement"].startswith(("VC_", "GLOTIP"))]
    assert counts
    assert not any(1 <= c < 5 for c in counts)
    ws = load_workbook(tmp_path / "g.xlsx")["Data"]
    numbers = [
        c
        for row in ws.iter_rows(min_row=2, values_only=True)
        for c in row
        if isinstance(c, int | float) and c != 2024
    ]
    assert numbers
    assert not any(1 <= n < 5 for n in numbers)


def test_bad_threshold_and_missing_frame_are_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    frame = tmp_path / "frame.csv"
    synthetic_frame(50).to_csv(frame, index=False)
    result = runner.invoke(
        app,
        ["indicators", "compute", "--out", str(tmp_path), "--frame", str(frame), "--min-cell", "2"],
    )
    assert result.exit_code == 2
    result = runner.invoke(
        app,
        ["indicators", "compute", "--out", str(tmp_path), "--frame", str(tmp_path / "nope.csv")],
    )
    assert result.exit_code == 1
    assert "no such file" in result.output
