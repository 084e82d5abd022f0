"""Audit and bookkeeping around authentication: login, failure, lockout, logout, disable.

Connected in `AccountsConfig.ready()`. Every event goes to the hash-chained audit log through
`tiphub.web.audit.services.record_event`. Passwords and tokens never reach an event, and neither
does a user name typed at a failed login (it may be a password typed in the wrong field): the
event names the account, or holds a keyed HMAC of an unknown name (`accounts.login_names`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from tiphub.web.accounts import lockout, login_names, sessions


def _audit(
    actor: Any, action: str, *, obj: Any = None, outcome: str = "ok", details: dict[str, Any]
) -> None:
    from tiphub.web.audit.services import record_event

    record_event(actor, action, obj, outcome=outcome, details=details)


def _client(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {"via": "internal"}
    return {"via": "api" if request.path.startswith("/api/") else "web"}


@receiver(user_logged_in, dispatch_uid="tiphub-login")
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    lockout.clear(user.get_username())
    if request is not None and hasattr(request, "session"):
        sessions.start(request, user)
    _audit(user, "auth.login", details=_client(request))


@receiver(user_login_failed, dispatch_uid="tiphub-login-failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Audit the failure and count it for lockout, without keeping the typed user name.

    The event names the account when the name is a user's, else only that the name was unknown
    and its keyed HMAC (`login_names.describe`): a password typed into the name field must not
    end up in the append-only log.
    """
    username = str(credentials.get("username") or "")
    was_locked = bool(request is not None and getattr(request, "tiphub_locked_out", False))
    account, who = login_names.describe(username)
    details = {**who, **_client(request)}
    if was_locked:
        _audit(
            None,
            "auth.login_failed",
            obj=account,
            outcome="denied",
            details={**details, "reason": "locked"},
        )
        return
    starts_lockout = lockout.register_failure(username) if username else False
    _audit(None, "auth.login_failed", obj=account, outcome="failed", details=details)
    if starts_lockout:
        _audit(None, "auth.lockout", obj=account, outcome="denied", details=details)


@receiver(user_logged_out, dispatch_uid="tiphub-logout")
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from tiphub.web.accounts.models import UserSession

    if user is None:
        return
    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            UserSession.objects.filter(session_key=key).delete()
    reason = getattr(request, "tiphub_logout_reason", "user") if request else "user"
    _audit(user, "auth.logout", details={"reason": reason, **_client(request)})


@receiver(pre_save, sender=get_user_model(), dispatch_uid="tiphub-user-was-active")
def remember_active(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk:
        previous = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True)
        instance._tiphub_was_active = next(iter(previous), True)


@receiver(post_save, sender=get_user_model(), dispatch_uid="tiphub-user-disabled")
def end_sessions_when_disabled(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Disabling an account ends every live session and token at once (ASVS 7.4.2)."""
    if created or instance.is_active or not getattr(instance, "_tiphub_was_active", False):
        return
    ended = sessions.end_all(instance.pk)
    _audit(None, "account.disable", details={"user_id": instance.pk, "sessions_ended": ended})
