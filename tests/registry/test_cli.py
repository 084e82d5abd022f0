"""The registry's commands: exit codes, messages, no identifying value on the terminal."""

import copy
import json

import pytest
from django.db import connection
from registry_data import CANARIES, CANARY_ROWS
from typer.testing import CliRunner

from tiphub.cli.app import app
from tiphub.web.audit import triggers
from tiphub.web.audit.models import AuditEvent
from tiphub.web.registry.models import Agency, VictimRecord

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_import_stores_and_notes_a_new_agency(intake_file) -> None:
    path = intake_file()
    result = runner.invoke(
        app,
        ["import", str(path), "--agency", "POL", "--name", "Police", "--kind", "LawEnforcement"],
    )
    assert result.exit_code == 0, result.stderr
    assert "agency POL did not exist and was created" in result.stderr
    assert "3 new, 0 updated, 0 unchanged" in result.stderr
    assert Agency.objects.get(code="POL").kind == "LawEnforcement"
    again = runner.invoke(app, ["import", str(path), "--agency", "POL", "--json"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)["unchanged"] == 3
    assert "did not exist" not in again.stderr
    assert VictimRecord.objects.count() == 3


def test_an_invalid_file_exits_1_with_its_report_and_no_identity(intake_file) -> None:
    rows = copy.deepcopy(CANARY_ROWS)
    rows[0]["date_of_birth"] = "1999-02-31"
    rows[1]["citizenship"] = "Narnia"
    result = runner.invoke(app, ["import", str(intake_file(rows)), "--agency", "POL"])
    assert result.exit_code == 1
    assert "date_of_birth" in result.stderr
    assert "Narnia" in result.stderr  # a statistical value may be shown
    assert "1999-02-31" not in result.stderr  # an identifying one never
    assert "nothing was stored" in result.stderr
    for canary in CANARIES:
        assert canary not in result.stderr + result.stdout
    assert not VictimRecord.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "/no/such.csv", "--agency", "POL"], "no such file"),
        (["import", "{file}", "--agency", "POL", "--kind", "Spaceship"], "--kind must be"),
        (["import", "{file}", "--agency", "no spaces!"], "agency code"),
        (["import", "{file}", "--agency", "POL", "--format", "json"], "--format"),
        (["export", "ctdc", "--out", "{tmp}/x.csv", "--agency", "NONE"], "unknown agency"),
    ],
)
def test_usage_errors_exit_2(intake_file, tmp_path, args, message) -> None:
    path = intake_file()
    argv = [a.format(file=path, tmp=tmp_path) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_audit_verify_passes_then_names_the_tampered_event(intake_file) -> None:
    runner.invoke(app, ["import", str(intake_file()), "--agency", "POL"])
    ok = runner.invoke(app, ["audit", "verify", "--json"])
    assert ok.exit_code == 0
    report = json.loads(ok.stdout)
    assert report["ok"]
    assert report["events"] == 4  # 3 creates + 1 import
    # The check itself is audited after it ran, as the page's check is, with the head checked.
    check = AuditEvent.objects.get(seq=5)
    assert (check.action, check.outcome, check.actor_label[:3]) == ("audit.verify", "ok", "cli")
    assert check.details == {
        "via": "cli",
        "events": 4,
        "head_seq": 4,
        "head_hash": report["head_hash"],
    }
    target = AuditEvent.objects.get(seq=2)
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            table = AuditEvent._meta.db_table
            cursor.execute(f"UPDATE {table} SET actor_label = 'someone-else' WHERE seq = 2")  # noqa: S608
    finally:
        triggers.install(connection)
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"audit chain broken at event 2 (id {target.pk})" in broken.stderr
    assert "edited" in broken.stderr
    failed = AuditEvent.objects.filter(action="audit.verify").latest("seq")
    assert failed.outcome == "failed"
    assert (failed.details["bad_seq"], failed.details["bad_id"]) == (2, target.pk)


def test_export_is_audited_and_holds_no_identity(intake_file, tmp_path) -> None:
    runner.invoke(app, ["import", str(intake_file()), "--agency", "POL"])
    out = tmp_path / "ctdc.csv"
    result = runner.invoke(app, ["export", "ctdc", "--out", str(out), "--agency", "POL"])
    assert result.exit_code == 0, result.stderr
    assert "wrote 3 record(s)" in result.stderr
    text = out.read_text()
    assert text.splitlines()[0].startswith("yearOfRegistration,")
    for canary in CANARIES:
        assert canary not in text
    event = AuditEvent.objects.get(action="record.export")
    assert event.details == {"format": "ctdc", "rows": 3, "scope": "POL"}
    assert event.actor_label.startswith("cli")
