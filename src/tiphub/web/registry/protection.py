"""Sealing a victim record's identifying fields: ciphertexts, blind-index tokens, fingerprint.

The identifying values of one record (L-ID and L-SC fields of the data dictionary) are split by
level into two JSON documents, each encrypted once:

    identity_ct   L-ID: names, other names, date of birth, phone, e-mail, address, document number
    sensitive_ct  L-SC: the narrative (special-category free text)

so that a role allowed names but not the narrative (or the reverse) never needs the other
decrypted. The associated data binds each ciphertext to (table, column, agency id, agency record
id): a ciphertext pasted into another row, column or agency fails to decrypt.

The fingerprint is a keyed HMAC over every field of the record (clear and identifying), so a
re-import can tell "unchanged" without decrypting anything and without an unkeyed hash of an
identity ever being stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tiphub.standard.dictionary import Level, intake_fields
from tiphub.web.crypto import BlindIndexer, FieldCipher
from tiphub.web.crypto.keyring import PURPOSE_FINGERPRINT, KeyRing

TABLE = "registry.victimrecord"
IDENTITY = "identity"
SENSITIVE = "sensitive"

#: The L-SC fields of the intake dictionary (everything else identifying is L-ID).
SENSITIVE_FIELDS = frozenset(spec.name for spec in intake_fields() if spec.level is Level.SPECIAL)


#: The columns `seal_many` and `fingerprint` fill (rewritten on every change and on rotation).
SEALED_COLUMNS = (
    "key_id",
    "identity_ct",
    "sensitive_ct",
    "bi_full_name",
    "bi_family_name",
    "bi_date_of_birth",
    "bi_document",
    "fingerprint",
)


def context(column: str, agency_pk: int, record_id: str) -> tuple[str, str, int, str]:
    return (TABLE, column, agency_pk, record_id)


@dataclass(frozen=True)
class Sealed:
    """The stored form of one record's identifying values."""

    key_id: int
    identity_ct: bytes | None
    sensitive_ct: bytes | None
    bi_full_name: str
    bi_family_name: str
    bi_date_of_birth: str
    bi_document: str


def split(identifying: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(L-ID document, L-SC document), without empty values."""
    identity: dict[str, str] = {}
    sensitive: dict[str, str] = {}
    for name, value in identifying.items():
        if value is None or value == "":
            continue
        (sensitive if name in SENSITIVE_FIELDS else identity)[name] = str(value)
    return identity, sensitive


def seal_many(
    cipher: FieldCipher,
    indexer: BlindIndexer,
    items: Sequence[tuple[int, str, Mapping[str, Any]]],
) -> list[Sealed]:
    """Seal (agency pk, agency record id, identifying values) triples under the active key."""
    if indexer.key_id != cipher.active_key_id:
        raise ValueError("the blind indexer must use the cipher's active key")
    documents: list[tuple[dict[str, Any], tuple[str, str, int, str]]] = []
    slots: list[tuple[int | None, int | None]] = []
    for agency_pk, record_id, identifying in items:
        identity, sensitive = split(identifying)
        slot_identity = slot_sensitive = None
        if identity:
            slot_identity = len(documents)
            documents.append((identity, context(IDENTITY, agency_pk, record_id)))
        if sensitive:
            slot_sensitive = len(documents)
            documents.append((sensitive, context(SENSITIVE, agency_pk, record_id)))
        slots.append((slot_identity, slot_sensitive))
    tokens = cipher.encrypt_json_many(documents)
    sealed = []
    for (_, _, identifying), (slot_identity, slot_sensitive) in zip(items, slots, strict=True):
        sealed.append(
            Sealed(
                key_id=cipher.active_key_id,
                identity_ct=tokens[slot_identity] if slot_identity is not None else None,
                sensitive_ct=tokens[slot_sensitive] if slot_sensitive is not None else None,
                bi_full_name=indexer.full_name(
                    identifying.get("given_name"), identifying.get("family_name")
                ),
                bi_family_name=indexer.family_name(identifying.get("family_name")),
                bi_date_of_birth=_dob_token(indexer, identifying.get("date_of_birth")),
                bi_document=indexer.document(identifying.get("document_number")),
            )
        )
    return sealed


def _dob_token(indexer: BlindIndexer, value: Any) -> str:
    try:
        return indexer.date_of_birth(value)
    except ValueError:
        return ""  # not an ISO date (the standard already validated it): nothing to index


def open_identity(
    cipher: FieldCipher,
    *,
    agency_pk: int,
    record_id: str,
    identity_ct: bytes | memoryview | None,
    sensitive_ct: bytes | memoryview | None,
    want_identity: bool = True,
    want_sensitive: bool = True,
) -> tuple[dict[str, str], dict[str, str]]:
    """Decrypt what is wanted: (identity, sensitive) documents ({} when absent or not wanted)."""
    identity: dict[str, str] = {}
    sensitive: dict[str, str] = {}
    if want_identity and identity_ct is not None:
        identity = cipher.decrypt_json(identity_ct, context(IDENTITY, agency_pk, record_id))
    if want_sensitive and sensitive_ct is not None:
        sensitive = cipher.decrypt_json(sensitive_ct, context(SENSITIVE, agency_pk, record_id))
    return identity, sensitive


def fingerprint(
    ring: KeyRing, key_id: int, clear: Mapping[str, Any], identifying: Mapping[str, Any]
) -> str:
    """Keyed HMAC-SHA256 of the whole record's canonical JSON (see module docstring)."""
    identity, sensitive = split(identifying)
    document = {
        "clear": {k: _jsonable(v) for k, v in clear.items()},
        "id": identity,
        "sc": sensitive,
    }
    message = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = ring.subkey(key_id, PURPOSE_FINGERPRINT)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
