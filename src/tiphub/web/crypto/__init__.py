"""Field-level encryption of victims' identifying data (no Django import).

- `keyring`: the versioned key file at `TIPHUB_KEY_FILE` (outside the database), rotation.
- `cipher`: AES-256-GCM of one value bound to its row by associated data (`FieldCipher`).
- `blind_index`: keyed HMAC tokens for exact search on normalised names, dates of birth, documents.

Every app that stores identifying fields (registry, casework) uses these three pieces; the design is
in docs/encryption.md. Errors are `CryptoError` subclasses whose messages never hold a key or a
plaintext value, so the CLI can print them as they are.
"""

from tiphub.web.crypto.blind_index import BlindIndexer, normalise_date, normalise_name
from tiphub.web.crypto.cipher import FieldCipher
from tiphub.web.crypto.errors import CryptoError, DecryptionError, KeyFileError
from tiphub.web.crypto.keyring import KeyRing, create_keyring, load_keyring

__all__ = [
    "BlindIndexer",
    "CryptoError",
    "DecryptionError",
    "FieldCipher",
    "KeyFileError",
    "KeyRing",
    "create_keyring",
    "load_keyring",
    "normalise_date",
    "normalise_name",
]
