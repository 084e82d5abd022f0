"""Accounts: a Django user tied to one agency (or to none, for national roles) and one role.

The user model stays Django's own; the `Account` row adds what tiphub needs. A user without
an account row (a bare `createsuperuser`, say) has no role and so no permission at all: deny by
default.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tiphub.web.accounts.roles import Role, get_role


class Account(models.Model):
    """The tiphub side of a user: which agency they work for and which role they hold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    agency = models.ForeignKey(
        "registry.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_("Empty for national roles (statistician, data-protection officer, admin)."),
    )
    role = models.CharField(max_length=40, help_text=_("A role code from the roles file."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"

    @property
    def role_obj(self) -> Role | None:
        """The role definition, or None when the code is unknown (then nothing is allowed)."""
        return get_role(self.role)


class LoginThrottle(models.Model):
    """Failed logins per user name (existing or not, so that lockout reveals no account).

    After `TIPHUB_LOCKOUT_THRESHOLD` failures within `TIPHUB_LOCKOUT_SECONDS` the name is locked
    for `TIPHUB_LOCKOUT_SECONDS`; a successful login clears the row. The name is kept only as
    its keyed HMAC (`accounts.login_names`): what was typed may be someone's password.
    """

    name_key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name_key[:8]}: {self.failures} failure(s)"


class UserSession(models.Model):
    """Which sessions belong to which user, so that disabling an account ends all of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tiphub_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"
