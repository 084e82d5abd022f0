"""The audit log: append-only (model and database), hash-chained, verifiable."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections, transaction

from tiphub.web.audit import triggers
from tiphub.web.audit.chain import GENESIS, event_hash
from tiphub.web.audit.models import AppendOnlyError, AuditEvent
from tiphub.web.audit.services import record_event, verify_chain
from tiphub.web.registry.models import Agency

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    agency = Agency.objects.create(code="POL", name="Police")
    return [
        record_event("cli:test", "record.read", agency, fields=["given_name"], details={"n": i})
        for i in range(n)
    ]


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_form_a_chain() -> None:
    events = _events(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    stored = AuditEvent.objects.get(seq=2)
    row = {name: getattr(stored, name) for name in ("seq", "created_at", "actor_id")}
    assert row["seq"] == 2
    assert stored.agency == "POL"
    assert stored.object_type == "registry.agency"
    report = verify_chain()
    assert report.ok
    assert report.events == 3
    assert report.head_hash == events[2].hash


def test_user_actor_is_recorded_by_id_and_name() -> None:
    user = get_user_model().objects.create_user("dpo", password="x" * 16)
    event = record_event(user, "auth.login")
    assert event.actor_id == user.pk
    assert event.actor_label == "dpo"
    assert record_event(None, "auth.login_failed", outcome="failed").actor_label == "system"


def test_the_model_refuses_change_and_removal() -> None:
    event = _events(1)[0]
    event.purpose = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify_chain().ok


def test_the_database_refuses_change_and_removal() -> None:
    event = _events(1)[0]
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {table} SET purpose = %s WHERE id = %s", ["x", event.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(f"TRUNCATE {table}", [])
    assert AuditEvent.objects.filter(pk=event.pk, purpose="").exists()


def test_verify_names_the_edited_event() -> None:
    events = _events(5)
    table = AuditEvent._meta.db_table
    triggers.uninstall(connection)  # what an attacker with the database owner's rights could do
    try:
        _raw(f"UPDATE {table} SET outcome = %s WHERE seq = 3", ["denied"])  # noqa: S608
    finally:
        triggers.install(connection)
    report = verify_chain()
    assert not report.ok
    assert report.bad_seq == 3
    assert report.bad_pk == events[2].pk
    assert "edited" in report.reason
    assert report.events == 2


def test_verify_detects_an_edit_with_a_recomputed_hash() -> None:
    _events(4)
    table = AuditEvent._meta.db_table
    target = AuditEvent.objects.get(seq=2)
    forged = {name: getattr(target, name) for name in ("seq", "created_at", "actor_id")}
    forged.update(
        actor_label=target.actor_label,
        action="record.read",
        object_type=target.object_type,
        object_id=target.object_id,
        agency=target.agency,
        outcome="ok",
        fields=[],
        purpose="",
        details=target.details,
        prev_hash=target.prev_hash,
    )
    triggers.uninstall(connection)
    try:
        _raw(
            f"UPDATE {table} SET fields = %s, hash = %s WHERE seq = 2",  # noqa: S608
            ["[]", event_hash(forged)],
        )
    finally:
        triggers.install(connection)
    report = verify_chain()
    assert not report.ok
    assert report.bad_seq == 3
    assert "previous event" in report.reason


def test_verify_names_the_event_after_a_deletion() -> None:
    _events(5)
    table = AuditEvent._meta.db_table
    triggers.uninstall(connection)
    try:
        _raw(f"DELETE FROM {table} WHERE seq = 2", [])  # noqa: S608
    finally:
        triggers.install(connection)
    report = verify_chain()
    assert not report.ok
    assert report.bad_seq == 3
    assert "2..2 are missing" in report.reason


def test_details_never_carry_identifying_fields_or_unsafe_values() -> None:
    with pytest.raises(ValueError, match="identifying"):
        record_event(None, "record.read", details={"given_name": "Ana"})
    with pytest.raises(ValueError, match="identifying"):
        record_event(None, "record.read", details={"rows": [{"narrative": "..."}]})
    with pytest.raises(ValueError, match="float"):
        record_event(None, "record.read", details={"score": 0.5})
    with pytest.raises(ValueError, match=r"object\.verb"):
        record_event(None, "READ")
    with pytest.raises(ValueError, match="outcome"):
        record_event(None, "record.read", outcome="maybe")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain() -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                record_event(f"cli:w{n}", "record.read", details={"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    report = verify_chain()
    assert report.ok
    assert report.events == 40
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 41))
