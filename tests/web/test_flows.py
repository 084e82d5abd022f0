"""Main flows through the real registry: upload (bad, then good), report, dashboard, records,
search, field masking, export and the API, each checked for scope and audit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from .support import (
    BAD_ROWS,
    CANARY_DOCUMENT,
    CANARY_FAMILY,
    CANARY_GIVEN,
    GOOD_ROWS,
    OTHER,
    OWN,
    client_for,
    write_intake,
)


def _events(action: str, **filters: Any) -> list[Any]:
    from tiphub.web.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


def _upload(client: Client, path: Path, url: str = "/submissions/") -> Any:
    with path.open("rb") as handle:
        return client.post(url, {"file": handle}, follow=url == "/submissions/")


@pytest.fixture
def imported(role_users: dict[str, Any], tmp_path: Path, make_user: Any) -> dict[str, Any]:
    """The good file imported by POL's data officer through the page; NGO has one record too."""
    from tiphub.web.registry.services import import_file

    officer = client_for(role_users["data_officer"])
    response = _upload(officer, write_intake(tmp_path / "pol-good.csv", GOOD_ROWS))
    assert response.status_code == 200
    ngo_rows = [{**GOOD_ROWS[1], "record_id": "N-1", "given_name": "Otherina"}]
    result = import_file(write_intake(tmp_path / "ngo.csv", ngo_rows), OTHER, "cli:test")
    assert result.ok
    return {"ngo_pk": result.record_pks["N-1"]}


def _pk(record_id: str) -> int:
    from tiphub.web.registry.models import VictimRecord

    return int(VictimRecord.objects.get(record_id=record_id).pk)


def test_a_file_with_errors_is_reported_row_by_row_and_stores_nothing(
    role_users: dict[str, Any], tmp_path: Path
) -> None:
    from tiphub.web.registry.models import Submission, VictimRecord

    officer = client_for(role_users["data_officer"])
    response = _upload(officer, write_intake(tmp_path / "bad.csv", BAD_ROWS))
    page = response.content.decode()
    assert response.status_code == 200
    assert "validation-report" in page
    assert "Dragon" in page  # the bad code value (gender is not identifying)
    assert "not a real date" in page
    assert CANARY_GIVEN not in page
    assert VictimRecord.objects.count() == 0
    submission = Submission.objects.get()
    assert submission.status == "rejected"
    assert submission.uploaded_by == role_users["data_officer"]
    assert _events("submission.import", outcome="rejected")


def test_good_upload_changes_the_dashboard(role_users: dict[str, Any], tmp_path: Path) -> None:
    supervisor = client_for(role_users["supervisor"])
    before = supervisor.get("/api/v1/statistics/").json()
    assert before["total"]["count"] == 0
    _upload(client_for(role_users["data_officer"]), write_intake(tmp_path / "g.csv", GOOD_ROWS))
    after = supervisor.get("/api/v1/statistics/").json()
    assert after["total"]["count"] == 3
    years = {c["key"]: c["count"] for c in after["breakdowns"]["year"]}
    assert years == {"2022": 1, "2023": 2}
    page = supervisor.get("/dashboard/").content.decode()
    assert 'id="total-records">3<' in page
    assert "<svg" in page


def test_statistician_sees_only_suppressed_aggregates(
    role_users: dict[str, Any], imported: dict[str, Any]
) -> None:
    body = client_for(role_users["statistician"]).get("/api/v1/statistics/").json()
    assert body["min_cell"] == 11
    assert body["total"] == {"key": "total", "label": "Total", "count": None, "display": "<11"}
    for cells in body["breakdowns"].values():
        assert all(cell["count"] in (None, 0) for cell in cells)
    for url in ("/records/", f"/records/{_pk('W-1')}/", "/api/v1/records/"):
        assert client_for(role_users["statistician"]).get(url).status_code == 403


def test_identity_roles_see_names_and_every_read_is_audited(
    role_users: dict[str, Any], imported: dict[str, Any]
) -> None:
    pk = _pk("W-1")
    page = client_for(role_users["caseworker"]).get(f"/records/{pk}/").content.decode()
    assert CANARY_GIVEN in page
    assert CANARY_DOCUMENT in page
    api = client_for(role_users["caseworker"]).get(f"/api/v1/records/{pk}/").json()
    assert api["values"]["family_name"] == CANARY_FAMILY
    assert api["withheld"] == []
    reads = _events("record.read", object_id=str(pk))
    assert len(reads) == 2
    assert "given_name" in reads[0].fields
    assert all(e.actor_label == "caseworker-pol" for e in reads)


def test_pseudonymous_role_never_sees_an_identity(
    role_users: dict[str, Any], imported: dict[str, Any]
) -> None:
    pk = _pk("W-1")
    client = client_for(role_users["data_officer"])
    page = client.get(f"/records/{pk}/").content.decode()
    assert CANARY_GIVEN not in page
    assert CANARY_DOCUMENT not in page
    assert "restricted for your role" in page
    body = client.get(f"/api/v1/records/{pk}/").json()
    assert "given_name" not in body["values"]
    assert "narrative" in body["withheld"]
    assert body["values"]["sex"] == "F"
    read = _events("record.read", object_id=str(pk))[-1]
    assert "given_name" not in read.fields
    assert "sex" in read.fields


def test_search_by_name_finds_only_own_agency_records(
    role_users: dict[str, Any], imported: dict[str, Any]
) -> None:
    client = client_for(role_users["caseworker"])
    search = "/api/v1/records/search/"
    found = client.post(search, {"name": f"{CANARY_FAMILY} {CANARY_GIVEN}"}, "application/json")
    assert [r["record_id"] for r in found.json()["results"]] == ["W-1"]
    by_doc = client.post(
        "/records/search/", {"document_number": CANARY_DOCUMENT.lower()}, follow=True
    )
    assert "W-1" in by_doc.content.decode()
    # The NGO record's name, searched from POL: nothing, and no hint that it exists.
    other_name = f"Otherina {GOOD_ROWS[1]['family_name']}"
    foreign = client.post(search, {"name": other_name}, "application/json")
    assert foreign.json()["count"] == 0
    searches = _events("record.search")
    assert searches
    assert all(CANARY_GIVEN not in str(e.details) for e in searches)


def test_another_agencys_record_cannot_be_opened_anywhere(
    role_users: dict[str, Any], imported: dict[str, Any]
) -> None:
    ngo_pk = imported["ngo_pk"]
    for role in ("caseworker", "supervisor", "data_officer"):
        client = client_for(role_users[role])
        assert client.get(f"/records/{ngo_pk}/").status_code == 404
        assert client.get(f"/api/v1/records/{ngo_pk}/").status_code == 404
    assert len(_events("access.denied", object_id=str(ngo_pk))) == 6
    assert not _events("record.read", object_id=str(ngo_pk))


def test_only_exporting_roles_see_the_export_link(role_users: dict[str, Any]) -> None:
    assert (
        "/api/v1/records/export/"
        in client_for(role_users["supervisor"]).get("/records/").content.decode()
    )
    assert (
        "/api/v1/records/export/"
        not in client_for(role_users["caseworker"]).get("/records/").content.decode()
    )


def test_export_holds_own_records_without_identities(
    role_users: dict[str, Any], imported: dict[str, Any]
) -> None:
    response = client_for(role_users["supervisor"]).get("/api/v1/records/export/")
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    csv_text = text.decode()
    assert csv_text.splitlines()[0].startswith("id,agency,record_id")
    assert {line.split(",")[2] for line in csv_text.splitlines()[1:]} == {"W-1", "W-2", "W-3"}
    assert CANARY_GIVEN not in csv_text
    assert "Otherina" not in csv_text
    exports = _events("record.export")
    summary = exports[-1]
    assert summary.details["count"] == 3
    assert summary.agency == OWN
    per_record = [e for e in exports if e.object_id]
    assert sorted(e.object_id for e in per_record) == sorted(
        str(_pk(r)) for r in ("W-1", "W-2", "W-3")
    )
    assert {e.details["export"] for e in exports} == {summary.details["export"]}
    assert "given_name" not in per_record[0].fields


def test_api_upload_reports_errors_with_422(role_users: dict[str, Any], tmp_path: Path) -> None:
    client = client_for(role_users["data_officer"])
    bad = write_intake(tmp_path / "bad.csv", BAD_ROWS)
    with bad.open("rb") as handle:
        response = client.post("/api/v1/submissions/", {"file": handle})
    assert response.status_code == 422
    errors = response.json()["report"]["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (3, "gender"),
        (4, "identification_date"),
    }
    good = write_intake(tmp_path / "good.csv", GOOD_ROWS)
    with good.open("rb") as handle:
        response = client.post("/api/v1/submissions/", {"file": handle})
    assert response.status_code == 201
    assert response.json()["rows_created"] == 3


def test_upload_refuses_other_file_types(role_users: dict[str, Any]) -> None:
    client = client_for(role_users["data_officer"])
    fake = io.BytesIO(b"MZ\x90\x00")
    fake.name = "tool.exe"
    response = client.post("/submissions/", {"file": fake})
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()


def test_caseworker_cannot_upload(role_users: dict[str, Any], tmp_path: Path) -> None:
    client = client_for(role_users["caseworker"])
    good = write_intake(tmp_path / "good.csv", GOOD_ROWS)
    with good.open("rb") as handle:
        assert client.post("/submissions/", {"file": handle}).status_code == 403
    with good.open("rb") as handle:
        assert client.post("/api/v1/submissions/", {"file": handle}).status_code == 403


def test_dpo_reads_the_audit_log_and_that_read_is_audited(
    role_users: dict[str, Any], imported: dict[str, Any]
) -> None:
    client = client_for(role_users["dpo"])
    page = client.get("/audit/", {"action": "submission.*"}).content.decode()
    assert "submission.import" in page
    assert CANARY_GIVEN not in page
    api = client.get("/api/v1/audit/events/", {"action": "auth.login"}).json()
    assert api["count"] >= 1
    assert _events("audit.read")
