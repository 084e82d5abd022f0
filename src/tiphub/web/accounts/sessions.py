"""Session lifetimes and ending sessions: idle and absolute timeouts, kill on disable.

Idle: `SESSION_COOKIE_AGE` seconds without a request (measured from the last time the idle clock
moved; it moves at most once a minute, or a quarter of the idle limit when that is shorter, see
`seen_resolution()`). Absolute:
`TIPHUB_SESSION_ABSOLUTE_SECONDS` after the password was entered, however active the user was.
Both are checked by `SessionTimeoutMiddleware` from timestamps kept in the session itself, so they
hold with any session backend; the database backend's own expiry (renewed whenever the clock
moves) is a second fence for the idle limit.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.http import HttpRequest

AUTH_AT = "tiphub_auth_at"
SEEN_AT = "tiphub_seen_at"
#: The idle clock is moved (and the session saved) at most this often, in seconds: the idle
#: timeout is exact to within this much, and most requests write nothing.
SEEN_RESOLUTION = 60


def seen_resolution() -> float:
    """How often the idle clock moves: `SEEN_RESOLUTION`, but at most a quarter of the idle limit,
    so that a short limit (a strict deployment's) never logs out a user who is active."""
    return min(float(SEEN_RESOLUTION), settings.SESSION_COOKIE_AGE / 4)


def now() -> float:
    """Seconds since the epoch (a function, so tests can move the clock)."""
    return time.time()


def start(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Stamp a fresh session (called on login; Django has already cycled the session id)."""
    from tiphub.web.accounts.models import UserSession

    stamp = now()
    request.session[AUTH_AT] = stamp
    request.session[SEEN_AT] = stamp
    request.session.save()  # the key must exist before it is recorded
    if request.session.session_key:
        UserSession.objects.update_or_create(
            session_key=request.session.session_key, defaults={"user_id": user.pk}
        )


def renew(request: HttpRequest) -> None:
    """Give an authenticated session a new id and keep the record of it (ASVS 7.2.4).

    Called when the second factor is verified: the session gains rights, so an id that may have
    been seen before (while only the password was given) must stop working. The stamps are kept:
    the absolute lifetime still runs from the password.
    """
    from tiphub.web.accounts.models import UserSession

    old_key = request.session.session_key
    request.session.cycle_key()
    new_key = request.session.session_key
    if old_key and new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def expired_reason(request: HttpRequest) -> str | None:
    """'idle' or 'absolute' when the session has run out, else None (and mark it seen)."""
    session = request.session
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    current = now()
    if auth_at is None or seen_at is None:
        return "absolute"  # a session without our stamps was not made by our login
    if current - float(auth_at) > settings.TIPHUB_SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if current - float(seen_at) > settings.SESSION_COOKIE_AGE:
        return "idle"
    if current - float(seen_at) >= seen_resolution():
        session[SEEN_AT] = current  # modifies the session: Django saves it, renewing its expiry
    return None


def end_all(user_id: int) -> int:
    """Delete every session (and API token) of a user; returns the number of sessions ended."""
    from rest_framework.authtoken.models import Token

    from tiphub.web.accounts.models import UserSession

    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user_id=user_id).delete()
    Token.objects.filter(user_id=user_id).delete()
    return len(keys)
