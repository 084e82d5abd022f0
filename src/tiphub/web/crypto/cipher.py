"""AES-256-GCM encryption of one field value, bound to its row by associated data.

Ciphertext layout (format version 1), stored as bytes:

    0x01 | key id (uint32, big-endian) | nonce (12 random bytes) | AES-GCM ciphertext + 16-byte tag

The 5-byte header is part of the associated data, so the format version and key id cannot be
altered. The rest of the associated data is the *context* the caller gives, e.g.
`("registry.victimrecord", "identity", "<agency id>", "<agency record id>")`: a ciphertext copied
to another row, column or table fails authentication instead of showing one victim's identity on
another's record. Nonces are random (96 bits); NIST SP 800-38D allows 2**32 encryptions per key with
random nonces, far above what one key encrypts before rotation.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tiphub.web.crypto.errors import DecryptionError, KeyFileError
from tiphub.web.crypto.keyring import PURPOSE_FIELD_ENCRYPTION, KeyRing

FORMAT_V1 = 1
NONCE_BYTES = 12
HEADER = struct.Struct(">BI")
OVERHEAD = HEADER.size + NONCE_BYTES + 16
#: JSON plaintexts are padded with spaces to a multiple of this, so that a ciphertext's length
#: tells little about the length of a name or a narrative.
PAD_TO = 32

Context = Sequence[str | int]


def encode_context(context: Context) -> bytes:
    """Length-prefixed parts, so that ("ab", "c") and ("a", "bc") never give the same bytes."""
    out = bytearray()
    for part in context:
        data = str(part).encode("utf-8")
        out += struct.pack(">I", len(data)) + data
    return bytes(out)


class FieldCipher:
    """Encrypts with the ring's active key; decrypts with whichever key a ciphertext names."""

    def __init__(self, keyring: KeyRing) -> None:
        self.keyring = keyring
        self._aead: dict[int, AESGCM] = {}

    @property
    def active_key_id(self) -> int:
        return self.keyring.active_id

    def _aead_for(self, key_id: int) -> AESGCM:
        aead = self._aead.get(key_id)
        if aead is None:
            aead = AESGCM(self.keyring.subkey(key_id, PURPOSE_FIELD_ENCRYPTION))
            self._aead[key_id] = aead
        return aead

    # --- bytes --------------------------------------------------------------------------------

    def encrypt(self, plaintext: bytes, context: Context) -> bytes:
        """One ciphertext under the active key."""
        return self.encrypt_many([(plaintext, context)])[0]

    def encrypt_many(self, items: Iterable[tuple[bytes, Context]]) -> list[bytes]:
        """Many ciphertexts at once: one AEAD object, one call for all the nonces (fast path
        for imports and key rotation)."""
        items = list(items)
        key_id = self.keyring.active_id
        header = HEADER.pack(FORMAT_V1, key_id)
        aead = self._aead_for(key_id)
        nonces = os.urandom(NONCE_BYTES * len(items))
        out = []
        for i, (plaintext, context) in enumerate(items):
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            sealed = aead.encrypt(nonce, plaintext, header + encode_context(context))
            out.append(header + nonce + sealed)
        return out

    def decrypt(self, token: bytes | memoryview, context: Context) -> bytes:
        """The plaintext; `DecryptionError` (no value in the message) when it cannot be."""
        token = bytes(token)
        if len(token) < OVERHEAD:
            raise DecryptionError("the ciphertext is truncated or not a tiphub ciphertext")
        version, key_id = HEADER.unpack_from(token)
        if version != FORMAT_V1:
            raise DecryptionError(f"unknown ciphertext format version {version}")
        if not self.keyring.has(key_id):
            raise KeyFileError(
                f"the data was encrypted with key id {key_id}, which the key file "
                f"{self.keyring.path} does not hold (ids there: {self.keyring.key_ids}); "
                "restore the key file that has it"
            )
        nonce = token[HEADER.size : HEADER.size + NONCE_BYTES]
        try:
            return self._aead_for(key_id).decrypt(
                nonce,
                token[HEADER.size + NONCE_BYTES :],
                token[: HEADER.size] + encode_context(context),
            )
        except InvalidTag:
            raise DecryptionError(
                f"authentication failed for a ciphertext under key id {key_id}: either the key "
                "file holds a different key with that id (wrong key file), or the stored data was "
                "altered or moved to another row"
            ) from None

    @staticmethod
    def key_id_of(token: bytes | memoryview) -> int:
        """The key id a ciphertext was made with (without decrypting it)."""
        version, key_id = HEADER.unpack_from(bytes(token[: HEADER.size]))
        if version != FORMAT_V1:
            raise DecryptionError(f"unknown ciphertext format version {version}")
        return int(key_id)

    # --- JSON documents (several fields in one ciphertext) ------------------------------------

    @staticmethod
    def _pack(document: dict[str, Any]) -> bytes:
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        raw = data.encode("utf-8")
        return raw + b" " * (-len(raw) % PAD_TO)

    def encrypt_json(self, document: dict[str, Any], context: Context) -> bytes:
        return self.encrypt(self._pack(document), context)

    def encrypt_json_many(self, items: Iterable[tuple[dict[str, Any], Context]]) -> list[bytes]:
        return self.encrypt_many((self._pack(doc), ctx) for doc, ctx in items)

    def decrypt_json(self, token: bytes | memoryview, context: Context) -> dict[str, Any]:
        document = json.loads(self.decrypt(token, context).decode("utf-8"))
        if not isinstance(document, dict):
            raise DecryptionError("the decrypted value is not a field document")
        return document
