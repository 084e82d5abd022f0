"""Importing field-form screenings: presumed victims become records of the submitting agency only.

Issue 7: "an imported submission becomes a presumed-victim record visible only to its agency".
The import goes through the registry's service layer (validated, all or nothing, audited).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tiphub.web.registry.services import RegistryError
from tiphub.web.screening.services import import_submissions

from .support import OTHER, OWN, client_for

DATA = Path(__file__).parents[1] / "data" / "screening"
KOBO = DATA / "kobo_adults_labour.csv"
ADULT_ID = "scr-5b2c1e0a-0d1c-4c5e-9a51-1f0e2b7d3a01"
CHILD_ID = "scr-5b2c1e0a-0d1c-4c5e-9a51-1f0e2b7d3a02"
WEAK_ID = "scr-5b2c1e0a-0d1c-4c5e-9a51-1f0e2b7d3a03"

pytestmark = pytest.mark.django_db


def _kobo_rows() -> tuple[list[str], list[dict[str, str]]]:
    with KOBO.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_presumed_victims_become_records_visible_only_to_their_agency(
    agencies: dict[str, Any], make_user: Any
) -> None:
    from tiphub.web.accounts import policy
    from tiphub.web.audit.models import AuditEvent
    from tiphub.web.registry.models import VictimRecord
    from tiphub.web.screening.models import ScreeningOutcome

    outcome = import_submissions(KOBO, OWN, "cli:test")
    assert outcome.ok
    summary = outcome.summary()
    assert summary["presumed_victims"] == 2
    assert summary["not_presumed_victims"] == 1
    assert (summary["records_stored"], summary["created"]) == (2, 2)

    adult = VictimRecord.objects.get(agency=agencies[OWN], record_id=ADULT_ID)
    assert adult.trafficking_status == "PossibleVictimOfTrafficking"
    assert adult.case_id == "NGO-2026-001"
    assert str(adult.identification_date) == "2026-03-02"
    assert adult.exploitation_types == "ForcedLabour"
    assert "DebtBondage" in adult.means_of_control.split(";")
    assert adult.form_labour is True
    # The person with only weak indicators is not a presumed victim: no record.
    assert not VictimRecord.objects.filter(record_id=WEAK_ID).exists()

    # Every record keeps the screening that made it.
    kept = ScreeningOutcome.objects.get(record=adult)
    assert kept.verdicts["presumed_victim"] == "yes"
    assert "PV-1" in kept.criteria_met
    assert kept.indicators[:2] == ["AL-DR-01", "AL-DR-02"]

    # The registry audited the import.
    assert AuditEvent.objects.filter(action="record.create", object_id=str(adult.pk)).exists()
    assert AuditEvent.objects.filter(action="submission.import").exists()

    # Visible to the submitting agency only.
    own = make_user("caseworker", OWN, name="cw-own")
    other = make_user("caseworker", OTHER, name="cw-other")
    assert policy.visible_records(own).filter(pk=adult.pk).exists()
    assert not policy.visible_records(other).filter(pk=adult.pk).exists()
    assert ADULT_ID in client_for(own).get("/records/").content.decode()
    assert ADULT_ID not in client_for(other).get("/records/").content.decode()
    assert client_for(other).get(f"/records/{adult.pk}/").status_code == 404


def test_reimporting_the_same_submissions_updates_instead_of_duplicating(
    agencies: dict[str, Any],
) -> None:
    from tiphub.web.registry.models import VictimRecord
    from tiphub.web.screening.models import ScreeningOutcome

    assert import_submissions(KOBO, OWN).summary()["created"] == 2
    again = import_submissions(DATA / "odk_central_adults_labour.json", OWN).summary()
    assert (again["created"], again["unchanged"]) == (0, 2)
    assert VictimRecord.objects.filter(record_id__startswith="scr-").count() == 2
    assert ScreeningOutcome.objects.count() == 2


def test_an_invalid_export_stores_nothing(agencies: dict[str, Any], tmp_path: Path) -> None:
    from tiphub.web.registry.models import Submission, VictimRecord

    header, rows = _kobo_rows()
    rows[1]["dim_cd/ind_cd"] = "AL-CD-99"
    outcome = import_submissions(_write(tmp_path / "bad.csv", header, rows), OWN)
    assert not outcome.ok
    assert [str(p) for p in outcome.problems] == [
        "bad.csv, line 3, column 'dim_cd/ind_cd': unknown choice(s) AL-CD-99 "
        "(export choice names - Kobo: 'XML values')"
    ]
    assert not VictimRecord.objects.exists()
    assert not Submission.objects.exists()


def test_a_row_the_data_standard_refuses_is_traced_to_its_submission(
    agencies: dict[str, Any], tmp_path: Path
) -> None:
    from tiphub.web.registry.models import VictimRecord

    header, rows = _kobo_rows()
    rows[0]["citizenship"] = "XXZ"  # three letters, but no such country
    outcome = import_submissions(_write(tmp_path / "country.csv", header, rows), OWN)
    assert not outcome.ok
    problem = outcome.problems[0]
    assert (problem.row, problem.column) == ("line 2", "citizenship")
    assert not VictimRecord.objects.exists()


def test_undecided_people_are_recorded_only_on_request(
    agencies: dict[str, Any], tmp_path: Path
) -> None:
    from tiphub.web.registry.models import VictimRecord

    header, rows = _kobo_rows()
    rows[1]["situation/ctx_act"] = "dont_know"  # the child: act unknown -> undecided
    path = _write(tmp_path / "undecided.csv", header, rows)
    first = import_submissions(path, OWN).summary()
    assert (first["insufficient"], first["records_stored"]) == (1, 1)
    assert not VictimRecord.objects.filter(record_id=CHILD_ID).exists()
    second = import_submissions(path, OWN, include_insufficient=True).summary()
    assert second["records_stored"] == 2
    assert VictimRecord.objects.filter(record_id=CHILD_ID).exists()


def test_an_unknown_agency_is_refused(agencies: dict[str, Any]) -> None:
    with pytest.raises(RegistryError, match="unknown agency 'NOPE'"):
        import_submissions(KOBO, "NOPE")


def test_screen_import_command(agencies: dict[str, Any], tmp_path: Path) -> None:
    import tiphub.cli  # noqa: F401 - registers the commands
    from tiphub.cli.app import app

    runner = CliRunner()
    result = runner.invoke(app, ["screen-import", str(KOBO), "--agency", OWN, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["presumed_victims"], summary["created"]) == (2, 2)
    assert "2 presumed victim(s)" in " ".join(result.stderr.split())

    header, rows = _kobo_rows()
    header.append("given_name")
    bad = runner.invoke(
        app, ["screen-import", str(_write(tmp_path / "n.csv", header, rows)), "--agency", OWN]
    )
    assert bad.exit_code == 1
    message = " ".join(bad.stderr.split())
    assert "column 'given_name': not a question of the tiphub screening form" in message
    assert "nothing was stored" in message
    missing = runner.invoke(app, ["screen-import", str(KOBO), "--agency", "NOPE"])
    assert missing.exit_code == 1
    assert "unknown agency" in missing.stderr
