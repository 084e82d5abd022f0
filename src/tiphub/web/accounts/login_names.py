"""What tiphub keeps of a user name typed at login: never the typed text itself.

People type passwords into the user-name field. A failed login must still be audited and
counted for lockout, but the audit log is append-only and hash-chained (nothing in it can ever
be erased), so it must not keep what was typed. Two forms replace the name:

- the **account** when the name is a user's (matched as the lockout matches: trimmed, any case):
  the audit event names the user (object `auth.user`, `details.user_id`), a fact worth keeping;
- otherwise a **keyed HMAC** of the normalised name (`name_hmac`, 128 bits, hex) under the
  login-name subkey of the field-encryption keyring (`tiphub/login-name/v1`), with the id of the
  key (`key_id`). The same name always gives the same value, so the data-protection officer can
  still see repeated attempts against one name, and the lockout table counts failures by it;
  without the key file the value reveals nothing (no unkeyed hash: a dictionary of likely
  passwords cannot be run against it). After a key rotation the same name gives a new value.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from tiphub.web.crypto.keyring import PURPOSE_LOGIN_NAME

#: Hex characters kept of the HMAC (128 bits, as the blind index).
HMAC_HEX = 32
#: Longest user name Django accepts; longer typing is cut before it is keyed.
MAX_NAME = 150


def normalise(username: str) -> str:
    """Lower-cased and trimmed: `Alice` and `alice ` are one name (for lockout and audit)."""
    return username.strip().lower()[:MAX_NAME]


def name_hmac(username: str) -> tuple[str, int]:
    """(keyed HMAC of the normalised name, id of the key used), under the active key."""
    from tiphub.web.registry import keys

    ring = keys.keyring()
    subkey = ring.subkey(ring.active_id, PURPOSE_LOGIN_NAME)
    digest = hmac.new(subkey, normalise(username).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:HMAC_HEX], ring.active_id


def account_for(username: str) -> Any:
    """The user whose name this is (exact first, then any case after trimming), or None."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    exact = users.filter(username=username).first()
    if exact is not None:
        return exact
    matches = list(users.filter(username__iexact=normalise(username))[:2])
    return matches[0] if len(matches) == 1 else None


def describe(username: str) -> tuple[Any, dict[str, Any]]:
    """(the account or None, audit details) for a typed user name: never the name itself."""
    user = account_for(username) if username else None
    if user is not None:
        return user, {"user_id": user.pk}
    if not username.strip():
        return None, {"user": "empty"}
    value, key_id = name_hmac(username)
    return None, {"user": "unknown", "name_hmac": value, "key_id": key_id}
