"""synth -> validate -> import -> export ctdc round-trips the statistical fields, via the CLI."""

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tiphub.cli.app import app
from tiphub.standard import load_intake, statistical_row
from tiphub.standard.ctdc import to_ctdc
from tiphub.web.audit.models import AuditEvent
from tiphub.web.registry import services

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_synth_validate_import_export_round_trip(tmp_path: Path) -> None:
    country = tmp_path / "country"
    made = runner.invoke(
        app, ["synth", "--out", str(country), "--victims", "300", "--agencies", "3", "--seed", "5"]
    )
    assert made.exit_code == 0, made.stderr
    metadata = json.loads((country / "country.json").read_text())
    records = []
    for agency in metadata["agencies"]:
        path = country / agency["file"]
        checked = runner.invoke(app, ["validate", str(path)])
        assert checked.exit_code == 0, checked.stderr
        stored = runner.invoke(app, ["import", str(path), "--agency", agency["code"], "--json"])
        assert stored.exit_code == 0, stored.stderr
        summary = json.loads(stored.stdout)
        assert summary["created"] == agency["records"]
        records += load_intake(path).records

    out = tmp_path / "ctdc.csv"
    exported = runner.invoke(app, ["export", "ctdc", "--out", str(out)])
    assert exported.exit_code == 0, exported.stderr
    expected = to_ctdc(records)
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    want = pd.read_csv(io.StringIO(expected.to_csv(index=False)), dtype=str, keep_default_na=False)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(records)
    assert got.equals(want)  # same rows in the same (import) order
    assert AuditEvent.objects.filter(action="record.export").count() == 1

    frame = services.statistical_frame()
    expected_frame = pd.DataFrame([statistical_row(r) for r in records])
    for column in expected_frame.columns:
        left = frame[column].astype(object).where(frame[column].notna(), None).tolist()
        right = expected_frame[column].astype(object).where(expected_frame[column].notna(), None)
        assert left == right.tolist(), column

    one = runner.invoke(
        app, ["export", "ctdc", "--out", str(tmp_path / "one.csv"), "--agency", "POL"]
    )
    assert one.exit_code == 0, one.stderr
    pol = next(a for a in metadata["agencies"] if a["code"] == "POL")
    assert len(pd.read_csv(tmp_path / "one.csv")) == pol["records"]


def test_a_ctdc_file_imports_and_exports_back_the_same(tmp_path: Path, intake_file) -> None:
    import_file = services.import_file
    import_file(intake_file(), "POL", None, create_agency=True)
    first = tmp_path / "first.csv"
    services.export_ctdc(first)
    stored = runner.invoke(app, ["import", str(first), "--agency", "CTDC", "--json"])
    assert stored.exit_code == 0, stored.stderr
    summary = json.loads(stored.stdout)
    assert summary["format"] == "ctdc"  # recognised from the header
    assert summary["created"] == 3
    second = tmp_path / "second.csv"
    services.export_ctdc(second, "CTDC")
    assert second.read_text() == first.read_text()
