"""Importing agency files: validated, all or nothing, re-imports update, everything audited."""

import copy

import pytest
from django.core.exceptions import ValidationError
from registry_data import CANARY_ROWS

from tiphub.web.audit.models import AuditEvent
from tiphub.web.audit.services import verify_chain
from tiphub.web.registry import protection, services
from tiphub.web.registry.models import Agency, Submission, VictimRecord
from tiphub.web.registry.services import RegistryError, get_record, import_file

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    return list(
        VictimRecord.objects.order_by("agency_id", "record_id").values_list(
            "agency_id", "record_id", "gender", "fingerprint", "key_id", "updated_at"
        )
    )


def test_import_stores_clear_statistics_and_encrypted_identities(intake_file) -> None:
    result = import_file(intake_file(), "POL", "cli:test", create_agency=True)
    assert result.ok
    assert result.agency_created
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    sub = result.submission
    assert sub is not None
    assert sub.status == "succeeded"
    assert (sub.rows_total, sub.rows_created, sub.actor_label) == (3, 3, "cli:test")
    record = VictimRecord.objects.get(record_id="P-1")
    assert (record.year, record.sex, record.age_group, record.age_band) == (
        2023,
        "F",
        "Y_GE18",
        "21--23",
    )
    assert record.is_child is False
    assert record.form_sexual
    assert not record.form_labour
    assert record.means_of_control == "DebtBondage;WithholdsDocuments"
    assert bytes(record.identity_ct)[:1] == b"\x01"
    assert record.submission_id == sub.pk
    child = VictimRecord.objects.get(record_id="P-2")
    assert child.is_child is True
    assert child.age_group == "Y0T17"
    bare = VictimRecord.objects.get(record_id="P-3")
    assert bare.identity_ct is None
    assert bare.sensitive_ct is None
    assert bare.form_organ

    opened = get_record("cli:test", record.pk, purpose="test")
    assert opened.identity["given_name"] == "Zorabelle"
    assert opened.identity["date_of_birth"] == "1999-07-14"
    assert opened.sensitive["narrative"].startswith("Recruited by Thessaly")
    assert opened.fields["citizenship"] == "UKR"


def test_every_write_and_read_is_audited_without_values(intake_file) -> None:
    result = import_file(intake_file(), "POL", "cli:test", create_agency=True)
    creates = AuditEvent.objects.filter(action="record.create")
    assert creates.count() == 3
    assert set(creates.values_list("object_id", flat=True)) == {
        str(pk) for pk in result.record_pks.values()
    }
    summary = AuditEvent.objects.get(action="submission.import")
    assert summary.details["created"] == 3
    assert summary.object_id == str(result.submission.pk)
    pk = result.record_pks["P-1"]
    get_record("cli:test", pk, purpose="case review")
    read = AuditEvent.objects.get(action="record.read")
    assert read.object_id == str(pk)
    assert read.agency == "POL"
    assert read.purpose == "case review"
    assert "given_name" in read.fields
    assert "narrative" in read.fields
    text = " ".join(str(v) for v in AuditEvent.objects.values_list("details", "fields", "purpose"))
    assert "Zorabelle" not in text
    assert verify_chain().ok


def test_one_bad_row_stores_nothing(intake_file) -> None:
    Agency.objects.create(code="NGO", name="Shelter")
    rows = copy.deepcopy(CANARY_ROWS)
    rows[1]["gender"] = "Robot"
    rows[2]["identification_date"] = "2024-02-30"
    result = import_file(intake_file(rows), "NGO", "cli:test")
    assert not result.ok
    assert VictimRecord.objects.count() == 0
    assert result.report["n_errors"] == 2
    reasons = {(e["row"], e["column"]) for e in result.report["errors"]}
    assert reasons == {(3, "gender"), (4, "identification_date")}
    sub = Submission.objects.get()
    assert sub.status == "rejected"
    assert sub.error_count == 2
    assert sub.report["errors"][0]["row"] == 3
    event = AuditEvent.objects.get(action="submission.import")
    assert event.outcome == "rejected"


def test_rejected_file_of_a_new_agency_creates_nothing(intake_file) -> None:
    rows = copy.deepcopy(CANARY_ROWS)
    rows[0]["citizenship"] = "Atlantis"
    result = import_file(intake_file(rows), "NEW", "cli:test", create_agency=True)
    assert not result.ok
    assert not Agency.objects.filter(code="NEW").exists()
    assert not Submission.objects.exists()


def test_identifying_values_never_enter_the_stored_report(intake_file) -> None:
    Agency.objects.create(code="NGO", name="Shelter")
    rows = copy.deepcopy(CANARY_ROWS)
    rows[0]["date_of_birth"] = "1999-13-45"  # invalid identifying value
    result = import_file(intake_file(rows), "NGO", "cli:test")
    assert not result.ok
    issue = result.report["errors"][0]
    assert issue["column"] == "date_of_birth"
    assert issue["value"] is None
    assert "1999-13-45" not in str(Submission.objects.get().report)


def test_reimport_updates_and_never_duplicates(intake_file) -> None:
    first = import_file(intake_file(), "POL", "cli:test", create_agency=True)
    again = import_file(intake_file(), "POL", "cli:test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert VictimRecord.objects.count() == 3
    rows = copy.deepcopy(CANARY_ROWS)
    rows[0]["family_name"] = "Quistgaard"
    rows[0]["gender"] = "Masculine"
    rows.append({"record_id": "P-4", "identification_date": "2024-03-01", "age": "40"})
    changed = import_file(intake_file(rows), "POL", "cli:test")
    assert (changed.created, changed.updated, changed.unchanged) == (1, 1, 2)
    assert VictimRecord.objects.count() == 4
    record = VictimRecord.objects.get(record_id="P-1")
    assert record.pk == first.record_pks["P-1"]  # same row, updated in place
    assert record.sex == "M"
    assert record.submission_id == changed.submission.pk
    assert get_record(None, record.pk).identity["family_name"] == "Quistgaard"
    update = AuditEvent.objects.get(action="record.update")
    assert update.object_id == str(record.pk)
    assert set(update.fields) == {"family_name", "gender", "sex"}


def test_same_record_id_in_two_agencies_are_two_records(intake_file) -> None:
    import_file(intake_file(), "POL", None, create_agency=True)
    import_file(intake_file(), "NGO", None, create_agency=True)
    assert VictimRecord.objects.filter(record_id="P-1").count() == 2


def test_an_exception_mid_import_rolls_everything_back(intake_file, monkeypatch) -> None:
    import_file(intake_file(), "POL", "cli:test", create_agency=True)
    before = _snapshot()
    events_before = AuditEvent.objects.count()
    rows = copy.deepcopy(CANARY_ROWS)
    for row in rows:
        row["gender"] = "Masculine"  # every record would be updated
    rows += [
        {"record_id": f"N-{i}", "identification_date": "2024-01-01", "age": "20"} for i in range(10)
    ]
    real_seal = protection.seal_many
    calls = {"n": 0}

    def failing_seal(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # two batches are already written when this fails
            raise RuntimeError("disk full")
        return real_seal(*args, **kwargs)

    monkeypatch.setattr(protection, "seal_many", failing_seal)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(intake_file(rows), "POL", "cli:test", batch_size=4)
    assert calls["n"] == 3
    assert _snapshot() == before
    failed = Submission.objects.get(status="failed")
    assert failed.report["failure"] == "RuntimeError"
    new_events = AuditEvent.objects.order_by("seq")[events_before:]
    assert [(e.action, e.outcome) for e in new_events] == [("submission.import", "failed")]
    assert verify_chain().ok


def test_ctrl_c_mid_import_leaves_the_database_as_it_was(intake_file, monkeypatch) -> None:
    import_file(intake_file(), "POL", None, create_agency=True)
    before = _snapshot()
    rows = copy.deepcopy(CANARY_ROWS)
    rows[0]["gender"] = "Masculine"
    rows += [{"record_id": f"N-{i}", "identification_date": "2024-01-01"} for i in range(6)]

    def interrupt(done: int, total: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(intake_file(rows), "POL", None, batch_size=2, progress=interrupt)
    assert _snapshot() == before


def test_unknown_agency_and_bad_codes_are_refused(intake_file) -> None:
    with pytest.raises(RegistryError, match="unknown agency"):
        import_file(intake_file(), "NOPE", None)
    with pytest.raises(ValidationError):
        import_file(intake_file(), "bad code!", None, create_agency=True)
    with pytest.raises(RegistryError, match="no such file"):
        import_file("/nonexistent/file.csv", "POL", None, create_agency=True)
    assert not Agency.objects.exists()
    Agency.objects.create(code="OLD", name="Closed office", active=False)
    with pytest.raises(RegistryError, match="inactive"):
        import_file(intake_file(), "OLD", None)


def test_blind_index_finds_exact_identities_only(intake_file) -> None:
    result = import_file(intake_file(), "POL", None, create_agency=True)
    p1 = result.record_pks["P-1"]

    def found(**criteria) -> set[int]:
        q = services.blind_index_filter(**criteria)
        return set(VictimRecord.objects.filter(q).values_list("pk", flat=True))

    assert found(full_name="quistgaard vennick ZORABELLE") == {p1}
    assert found(family_name="Quistgaard-Vennick") == {p1}
    assert found(date_of_birth="1999-07-14") == {p1}
    assert found(document_number="xq 778-1234") == {p1}
    assert found(full_name="Zorabelle", date_of_birth="1999-07-14") == set()  # all must match
    assert found(family_name="Quistgaard") == set()
    assert found(full_name="   ") == set()  # nothing searchable: nothing, not everything
    assert found() == set()


def test_statistical_frame_has_the_contract_columns_and_no_identity(intake_file) -> None:
    import_file(intake_file(), "POL", None, create_agency=True)
    frame = services.statistical_frame()
    assert list(frame.columns) == list(services.FRAME_COLUMNS)
    assert len(frame) == 3
    row = frame.set_index("year").loc[2023]
    assert row["agency"] == "POL"
    assert row["sex"] == "F"
    assert row["exploitation_types"] == "SexualExploitation"
    assert bool(row["form_sexual"])
    assert str(frame["is_child"].dtype) == "boolean"
    text = frame.to_csv()
    assert "Zorabelle" not in text
    assert "1999-07-14" not in text
    assert services.statistical_frame(["NGO"]).empty
