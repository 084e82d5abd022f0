"""The key file: a versioned JSON keyring kept outside the database (`TIPHUB_KEY_FILE`).

```json
{"format": "tiphub-keyring", "version": 1, "active": 2,
 "keys": [{"id": 1, "created": "2026-01-05T10:00:00Z", "status": "retired", "key": "<base64>"},
          {"id": 2, "created": "2026-07-01T09:30:00Z", "status": "active",  "key": "<base64>"}]}
```

Each key is 32 random bytes (a master key). Nothing is encrypted with it directly: HKDF-SHA256
derives one subkey per purpose (field encryption, blind index, key check), so a token of one purpose
can never be confused with another. Rotation adds a key and makes it active; older keys stay in
the ring so that rows not yet re-encrypted (and restored backups) can still be read.

Exactly one key is `active` (used for every new ciphertext and index token); the others are
`previous` (still used by some rows) or `retired` (no row uses them any more).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tiphub.web.crypto.errors import KeyFileError

FORMAT = "tiphub-keyring"
VERSION = 1
KEY_BYTES = 32
STATUSES = ("active", "previous", "retired")

#: HKDF `info` strings: one subkey per purpose (changing one invalidates that purpose's data).
PURPOSE_FIELD_ENCRYPTION = b"tiphub/field-encryption/v1"
PURPOSE_BLIND_INDEX = b"tiphub/blind-index/v1"
PURPOSE_KEY_CHECK = b"tiphub/key-check/v1"
PURPOSE_FINGERPRINT = b"tiphub/record-fingerprint/v1"
PURPOSE_LOGIN_NAME = b"tiphub/login-name/v1"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeyEntry:
    """One master key of the ring. `repr` never shows the key material."""

    key_id: int
    created: str
    status: str
    material: bytes = field(repr=False)


@dataclass(frozen=True)
class KeyRing:
    """The keys of one installation; immutable (rotation returns a new ring to `save`)."""

    active_id: int
    entries: dict[int, KeyEntry] = field(repr=False)
    path: Path | None = None

    def __post_init__(self) -> None:
        if self.active_id not in self.entries:
            raise KeyFileError(
                f"{self._where()}: the active key {self.active_id} is not in the ring"
            )

    def _where(self) -> str:
        return str(self.path) if self.path else "keyring"

    @property
    def key_ids(self) -> list[int]:
        """All key ids, oldest first."""
        return sorted(self.entries)

    def has(self, key_id: int) -> bool:
        return key_id in self.entries

    def subkey(self, key_id: int, purpose: bytes) -> bytes:
        """The 256-bit subkey of `key_id` for `purpose` (HKDF-SHA256, cached)."""
        cache = self._subkeys
        if (key_id, purpose) not in cache:
            cache[key_id, purpose] = self._derive(key_id, purpose)
        return cache[key_id, purpose]

    @cached_property
    def _subkeys(self) -> dict[tuple[int, bytes], bytes]:
        return {}

    def _derive(self, key_id: int, purpose: bytes) -> bytes:
        entry = self.entries.get(key_id)
        if entry is None:
            raise KeyFileError(
                f"key id {key_id} is not in the key file {self._where()}: the data was encrypted "
                "with a key this file does not hold (restore the key file that has it)"
            )
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
            entry.material
        )

    def check_value(self, key_id: int) -> str:
        """A public fingerprint of key `key_id` (HMAC of a constant under its check subkey).

        Stored in the database so that a wrong key file is detected before anything is written
        or read with it. It reveals nothing about the key.
        """
        digest = hmac.new(self.subkey(key_id, PURPOSE_KEY_CHECK), b"tiphub", hashlib.sha256)
        return digest.hexdigest()[:32]

    def rotated(self) -> KeyRing:
        """A new ring whose active key is fresh; the old active key becomes `previous`."""
        new_id = max(self.entries) + 1
        entries = {
            key_id: KeyEntry(
                key_id, e.created, "previous" if e.status == "active" else e.status, e.material
            )
            for key_id, e in self.entries.items()
        }
        entries[new_id] = KeyEntry(new_id, _now(), "active", secrets.token_bytes(KEY_BYTES))
        return KeyRing(new_id, entries, self.path)

    def with_retired(self, key_ids: set[int]) -> KeyRing:
        """A ring where `key_ids` (never the active one) are marked `retired`."""
        if self.active_id in key_ids:
            raise KeyFileError("the active key cannot be retired")
        entries = {
            key_id: KeyEntry(
                key_id, e.created, "retired" if key_id in key_ids else e.status, e.material
            )
            for key_id, e in self.entries.items()
        }
        return KeyRing(self.active_id, entries, self.path)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "active": self.active_id,
                "keys": [
                    {
                        "id": e.key_id,
                        "created": e.created,
                        "status": e.status,
                        "key": base64.b64encode(e.material).decode("ascii"),
                    }
                    for e in sorted(self.entries.values(), key=lambda e: e.key_id)
                ],
            },
            indent=2,
        )

    def save(self, path: Path | None = None) -> Path:
        """Write the ring atomically (temporary file + rename) with mode 0600."""
        target = Path(path or self.path or "")
        if not str(target):
            raise KeyFileError("no path to save the keyring to")
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".keyring-", dir=target.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return target


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_keyring(path: Path) -> KeyRing:
    """Create a new key file at `path` (mode 0600; refuses to overwrite an existing file)."""
    path = Path(path)
    ring = KeyRing(1, {1: KeyEntry(1, _now(), "active", secrets.token_bytes(KEY_BYTES))}, path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(f"a key file already exists at {path}; it was not overwritten") from None
    except OSError as exc:
        raise KeyFileError(f"cannot create the key file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(ring.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    return ring


def load_keyring(path: Path) -> KeyRing:
    """Read and check the key file; every problem is a `KeyFileError` with a plain message."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(
            f"no field-encryption key file at {path}. For a new installation run `tiphub migrate`, "
            "which creates one; otherwise set TIPHUB_KEY_FILE to this installation's key file"
        ) from None
    except IsADirectoryError:
        raise KeyFileError(f"the key file {path} is a directory, not a file") from None
    except PermissionError:
        raise KeyFileError(f"cannot read the key file {path}: permission denied") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("key file %s is accessible to other users; run: chmod 600 %s", path, path)
    return _parse(raw, path)


def _parse(raw: bytes, path: Path) -> KeyRing:
    not_ours = KeyFileError(
        f"{path} is not a tiphub key file (expected a JSON keyring, format {FORMAT!r} version "
        f"{VERSION}); check TIPHUB_KEY_FILE"
    )
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise not_ours from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise not_ours
    if data.get("version") != VERSION:
        raise KeyFileError(
            f"{path} is keyring version {data.get('version')!r}; this tiphub reads version "
            f"{VERSION} (upgrade tiphub)"
        )
    keys = data.get("keys")
    if not isinstance(keys, list) or not keys:
        raise KeyFileError(f"{path} holds no keys")
    entries: dict[int, KeyEntry] = {}
    for position, item in enumerate(keys, start=1):
        where = f"{path}: key entry {position}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            raise KeyFileError(f"{where} has no integer 'id'")
        key_id = item["id"]
        if key_id in entries or not 0 < key_id < 2**32:
            raise KeyFileError(f"{where}: key id {key_id} is duplicated or out of range")
        try:
            material = base64.b64decode(str(item.get("key", "")), validate=True)
        except (binascii.Error, ValueError):
            raise KeyFileError(f"{where} (id {key_id}): the key is not valid base64") from None
        if len(material) != KEY_BYTES:
            raise KeyFileError(f"{where} (id {key_id}): the key is not {KEY_BYTES * 8} bits")
        status = item.get("status", "previous")
        if status not in STATUSES:
            raise KeyFileError(f"{where} (id {key_id}): unknown status {status!r}")
        entries[key_id] = KeyEntry(key_id, str(item.get("created", "")), status, material)
    active = data.get("active")
    if not isinstance(active, int) or active not in entries:
        raise KeyFileError(f"{path}: 'active' must name one of the key ids {sorted(entries)}")
    return KeyRing(active, entries, path)
