"""Linkage's record -> person map in the registry's statistical frame, and what follows from it:
the indicators count unique persons, and a new linkage run makes a release out of date. Also the
registry's bulk identity read for plaintext linkage (each read audited with its purpose)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tiphub.web.analysis.models import LinkageMode, LinkageRun, PersonLink

from .support import GOOD_ROWS, OTHER, OWN, make_record, write_intake


def _run(records: list[Any], persons: list[str]) -> LinkageRun:
    run = LinkageRun.objects.create(
        mode=LinkageMode.ENCODED,
        threshold=0.5,
        data_fingerprint="0" * 64,
        records=len(records),
        persons=len(set(persons)),
        candidate_pairs=0,
        agencies={OWN: 3, OTHER: 3},
        actor_label="test",
    )
    PersonLink.objects.bulk_create(
        PersonLink(
            run=run,
            agency=r.agency.code,
            record_id=r.record_id,
            registry_record=r,
            person_id=p,
        )
        for r, p in zip(records, persons, strict=True)
    )
    return run


def test_the_frame_names_each_records_person_once_linkage_has_run(
    stored: dict[str, Any],
) -> None:
    from tiphub.web.registry.services import statistical_frame

    assert "person_id" not in statistical_frame().columns  # no linkage yet: records
    own, other = stored[OWN]["records"], stored[OTHER]["records"]
    # POL-REC-0 and NGO-REC-0 are one person; NGO-REC-2 is left out of the run.
    _run([*own, other[0], other[1]], ["P1", "P2", "P3", "P1", "P4"])
    frame = statistical_frame().set_index("record_pk")
    assert frame.loc[own[0].pk, "person_id"] == "P1"
    assert frame.loc[other[0].pk, "person_id"] == "P1"
    assert frame.loc[other[2].pk, "person_id"] is None


def test_indicators_count_unique_persons(agencies: dict[str, Any], role_users: Any) -> None:
    from tiphub.web.monitoring.services import compute_release, is_stale

    own = [make_record(agencies[OWN], f"P-{i}") for i in range(12)]
    other = [make_record(agencies[OTHER], f"N-{i}") for i in range(12)]
    before = compute_release(role_users["statistician"])
    assert not before.unduplicated
    # Six people are known to both agencies: 24 records, 18 persons.
    _run(
        [*own, *other],
        [f"A{i}" for i in range(12)] + [f"A{i}" for i in range(6)] + [f"B{i}" for i in range(6)],
    )
    assert is_stale(before)  # linkage changed who is who
    after = compute_release(role_users["statistician"])
    assert after.unduplicated

    def detected(release: Any) -> Any:
        return next(
            v["value"]
            for v in release.values
            if v["indicator"] == "VC_HTF_DETV" and v["year"] == 2023 and not v["disaggregation"]
        )

    assert detected(before) == 24
    assert detected(after) == 18


def test_identities_are_read_for_linkage_with_every_read_audited(
    db: Any, tmp_path: Path, role_users: dict[str, Any]
) -> None:
    from tiphub.web.audit.models import AuditEvent
    from tiphub.web.registry.services import import_file, read_identities

    path = write_intake(tmp_path / "pol.csv", GOOD_ROWS)
    result = import_file(path, OWN, "cli:test")
    assert result.ok
    statistician = role_users["statistician"]
    read = list(read_identities(statistician, [OWN], purpose="linkage"))
    assert sorted(r.record_id for r in read) == ["W-1", "W-2", "W-3"]
    first = next(r for r in read if r.record_id == "W-1")
    assert first.identity["given_name"] == GOOD_ROWS[0]["given_name"]
    assert first.sensitive == {}  # the narrative is never opened
    events = AuditEvent.objects.filter(action="record.read", purpose="linkage")
    assert events.count() == 3
    assert {e.actor_id for e in events} == {statistician.pk}
    assert "given_name" in next(e for e in events if e.details["record_id"] == "W-1").fields
    assert list(read_identities(statistician, [OTHER], purpose="linkage")) == []
