"""Blind indexes: keyed HMAC tokens that allow exact search on encrypted identifiers.

A token is HMAC-SHA256(subkey, kind | normalised value), truncated to 128 bits and hex-encoded.
The subkey is derived with HKDF from the keyring's master key, so a token is useless without the
key file: there is no unkeyed hash of an identifier anywhere (privacy-requirements A2.2). The
`kind` in the message keeps a name token from ever matching a date-of-birth token.

Normalisation decides what "exact" means: case, accents, punctuation and extra spaces are ignored,
and the words of a full name are sorted so that "Maria LOPEZ" finds "López, María". Anything
fuzzier (typos, transliteration) is the linkage stage's job, not the index's.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from tiphub.web.crypto.keyring import PURPOSE_BLIND_INDEX, KeyRing

TOKEN_HEX = 32
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


def normalise_name(value: str | None, *, sort_words: bool = False) -> str:
    """Case-folded, accent-free words separated by one space ('' when nothing is left)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NOT_WORD.sub(" ", text.casefold()).split()
    return " ".join(sorted(words) if sort_words else words)


def normalise_date(value: date | str | None) -> str:
    """ISO `YYYY-MM-DD` ('' when missing)."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value).strip()).isoformat()


def normalise_document(value: str | None) -> str:
    """Upper-case letters and digits only: 'ab 12-345' and 'AB12345' are the same document."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value).upper()
    return _NOT_ALNUM.sub("", text)


class BlindIndexer:
    """Tokens under one key of the ring (the active key unless `key_id` is given)."""

    def __init__(self, keyring: KeyRing, key_id: int | None = None) -> None:
        self.key_id = keyring.active_id if key_id is None else key_id
        self._key = keyring.subkey(self.key_id, PURPOSE_BLIND_INDEX)

    def token(self, kind: str, normalised: str) -> str:
        """The token of an already normalised value; '' for an empty value (nothing to find)."""
        if not normalised:
            return ""
        message = kind.encode("utf-8") + b"\x00" + normalised.encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:TOKEN_HEX]

    def full_name(self, given: str | None, family: str | None) -> str:
        """Token of the whole name, word order ignored."""
        return self.token(
            "full_name", normalise_name(f"{given or ''} {family or ''}", sort_words=True)
        )

    def family_name(self, family: str | None) -> str:
        return self.token("family_name", normalise_name(family))

    def date_of_birth(self, value: date | str | None) -> str:
        return self.token("date_of_birth", normalise_date(value))

    def document(self, number: str | None) -> str:
        return self.token("document_number", normalise_document(number))
