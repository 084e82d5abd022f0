"""Encryption of casework's identifying fields with the registry's keys and cipher.

Same primitives as victim records (AES-256-GCM, key file outside the database, see
`tiphub.web.registry.keys`); the associated data binds each ciphertext to its table, column and
row, so a ciphertext moved to another case fails to decrypt instead of showing someone else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from tiphub.web.registry import keys


def _context(obj: Model, column: str) -> tuple[str, str, str]:
    if obj.pk is None:
        raise ValueError("save the row before sealing its identifying fields")
    return (obj._meta.label_lower, column, str(obj.pk))


def seal(obj: Model, column: str, document: dict[str, Any]) -> None:
    """Encrypt `document` (empty values dropped) into `obj.<column>_ct` and set `obj.key_id`."""
    values = {k: str(v) for k, v in document.items() if v not in (None, "")}
    cipher = keys.field_cipher()
    token = cipher.encrypt_json(values, _context(obj, column)) if values else None
    setattr(obj, f"{column}_ct", token)
    obj.key_id = cipher.active_key_id  # type: ignore[attr-defined]


def unseal(obj: Model, column: str) -> dict[str, str]:
    """The decrypted document of `obj.<column>_ct` ({} when nothing was stored)."""
    token = getattr(obj, f"{column}_ct")
    if token is None:
        return {}
    return keys.field_cipher().decrypt_json(token, _context(obj, column))
