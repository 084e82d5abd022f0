"""Lockout after repeated failed logins, per user name (known or not, so nothing is revealed).

Settings: `TIPHUB_LOCKOUT_THRESHOLD` failures within `TIPHUB_LOCKOUT_SECONDS` lock the name for
`TIPHUB_LOCKOUT_SECONDS`. The check sits in an authentication backend, so every way in (login
page, `django.contrib.auth.authenticate`) is throttled the same way.

The throttle table never holds the typed name (people type passwords there): each row is keyed
by the login name's keyed HMAC (`login_names.name_hmac`, the value the audit log records for an
unknown name), so the same name, in any case and with any surrounding spaces, is one throttle.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tiphub.web.accounts.login_names import name_hmac
from tiphub.web.accounts.models import LoginThrottle


def threshold() -> int:
    return int(getattr(settings, "TIPHUB_LOCKOUT_THRESHOLD", 5))


def window() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "TIPHUB_LOCKOUT_SECONDS", 15 * 60)))


def throttle_key(username: str) -> str:
    """The throttle row's key: the keyed HMAC of the normalised name, never the name."""
    return name_hmac(username)[0]


def is_locked(username: str) -> bool:
    """True while the name is locked out."""
    row = LoginThrottle.objects.filter(name_key=throttle_key(username)).first()
    return bool(row and row.locked_until and row.locked_until > timezone.now())


def register_failure(username: str) -> bool:
    """Count one failure; returns True when this failure starts a lockout."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            name_key=throttle_key(username)
        )
        if row.locked_until and row.locked_until > now:
            return False  # already locked: do not extend it on every try
        if row.first_failure_at is None or now - row.first_failure_at > window():
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        starts = row.failures >= threshold()
        if starts:
            row.locked_until = now + window()
            row.failures, row.first_failure_at = 0, None
        row.save()
    return starts


def clear(username: str) -> None:
    """Forget failures after a successful login (or an administrator's unlock)."""
    LoginThrottle.objects.filter(name_key=throttle_key(username)).delete()


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing any password while the user name is locked out."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None and is_locked(username):
            if request is not None:
                request.tiphub_locked_out = True  # type: ignore[attr-defined]
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
