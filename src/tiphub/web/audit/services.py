"""Writing and verifying the audit log: the only code that creates `AuditEvent` rows.

`record_event(...)` (docs/contracts.md section 4) appends one event; `record_events([...])`
appends many under one lock (imports write one event per created or updated record).

Concurrency: appending reads the chain head and writes the next event, so writers are serialised.
On PostgreSQL a transaction-scoped advisory lock does it; on SQLite the write transaction itself
(tiphub opens SQLite transactions with BEGIN IMMEDIATE, so only one writer holds it). The lock is
held until the surrounding transaction ends: code that writes many rows should audit at its end.
The unique `seq` and `hash` columns catch any fork that could slip through regardless.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone

from tiphub.web.audit.chain import CHAINED_FIELDS, GENESIS, check_json_value, event_hash
from tiphub.web.audit.models import AuditEvent
from tiphub.web.bulk import insert_rows

#: Outcomes an event may record.
OUTCOMES = frozenset({"ok", "denied", "failed", "rejected"})
_ACTION = re.compile(r"^[a-z][a-z_]*\.[a-z_*]+(\.[a-z_]+)*$")
#: A constant key for PostgreSQL's advisory lock that serialises appends to the chain.
_PG_LOCK_KEY = 0x7469_7068_6175_64  # "tiphaud"

#: Field names that are identifying (L-ID / L-SC): they may appear in `fields` (which fields were
#: revealed) but never as keys of `details`, whose values could then hold an identity.
IDENTIFYING_NAMES = frozenset(
    {
        "given_name",
        "family_name",
        "other_names",
        "name",
        "full_name",
        "date_of_birth",
        "dob",
        "phone",
        "email",
        "address",
        "document_number",
        "narrative",
    }
)


@dataclass(frozen=True)
class EventSpec:
    """One event to append (see `record_event` for the meaning of each field)."""

    actor: Any
    action: str
    object_type: str = ""
    object_id: str = ""
    agency: str = ""
    outcome: str = "ok"
    fields: tuple[str, ...] = ()
    purpose: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


def record_event(
    actor: Any,
    action: str,
    obj: Model | None = None,
    *,
    agency: Any = None,
    outcome: str = "ok",
    fields: Iterable[str] = (),
    purpose: str = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit chain and return it.

    actor: a user, None for the system, or a label such as "cli:alice" for command-line work.
    action: e.g. `record.read` (docs/contracts.md section 4 lists them).
    obj: the model instance concerned (its type and primary key are recorded, nothing else).
    agency: an `Agency` or an agency code; taken from `obj.agency` when not given.
    fields: the names of the fields revealed or changed (never their values).
    purpose: why (a purpose code or short text chosen by the user or the calling code).
    details: ids, counts and codes only; identifying field names are refused as keys.
    """
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None and obj.pk is not None else ""
    if agency is None and obj is not None:
        agency = _agency_of(obj)
    spec = EventSpec(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        agency=_agency_code(agency),
        outcome=outcome,
        fields=tuple(fields),
        purpose=purpose,
        details=dict(details or {}),
    )
    return record_events([spec])[0]


def record_events(
    specs: Sequence[EventSpec], *, using: str | None = None, fetch: bool = True
) -> list[AuditEvent]:
    """Append many events in order, under one lock and one transaction.

    Returns the stored events (with their ids), or [] when `fetch` is False (bulk writers such
    as imports that do not need them back).
    """
    rows = [_row(spec) for spec in specs]
    if not rows:
        return []
    db = using or router.db_for_write(AuditEvent)
    with transaction.atomic(using=db):
        _lock_chain(db)
        head = AuditEvent.objects.using(db).order_by("-seq").values_list("seq", "hash").first()
        seq, prev = head if head else (0, GENESIS)
        now = timezone.now()
        first = seq + 1
        for row in rows:
            seq += 1
            row.update(seq=seq, created_at=now, prev_hash=prev)
            row["hash"] = prev = event_hash(row)
        insert_rows(AuditEvent, _COLUMNS, ([row[c] for c in _COLUMNS] for row in rows), using=db)
        if not fetch:
            return []
        ids = dict(
            AuditEvent.objects.using(db)
            .filter(seq__gte=first, seq__lte=seq)
            .values_list("seq", "pk")
        )
    events = []
    for row in rows:
        event = AuditEvent(pk=ids[row["seq"]], **row)
        event._state.adding = False
        event._state.db = db
        events.append(event)
    return events


_COLUMNS = (*CHAINED_FIELDS, "hash")


def _lock_chain(db: str) -> None:
    connection = connections[db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    elif connection.vendor == "sqlite":
        # Take SQLite's write lock now (a no-op write), in case the transaction was opened
        # DEFERRED by code outside tiphub's settings: the head read below must be the latest.
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET seq = seq WHERE 0")  # noqa: S608


def _row(spec: EventSpec) -> dict[str, Any]:
    if not _ACTION.match(spec.action):
        raise ValueError(f"audit action {spec.action!r} is not of the form 'object.verb'")
    if spec.outcome not in OUTCOMES:
        raise ValueError(f"audit outcome {spec.outcome!r} is not one of {sorted(OUTCOMES)}")
    details = dict(spec.details)
    check_json_value(details)
    leaked = _identifying_keys(details)
    if leaked:
        raise ValueError(f"audit details may not carry identifying fields: {sorted(leaked)}")
    actor_id, actor_label = _actor(spec.actor)
    return {
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": spec.action,
        "object_type": spec.object_type,
        "object_id": str(spec.object_id),
        "agency": spec.agency,
        "outcome": spec.outcome,
        "fields": [str(name) for name in spec.fields],
        "purpose": spec.purpose[:200],
        "details": details,
    }


def _identifying_keys(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in IDENTIFYING_NAMES:
                found.add(key)
            found |= _identifying_keys(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= _identifying_keys(item)
    return found


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor[:150]
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:150]
    return None, "anonymous"


def _agency_of(obj: Model) -> Any:
    from tiphub.web.registry.models import Agency

    if isinstance(obj, Agency):
        return obj
    agency_id = getattr(obj, "agency_id", None)
    if agency_id is None:
        return None
    cached = getattr(obj, "_state", None)
    if cached is not None and "agency" in cached.fields_cache:
        return cached.fields_cache["agency"]
    return Agency.objects.filter(pk=agency_id).values_list("code", flat=True).first()


def _agency_code(agency: Any) -> str:
    if agency is None:
        return ""
    if isinstance(agency, str):
        return agency
    return str(getattr(agency, "code", agency))


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """The result of `verify_chain`: intact, or the first bad event and why."""

    ok: bool
    events: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    bad_pk: int | None = None
    reason: str = ""


def verify_chain(
    *, using: str | None = None, progress: Callable[[int, int], None] | None = None
) -> ChainReport:
    """Recompute every hash and link from the first event; stop at the first break."""
    db = using or router.db_for_read(AuditEvent)
    events = AuditEvent.objects.using(db).order_by("seq")
    total = events.count()
    expected_seq, prev, checked = 1, GENESIS, 0
    head_hash = GENESIS
    for event in events.iterator(chunk_size=5000):
        row = {name: getattr(event, name) for name in CHAINED_FIELDS}
        problem = ""
        if event.seq != expected_seq:
            problem = (
                f"events {expected_seq}..{event.seq - 1} are missing"
                if event.seq > expected_seq
                else f"sequence number {event.seq} repeats or goes backwards"
            )
        elif event.prev_hash != prev:
            problem = "its link to the previous event does not match (an event before it changed)"
        elif event_hash(row) != event.hash:
            problem = "its content does not match its hash (the event was edited)"
        if problem:
            return ChainReport(False, checked, expected_seq - 1, prev, event.seq, event.pk, problem)
        prev = head_hash = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None and checked % 5000 == 0:
            progress(checked, total)
    if progress is not None:
        progress(checked, total)
    return ChainReport(True, checked, expected_seq - 1, head_hash)
