"""The hash chain: the canonical form of an event and its hash (no database access here).

    hash(event) = SHA-256( canonical JSON of {seq, created_at, actor_id, actor_label, action,
                           object_type, object_id, agency, outcome, fields, purpose, details,
                           prev_hash} )

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, timestamps as ISO 8601 UTC with
microseconds. Details may hold only strings, integers, booleans, None, lists and mappings (no
floats: PostgreSQL's jsonb may rewrite their text, which would break the chain on read-back).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "agency",
    "outcome",
    "fields",
    "purpose",
    "details",
    "prev_hash",
)


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(event: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: every chained field, in canonical JSON."""
    data = {name: event[name] for name in CHAINED_FIELDS}
    if isinstance(data["created_at"], datetime):
        data["created_at"] = timestamp(data["created_at"])
    data["fields"] = list(data["fields"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def check_json_value(value: Any, where: str = "details") -> None:
    """Refuse values the chain cannot round-trip exactly through every database."""
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(f"audit {where}: NUL characters are not allowed")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_json_value(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit {where}: keys must be strings")
            check_json_value(item, f"{where}.{key}")
        return
    raise ValueError(
        f"audit {where}: {type(value).__name__} is not allowed (use str, int, bool, None, "
        "lists and mappings)"
    )
