"""Linkage keys: the agencies' shared secret and the sub-keys derived from it.

The key belongs to the agencies, never to the hub: whoever holds it can test guesses ("is there a
record for Maria Lopez born 1990?") against the encodings. So the key is only ever read from a file
the agency controls, is never written into an output, a log or an error message, and only a
*fingerprint* (a keyed hash of a constant, which reveals nothing about the key) travels with the
encodings so the hub can tell that all files were made with the same key.

Sub-keys are derived with HMAC-SHA256 under distinct labels (one per field, one for blocking
tokens), so that the filter of one field says nothing about the filter of another.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

KEY_BYTES = 32
_HEADER = "tiphub-linkage-key-v1"


class KeyFileError(ValueError):
    """The key file is missing, unreadable or malformed (the message never contains key bytes)."""


def generate_key() -> bytes:
    """A fresh 256-bit secret from the operating system's CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def write_key_file(path: Path, key: bytes | None = None, *, overwrite: bool = False) -> bytes:
    """Write a new key to `path` readable by its owner only (mode 0600) and return it.

    Refuses to overwrite an existing key: losing a key means the agencies' earlier encodings can
    no longer be linked with new ones.
    """
    key = key if key is not None else generate_key()
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"a linkage key has {KEY_BYTES} bytes")
    if path.exists() and not overwrite:
        raise KeyFileError(f"{path} already exists; refusing to overwrite a linkage key")
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(f"{_HEADER}\n{key.hex()}\n")
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return key


def read_key_file(path: Path) -> bytes:
    """Read a key written by `write_key_file` (or `tiphub keygen`)."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} does not exist") from None
    except (OSError, UnicodeDecodeError):
        raise KeyFileError(f"key file {path} cannot be read") from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 2 or lines[0] != _HEADER:
        raise KeyFileError(f"{path} is not a tiphub linkage key (make one with `tiphub keygen`)")
    try:
        key = bytes.fromhex(lines[1])
    except ValueError:
        raise KeyFileError(f"{path} is not a tiphub linkage key (bad hex)") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"{path} is not a tiphub linkage key (wrong length)")
    return key


def derive_key(key: bytes, label: str) -> bytes:
    """A sub-key for one purpose (`label`), independent of the sub-keys for other labels."""
    return hmac.digest(key, f"tiphub/linkage/v1/{label}".encode(), hashlib.sha256)


def fingerprint(key: bytes) -> str:
    """A short public identifier of the key: equal keys give equal fingerprints, and nothing
    about the key can be learnt from it (it is an HMAC of a constant)."""
    return derive_key(key, "fingerprint").hex()[:16]
