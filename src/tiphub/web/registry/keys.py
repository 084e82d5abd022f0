"""The installation's field-encryption keys, as Django code uses them.

Every app that stores identifying fields gets its cipher and blind indexer here:

    from tiphub.web.registry.keys import field_cipher, blind_indexer
    token = field_cipher().encrypt_json({"given_name": ...}, ("casework.case", "identity", pk))

The key file (`settings.FIELD_KEY_FILE`, from `TIPHUB_KEY_FILE`) is read once per process and
again when it changes on disk. Before first use it is checked against the `KeyCheck` rows of the
database, so that a wrong key file (another installation's, or a new one generated after the real
one was lost) stops tiphub with a clear message instead of writing data nobody can read later.

Apps register a *re-encryptor* so that `tiphub keys rotate` re-encrypts their rows as well.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tiphub.web.crypto import BlindIndexer, FieldCipher, KeyFileError, KeyRing, load_keyring
from tiphub.web.crypto.keyring import create_keyring

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], KeyRing, bool]] = {}


def key_file() -> Path:
    return Path(settings.FIELD_KEY_FILE)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def keyring(*, verify: bool = True) -> KeyRing:
    """The key file's ring; with `verify`, checked against the database (once per version)."""
    path = key_file()
    stamp = _stamp(path)
    with _lock:
        cached = _cache.get(str(path))
        if cached is None or cached[0] != stamp:
            cached = (stamp, load_keyring(path), False)
            _cache[str(path)] = cached
        if verify and not cached[2]:
            verify_against_database(cached[1])
            cached = (cached[0], cached[1], True)
            _cache[str(path)] = cached
        return cached[1]


def forget() -> None:
    """Drop the cached ring (after rotation, or in tests that swap key files)."""
    with _lock:
        _cache.clear()


def field_cipher() -> FieldCipher:
    return FieldCipher(keyring())


def blind_indexer(key_id: int | None = None) -> BlindIndexer:
    return BlindIndexer(keyring(), key_id)


def verify_against_database(ring: KeyRing) -> None:
    """Refuse a key file whose keys differ from those this database was encrypted with.

    Registers the check value of keys the database has not seen yet (a new installation, or
    the new key after rotation).
    """
    from tiphub.web.registry.models import KeyCheck

    known = dict(KeyCheck.objects.values_list("key_id", "check_value"))
    for key_id, check in sorted(known.items()):
        if not ring.has(key_id):
            raise KeyFileError(
                f"this database holds data encrypted with key id {key_id}, which the key file "
                f"{ring.path} does not hold: is TIPHUB_KEY_FILE pointing at the right file?"
            )
        if ring.check_value(key_id) != check:
            raise KeyFileError(
                f"the key file {ring.path} holds a different key {key_id} from the one this "
                "database was encrypted with (wrong key file, or a new one replaced the original): "
                "restore this installation's key file"
            )
    for key_id in ring.key_ids:
        if key_id not in known and ring.entries[key_id].status == "active":
            KeyCheck.objects.get_or_create(
                key_id=key_id, defaults={"check_value": ring.check_value(key_id)}
            )


def database_has_keys() -> bool:
    from tiphub.web.registry.models import KeyCheck

    return KeyCheck.objects.exists()


def ensure_key_file() -> tuple[KeyRing, bool]:
    """The ring, creating a new key file when none exists and the database has no keys yet.

    Returns (ring, created). Refuses to create a key when the database already holds encrypted
    data: a new key could not read it, and the real key file must be restored instead.
    """
    path = key_file()
    if not path.exists():
        if database_has_keys():
            raise KeyFileError(
                f"the key file {path} is missing but this database holds encrypted data: restore "
                "the key file from your backup (a new key could not read the existing records)"
            )
        create_keyring(path)
        forget()
        return keyring(), True
    return keyring(), False


# --- re-encryption on key rotation ------------------------------------------------------------


@dataclass(frozen=True)
class Reencryptor:
    """How `tiphub keys rotate` re-encrypts one app's rows.

    `stale(active_key_id)` counts rows not yet under the active key; `run(active_key_id, limit)`
    re-encrypts at most `limit` of them in one transaction and returns how many it did.
    """

    name: str
    stale: Callable[[int], int]
    run: Callable[[int, int], int]
    key_ids_in_use: Callable[[], set[int]]


_reencryptors: dict[str, Reencryptor] = {}


def register_reencryptor(reencryptor: Reencryptor) -> None:
    _reencryptors[reencryptor.name] = reencryptor


def reencryptors() -> list[Reencryptor]:
    return [_reencryptors[name] for name in sorted(_reencryptors)]
