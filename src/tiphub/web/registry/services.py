"""The registry's service layer: the only way other code writes or reads victim records.

- `import_file(path, agency_code, actor)`: validate with the data standard, then store all or
  nothing in one transaction (re-importing an agency's record ids updates them).
- `get_record(actor, pk)`: one record with its identifying fields decrypted; audited.
- `read_identities(actor, agencies, purpose=...)`: identities of many records for processing on
  the server (plaintext linkage); each read audited.
- `blind_index_filter(...)`: a queryset filter for exact search by name, date of birth, document.
- `statistical_frame()`: the non-identifying frame of docs/contracts.md section 2.
- `export_ctdc(out, agency_code=None, actor=None)`: the CTDC 2024 layout; audited as an export.

Audit (docs/registry.md): an import writes one `record.create` or `record.update` event per
record it wrote (naming the fields that changed, never their values) and one `submission.import`
event for the file; unchanged records write nothing. Every `get_record` writes `record.read`
with the fields it revealed; an export writes `record.export` with the record count.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tiphub.standard.derive import STATISTICAL_COLUMNS
from tiphub.web.audit.services import EventSpec, record_event, record_events
from tiphub.web.bulk import insert_rows
from tiphub.web.registry import intake, keys, protection
from tiphub.web.registry.models import (
    Agency,
    AgencyKind,
    Submission,
    SubmissionStatus,
    VictimRecord,
)

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

BATCH_SIZE = 2000
#: Chunk of ids per `IN (...)` query (well below SQLite's variable limit).
LOOKUP_CHUNK = 5000
RECORD_TYPE = "registry.victimrecord"
#: The clear columns an update rewrites (everything but the natural key and `created_at`).
_WRITE_COLUMNS = (*intake.CLEAR_COLUMNS, "submission", *protection.SEALED_COLUMNS, "updated_at")


class RegistryError(Exception):
    """A request the registry refuses (unknown agency, bad argument): plain message."""


# --- import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did. `ok` is False when the file was invalid (nothing stored)."""

    ok: bool
    agency_code: str
    file_format: str
    submission: Submission | None
    report: dict[str, Any]
    agency_created: bool = False
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    record_pks: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else SubmissionStatus.REJECTED.value


def import_file(
    path: Path | str,
    agency_code: str,
    actor: Any = None,
    *,
    create_agency: bool = False,
    agency_name: str | None = None,
    agency_kind: str = AgencyKind.OTHER,
    file_format: str = "auto",
    display_name: str | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Validate `path` and store its records for `agency_code`, all or nothing.

    actor: the user (web), a label such as "cli:alice", or None (system).
    create_agency: create the agency when it does not exist (the CLI does; the web never).
    file_format: "intake", "ctdc" or "auto" (from the header).
    display_name: the file name to show and keep (an upload stored under a temporary name).
    progress: called with (records done, records total) while storing.

    An invalid file stores no record: the result has `ok=False` and the report, and a rejected
    `Submission` is kept for the history when the agency exists. Any exception (or Ctrl-C)
    while storing rolls everything back; a failed `Submission` is then recorded and the
    exception propagates.
    """
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"{path}: no such file")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None and not create_agency:
        raise RegistryError(
            f"unknown agency {agency_code!r} (create it first, or import with the CLI)"
        )
    if agency is None:
        Agency(code=agency_code, name=agency_name or agency_code, kind=agency_kind).full_clean(
            validate_unique=False
        )
    elif not agency.active:
        raise RegistryError(f"agency {agency_code!r} is inactive: it cannot submit records")
    keys.keyring()  # a missing or wrong key file stops here, before the file is even read
    digest = _sha256(path)
    fmt = intake.detect_format(path) if file_format == "auto" else file_format
    if fmt not in {"intake", "ctdc"}:
        raise RegistryError(f"unknown file format {file_format!r} (intake, ctdc or auto)")
    name = (display_name or path.name)[:255]
    batch = intake.load(path, fmt, display_name=name)
    report = intake.sanitised_report(batch.report)
    if not batch.report.ok:
        return _reject(name, agency_code, actor, fmt, digest, report)

    try:
        with transaction.atomic():
            return _store(
                name,
                agency_code,
                actor,
                create_agency=agency is None,
                agency_name=agency_name,
                agency_kind=agency_kind,
                fmt=fmt,
                digest=digest,
                report=report,
                records=batch.records,
                progress=progress,
                batch_size=batch_size,
            )
    except BaseException as exc:
        _record_failure(name, agency_code, actor, fmt, digest, report, exc)
        raise


def reject_file(
    path: Path,
    agency_code: str,
    actor: Any,
    report: dict[str, Any],
    *,
    file_format: str,
    display_name: str | None = None,
) -> Submission | None:
    """Keep a file that another reader refused (a screening export) in the agency's history
    with its report, audited as a rejected `submission.import`, as invalid intake files are.
    `report` follows the validation report's shape and holds no identifying value."""
    name = (display_name or path.name)[:255]
    return _reject(name, agency_code, actor, file_format, _sha256(path), report).submission


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _actor_fields(actor: Any) -> dict[str, Any]:
    if (
        actor is not None
        and not isinstance(actor, str)
        and getattr(actor, "is_authenticated", False)
    ):
        return {"uploaded_by": actor, "actor_label": actor.get_username()[:150]}
    return {"uploaded_by": None, "actor_label": (actor or "system")[:150]}


def _record_unstored(
    name: str,
    agency_code: str,
    actor: Any,
    fmt: str,
    digest: str,
    report: dict[str, Any],
    *,
    status: SubmissionStatus,
    details: dict[str, Any],
) -> Submission | None:
    """Keep a submission that stored nothing (when its agency exists) and audit the attempt."""
    outcome = "rejected" if status == SubmissionStatus.REJECTED else "failed"
    with transaction.atomic():
        agency = Agency.objects.filter(code=agency_code).first()
        submission = None
        if agency is not None:
            submission = Submission.objects.create(
                agency=agency,
                file_name=name,
                sha256=digest,
                file_format=fmt,
                status=status,
                rows_total=int(report.get("n_rows", 0)),
                error_count=int(report.get("n_errors", 0)),
                report=report,
                finished_at=timezone.now(),
                **_actor_fields(actor),
            )
        record_event(
            actor,
            "submission.import",
            submission,
            agency=agency_code,
            outcome=outcome,
            details={"sha256": digest, "format": fmt, **details},
        )
    return submission


def _reject(
    name: str, agency_code: str, actor: Any, fmt: str, digest: str, report: dict[str, Any]
) -> ImportResult:
    counts = {"rows": int(report.get("n_rows", 0)), "errors": int(report.get("n_errors", 0))}
    submission = _record_unstored(
        name,
        agency_code,
        actor,
        fmt,
        digest,
        report,
        status=SubmissionStatus.REJECTED,
        details=counts,
    )
    return ImportResult(False, agency_code, fmt, submission, report)


def _record_failure(
    name: str,
    agency_code: str,
    actor: Any,
    fmt: str,
    digest: str,
    report: dict[str, Any],
    exc: BaseException,
) -> None:
    """After a rollback: keep a trace of the failed attempt (best effort, never masks `exc`)."""
    failure = type(exc).__name__
    try:
        _record_unstored(
            name,
            agency_code,
            actor,
            fmt,
            digest,
            {**report, "failure": failure},
            status=SubmissionStatus.FAILED,
            details={"failure": failure},
        )
    except Exception:  # the database itself may be what failed
        log.warning("could not record the failed import of %s", name)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _store(
    name: str,
    agency_code: str,
    actor: Any,
    *,
    create_agency: bool,
    agency_name: str | None,
    agency_kind: str,
    fmt: str,
    digest: str,
    report: dict[str, Any],
    records: Sequence[Any],
    progress: Progress | None,
    batch_size: int,
) -> ImportResult:
    agency_created = False
    if create_agency:
        agency, agency_created = Agency.objects.get_or_create(
            code=agency_code, defaults={"name": agency_name or agency_code, "kind": agency_kind}
        )
    # One import per agency at a time: the row lock serialises them (PostgreSQL; SQLite has one
    # writer anyway).
    agency = Agency.objects.select_for_update().get(code=agency_code)
    submission = Submission.objects.create(
        agency=agency,
        file_name=name,
        sha256=digest,
        file_format=fmt,
        rows_total=len(records),
        report=report,
        **_actor_fields(actor),
    )
    ring = keys.keyring()
    cipher = keys.field_cipher()
    indexer = keys.blind_indexer()
    active = ring.active_id
    existing = _existing(agency, [r.record_id for r in records])
    now = timezone.now()
    total = len(records)
    created_ids: list[str] = []
    updated: list[tuple[str, list[str]]] = []
    unchanged = 0
    done = 0
    if progress is not None:
        progress(0, total)
    for chunk in _chunks(records, batch_size):
        prepared = []
        for record in chunk:
            clear = intake.clear_columns(record)
            identifying = intake.identifying_values(record)
            fingerprint = protection.fingerprint(ring, active, clear, identifying)
            old = existing.get(record.record_id)
            if old is not None:
                same = (
                    old["fingerprint"] == fingerprint
                    if old["key_id"] == active
                    else ring.has(old["key_id"])
                    and old["fingerprint"]
                    == protection.fingerprint(ring, old["key_id"], clear, identifying)
                )
                if same:
                    unchanged += 1
                    continue
            prepared.append((record.record_id, clear, identifying, fingerprint, old))
        _write(agency, submission, prepared, cipher, indexer, now, created_ids, updated)
        done += len(chunk)
        if progress is not None:
            progress(done, total)

    pks = _pks(agency, list(created_ids) + [rid for rid, _ in updated])
    events = [
        EventSpec(
            actor,
            "record.create",
            RECORD_TYPE,
            str(pks[rid]),
            agency.code,
            details={"submission": submission.pk, "record_id": rid},
        )
        for rid in created_ids
    ]
    events += [
        EventSpec(
            actor,
            "record.update",
            RECORD_TYPE,
            str(pks[rid]),
            agency.code,
            fields=tuple(changed),
            details={"submission": submission.pk, "record_id": rid},
        )
        for rid, changed in updated
    ]
    submission.status = SubmissionStatus.SUCCEEDED
    submission.rows_created = len(created_ids)
    submission.rows_updated = len(updated)
    submission.rows_unchanged = unchanged
    submission.finished_at = timezone.now()
    submission.save()
    events.append(
        EventSpec(
            actor,
            "submission.import",
            "registry.submission",
            str(submission.pk),
            agency.code,
            details={
                "sha256": digest,
                "format": fmt,
                "rows": total,
                "created": len(created_ids),
                "updated": len(updated),
                "unchanged": unchanged,
                "agency_created": agency_created,
            },
        )
    )
    record_events(events, fetch=False)
    return ImportResult(
        True,
        agency.code,
        fmt,
        submission,
        report,
        agency_created=agency_created,
        rows_total=total,
        created=len(created_ids),
        updated=len(updated),
        unchanged=unchanged,
        record_pks=pks,
    )


def _existing(agency: Agency, record_ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(record_ids, LOOKUP_CHUNK):
        rows = VictimRecord.objects.filter(agency=agency, record_id__in=chunk).values(
            "record_id", "key_id", "fingerprint"
        )
        for row in rows:
            found[row["record_id"]] = dict(row)
    return found


def _pks(agency: Agency, record_ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in _chunks(record_ids, LOOKUP_CHUNK):
        out.update(
            VictimRecord.objects.filter(agency=agency, record_id__in=chunk).values_list(
                "record_id", "pk"
            )
        )
    return out


Prepared = tuple[str, dict[str, Any], dict[str, str], str, dict[str, Any] | None]


def _write(
    agency: Agency,
    submission: Submission,
    prepared: list[Prepared],
    cipher: Any,
    indexer: Any,
    now: Any,
    created_ids: list[str],
    updated: list[tuple[str, list[str]]],
) -> None:
    """Encrypt and upsert one batch (INSERT ... ON CONFLICT (agency, record_id) DO UPDATE)."""
    if not prepared:
        return
    sealed = protection.seal_many(cipher, indexer, [(agency.pk, p[0], p[2]) for p in prepared])
    changes = _changed_fields(agency, cipher, [p for p in prepared if p[4] is not None])
    rows = []
    for (rid, clear, _identifying, fingerprint, old), seal in zip(prepared, sealed, strict=True):
        rows.append(
            (
                agency.pk,
                rid,
                now,
                *(clear[name] for name in intake.CLEAR_COLUMNS),
                submission.pk,
                seal.key_id,
                seal.identity_ct,
                seal.sensitive_ct,
                seal.bi_full_name,
                seal.bi_family_name,
                seal.bi_date_of_birth,
                seal.bi_document,
                fingerprint,
                now,
            )
        )
        if old is None:
            created_ids.append(rid)
        else:
            updated.append((rid, changes.get(rid, [])))
    insert_rows(
        VictimRecord,
        ("agency", "record_id", "created_at", *_WRITE_COLUMNS),
        rows,
        conflict=("agency", "record_id"),
        update=_WRITE_COLUMNS,
    )


def _changed_fields(agency: Agency, cipher: Any, prepared: list[Prepared]) -> dict[str, list[str]]:
    """For records being updated: the names of the fields whose values change (for the audit)."""
    if not prepared:
        return {}
    stored = {
        row["record_id"]: row
        for row in VictimRecord.objects.filter(
            agency=agency, record_id__in=[p[0] for p in prepared]
        ).values("record_id", *intake.CLEAR_COLUMNS, "identity_ct", "sensitive_ct")
    }
    out: dict[str, list[str]] = {}
    for rid, clear, identifying, _fingerprint, _old in prepared:
        row = stored[rid]
        changed = [name for name in intake.CLEAR_COLUMNS if row[name] != clear[name]]
        try:
            identity, sensitive = protection.open_identity(
                cipher,
                agency_pk=agency.pk,
                record_id=rid,
                identity_ct=row["identity_ct"],
                sensitive_ct=row["sensitive_ct"],
            )
            before = {**identity, **sensitive}
            names = sorted(set(before) | set(identifying))
            changed += [n for n in names if before.get(n) != identifying.get(n)]
        except Exception:  # an old row that cannot be read is overwritten; say so in the audit
            changed.append("identifying fields (previous values unreadable)")
        out[rid] = changed
    return out


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevealedRecord:
    """One record with the identifying fields the caller may see, decrypted."""

    pk: int
    agency: str
    record_id: str
    clear: dict[str, Any]
    identity: dict[str, str]
    sensitive: dict[str, str]

    @property
    def fields(self) -> dict[str, Any]:
        """Everything revealed, in one mapping."""
        return {**self.clear, **self.identity, **self.sensitive}


def get_record(
    actor: Any,
    pk: int,
    *,
    purpose: str = "",
    identity: bool = True,
    sensitive: bool = True,
) -> RevealedRecord:
    """Read one record, decrypting its identifying fields; every call is audited.

    actor: a user (the access policy decides: the record must be in their scope and their field
    profile must allow identities, else `PermissionDenied` and an `access.denied` event), or a
    label / None for system work from the command line.
    identity / sensitive: which ciphertexts to decrypt (L-ID fields, the L-SC narrative).
    """
    record = VictimRecord.objects.select_related("agency").filter(pk=pk).first()
    if record is None:
        raise VictimRecord.DoesNotExist(f"no victim record {pk}")
    if actor is not None and not isinstance(actor, str):
        identity, sensitive = _allowed(actor, record, identity, sensitive, purpose)
    opened = _reveal(record, keys.field_cipher(), identity=identity, sensitive=sensitive)
    record_event(
        actor,
        "record.read",
        record,
        agency=record.agency.code,
        fields=sorted(opened.identity) + sorted(opened.sensitive),
        purpose=purpose,
        details={"record_id": record.record_id},
    )
    return opened


def _reveal(
    record: VictimRecord, cipher: Any, *, identity: bool, sensitive: bool
) -> RevealedRecord:
    """One record's clear fields and the ciphertexts asked for, decrypted (not audited here:
    the callers audit every record they reveal)."""
    opened_identity, opened_sensitive = protection.open_identity(
        cipher,
        agency_pk=record.agency_id,
        record_id=record.record_id,
        identity_ct=record.identity_ct,
        sensitive_ct=record.sensitive_ct,
        want_identity=identity,
        want_sensitive=sensitive,
    )
    clear = {"record_id": record.record_id, "agency": record.agency.code}
    clear.update({name: getattr(record, name) for name in intake.CLEAR_COLUMNS})
    return RevealedRecord(
        record.pk, record.agency.code, record.record_id, clear, opened_identity, opened_sensitive
    )


def read_identities(
    actor: Any, agency_codes: Iterable[str], *, purpose: str
) -> Iterator[RevealedRecord]:
    """The identities (L-ID fields) of every record of `agency_codes`, for processing on the
    server that shows them to no one (plaintext linkage of agencies that consented to it).

    The caller has authorised the purpose; a user `actor` is recorded as the reader, not asked
    for `record.view` (no value reaches them). Every record read is audited as `record.read`
    with `purpose` and the fields revealed, in batches (one lock per batch), before the batch's
    identities are handed out. The narrative (L-SC) is never opened.
    """
    wanted = VictimRecord.objects.filter(agency__code__in=list(agency_codes))
    pks = list(wanted.order_by("pk").values_list("pk", flat=True))
    cipher = keys.field_cipher()
    for chunk in _chunks(pks, BATCH_SIZE):
        batch = VictimRecord.objects.filter(pk__in=chunk).select_related("agency").order_by("pk")
        yield from _reveal_batch(actor, list(batch), cipher, purpose)


def _reveal_batch(
    actor: Any, batch: list[VictimRecord], cipher: Any, purpose: str
) -> list[RevealedRecord]:
    revealed = []
    events = []
    for record in batch:
        opened = _reveal(record, cipher, identity=True, sensitive=False)
        revealed.append(opened)
        events.append(
            EventSpec(
                actor=actor,
                action="record.read",
                object_type=RECORD_TYPE,
                object_id=str(record.pk),
                agency=record.agency.code,
                fields=tuple(sorted(opened.identity)),
                purpose=purpose,
                details={"record_id": record.record_id},
            )
        )
    record_events(events, fetch=False)
    return revealed


def _allowed(
    actor: Any, record: VictimRecord, identity: bool, sensitive: bool, purpose: str
) -> tuple[bool, bool]:
    """The policy's answer for a user: which ciphertexts they may open (deny by default)."""
    from tiphub.web.accounts import policy

    in_scope = policy.visible_records(actor).filter(pk=record.pk).exists()
    levels = policy.visible_levels(actor)
    if not in_scope or not policy.can(actor, "record.view", record):
        policy.audit_denial(actor, "record.view", record, purpose=purpose)
        raise PermissionDenied("record.view")
    return identity and "L-ID" in levels, sensitive and "L-SC" in levels


def blind_index_filter(
    *,
    full_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: date | str | None = None,
    document_number: str | None = None,
) -> Q:
    """A filter for exact matches on identifying values (all given criteria must match).

    Works across key rotation: the tokens are computed under every key of the ring and each is
    matched only against rows stored under that key.
    """
    ring = keys.keyring()
    any_key = Q(pk__in=[])
    for key_id in ring.key_ids:
        indexer = keys.blind_indexer(key_id)
        criteria: dict[str, str] = {}
        if full_name is not None:
            criteria["bi_full_name"] = indexer.full_name(full_name, "")
        if family_name is not None:
            criteria["bi_family_name"] = indexer.family_name(family_name)
        if date_of_birth is not None:
            try:
                criteria["bi_date_of_birth"] = indexer.date_of_birth(date_of_birth)
            except ValueError:
                criteria["bi_date_of_birth"] = ""
        if document_number is not None:
            criteria["bi_document"] = indexer.document(document_number)
        if not criteria or not all(criteria.values()):
            return Q(pk__in=[])  # nothing searchable given: match nothing rather than everything
        any_key |= Q(key_id=key_id, **criteria)
    return any_key


# --- statistics and exports ------------------------------------------------------------------

FRAME_COLUMNS = ("record_pk", "agency", *STATISTICAL_COLUMNS)


_FRAME_TEXT_UNKNOWN_AS_NONE = (
    "age_band",
    "citizenship",
    "country_of_exploitation",
    "region",
    "trafficking_status",
)


def _person_map() -> Any:
    """The linkage stage's record -> person map in force (`tiphub.web.analysis.persons`), or
    None when it is not installed."""
    from django.apps import apps

    if not apps.is_installed("tiphub.web.analysis"):
        return None
    from tiphub.web.analysis import persons

    return persons


def person_map_version() -> str:
    """Changes when linkage changes who is who (a new run); '' without linkage."""
    persons = _person_map()
    return persons.version() if persons is not None else ""


def statistical_frame(agencies: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per stored record, no identifying column (docs/contracts.md section 2).

    Once linkage has run, a `person_id` column names each record's person (the latest run's
    map; None for a record it did not link), so that counts are of unique persons.
    """
    import pandas as pd

    records = VictimRecord.objects.all()
    if agencies is not None:
        records = records.filter(agency__code__in=list(agencies))
    source = [name for name in FRAME_COLUMNS if name not in {"record_pk", "agency"}]
    rows = records.order_by("pk").values_list("pk", "agency__code", *source)
    frame = pd.DataFrame.from_records(list(rows), columns=list(FRAME_COLUMNS))
    for column in _FRAME_TEXT_UNKNOWN_AS_NONE:  # as the standard's statistical_row has them
        frame[column] = frame[column].where(frame[column] != "", None)
    frame["record_pk"] = frame["record_pk"].astype("int64")
    frame["year"] = frame["year"].astype("Int64")
    frame["is_child"] = frame["is_child"].astype("boolean")
    for flag in ("form_sexual", "form_labour", "form_organ", "form_other"):
        frame[flag] = frame[flag].astype("bool")
    persons = _person_map()
    person_ids = persons.current_person_ids() if persons is not None else None
    if person_ids is not None:
        frame["person_id"] = frame["record_pk"].map(person_ids).astype(object)
        frame["person_id"] = frame["person_id"].where(frame["person_id"].notna(), None)
    return frame


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    agency: str | None


def export_ctdc(
    out: Path | str, agency_code: str | None = None, actor: Any = None, *, purpose: str = ""
) -> ExportResult:
    """Write the stored records (all, or one agency's) in the CTDC 2024 layout (no identities)."""
    from tiphub.standard.ctdc import to_ctdc

    out = Path(out)
    records = VictimRecord.objects.all()
    if agency_code is not None:
        if not Agency.objects.filter(code=agency_code).exists():
            raise RegistryError(f"unknown agency {agency_code!r}")
        records = records.filter(agency__code=agency_code)
    values = records.order_by("pk").values("record_id", "agency__code", *intake.CLEAR_COLUMNS)
    rows = intake.statistical_rows({**row, "agency": row["agency__code"]} for row in values)
    table = to_ctdc(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    record_event(
        actor,
        "record.export",
        agency=agency_code or "",
        purpose=purpose,
        details={"format": "ctdc", "rows": len(rows), "scope": agency_code or "all"},
    )
    return ExportResult(out, len(rows), agency_code)


# --- records kept by other apps (NRM casework) -------------------------------------------------


def upsert_statistical_record(
    agency: Agency,
    record_id: str,
    fields: dict[str, Any],
    actor: Any = None,
    *,
    purpose: str = "",
) -> VictimRecord:
    """Create or update a record that holds statistical fields only (no identity).

    Used by the casework app so that NRM cases count in the statistical frame and indicators
    (sex, age, form of exploitation, status) without their identities ever leaving the case:
    the record carries no ciphertext. `fields` are normalised intake values (codes, ISO dates);
    the derived fields are computed by `tiphub.standard`. Audited as `record.create` or
    `record.update` with the names of the fields that changed.
    """
    from tiphub.standard.derive import derive

    clear = {name: intake._column_value(name, fields.get(name)) for name in intake.FIELD_COLUMNS}
    derived = derive(fields)
    clear.update({n: intake._column_value(n, derived.get(n)) for n in intake.DERIVED_COLUMNS})
    ring = keys.keyring()
    key_id = ring.active_id
    digest = protection.fingerprint(ring, key_id, clear, {})
    now = timezone.now()
    record = VictimRecord.objects.filter(agency=agency, record_id=record_id).first()
    if record is not None and record.fingerprint == digest:
        return record
    action = "record.update" if record is not None else "record.create"
    changed = sorted(clear) if record is None else sorted(
        name for name, value in clear.items() if getattr(record, name) != value
    )  # fmt: skip
    if record is None:
        record = VictimRecord(agency=agency, record_id=record_id, created_at=now)
    for name, value in clear.items():
        setattr(record, name, value)
    record.key_id, record.fingerprint, record.updated_at = key_id, digest, now
    record.save()
    record_event(actor, action, record, agency=agency.code, fields=changed, purpose=purpose)
    return record
