"""The DPO's audit page: reading the log is audited (A5.3), and the chain can be verified there
with the same service function as `tiphub audit verify`, the check itself audited."""

from __future__ import annotations

from typing import Any

from django.db import connection

from tiphub.web.audit import triggers
from tiphub.web.audit.models import AuditEvent
from tiphub.web.audit.services import record_event, verify_chain

from .support import client_for


def _events(action: str) -> list[Any]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_every_read_of_the_log_is_audited_with_its_filters_and_page(
    role_users: dict[str, Any],
) -> None:
    for n in range(3):
        record_event("cli:test", "record.read", details={"n": n})
    dpo = client_for(role_users["dpo"])
    assert dpo.get("/audit/", {"action": "record.*", "agency": "POL"}).status_code == 200
    assert dpo.get("/api/v1/audit/events/", {"outcome": "ok"}).status_code == 200
    reads = _events("audit.read")
    assert [e.actor_label for e in reads] == ["dpo-national", "dpo-national"]
    assert reads[0].details == {"filters": ["action", "agency"], "page": 1}
    assert reads[1].details == {"via": "api", "filters": ["outcome"], "page": 1}


def test_the_page_documents_the_command_and_offers_the_check(role_users: dict[str, Any]) -> None:
    page = client_for(role_users["dpo"]).get("/audit/").content.decode()
    assert "tiphub audit verify" in page
    assert 'action="/audit/verify/"' in page


def test_verifying_from_the_page_reports_the_head_and_is_audited(
    role_users: dict[str, Any],
) -> None:
    record_event("cli:test", "record.read")
    dpo = client_for(role_users["dpo"])
    expected = verify_chain()
    response = dpo.post("/audit/verify/")
    assert response.status_code == 303
    assert response["Location"] == "/audit/"
    page = dpo.get("/audit/").content.decode()
    assert "Audit chain intact" in page
    assert expected.head_hash in page
    check = _events("audit.verify")[-1]
    assert check.outcome == "ok"
    assert check.actor_label == "dpo-national"
    assert check.details["events"] == expected.events
    assert check.details["head_hash"] == expected.head_hash
    assert verify_chain().ok  # the check's own event extends the chain


def test_verifying_names_an_edited_event(role_users: dict[str, Any]) -> None:
    edited = record_event("cli:test", "record.read")
    record_event("cli:test", "record.read")
    table = AuditEvent._meta.db_table
    triggers.uninstall(connection)  # what someone with the database owner's rights could do
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET purpose = %s WHERE id = %s", ["x", edited.pk])  # noqa: S608
    finally:
        triggers.install(connection)
    dpo = client_for(role_users["dpo"])
    dpo.post("/audit/verify/")
    page = dpo.get("/audit/").content.decode()
    assert f"Audit chain broken at event {edited.seq}" in page
    check = _events("audit.verify")[-1]
    assert check.outcome == "failed"
    assert check.details["bad_seq"] == edited.seq


def test_only_the_dpo_may_verify(role_users: dict[str, Any]) -> None:
    for role in ("caseworker", "supervisor", "statistician", "admin"):
        assert client_for(role_users[role]).post("/audit/verify/").status_code == 403, role
    assert not _events("audit.verify")
    assert len(_events("access.denied")) == 4
