"""`tiphub users ...`: create, list, disable and manage accounts from the command line.

Accounts are tied to one agency (agency roles) or none (national roles); see
`src/tiphub/web/accounts/data/roles.yaml` for the roles. Every change is audited with the actor
`cli:<operating-system user>`.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tiphub.cli.app import app
from tiphub.cli.common import console, err_console, fail, usage_error

users_app = typer.Typer(
    help="Manage user accounts (agency, role, API tokens).", no_args_is_help=True
)
app.add_typer(users_app, name="users")


def _setup() -> None:
    from tiphub.web.bootstrap import setup_django

    setup_django()


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _audit(action: str, **details: Any) -> None:
    from tiphub.web.audit.services import record_event

    record_event(_actor(), action, details=details)


def _read_password(path: Path) -> str:
    """The first line of the file (or of stdin for '-'), without its line ending."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        usage_error(f"cannot read the password file {path}: {exc.strerror}")
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        fail(f"{path}: the password file is empty")
    return password


def _get_user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        fail(f"no user called {name!r}")
    return user


def _check_role_agency(role_code: str, agency_code: str | None) -> Any:
    """The agency row for an agency role (required), or None for a national role (forbidden)."""
    from tiphub.web.accounts.roles import roles
    from tiphub.web.registry.models import Agency

    known = roles()
    role = known.get(role_code)
    if role is None:
        usage_error(f"unknown role {role_code!r}; roles: {', '.join(sorted(known))}")
    if role.agency_bound and not agency_code:
        usage_error(f"role {role_code!r} works for one agency: give --agency CODE")
    if not role.agency_bound and agency_code:
        usage_error(f"role {role_code!r} is national: it takes no --agency")
    if not agency_code:
        return None
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        fail(f"unknown agency {agency_code!r} (import its first file or create it first)")
    return agency


@users_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The user name (login).")],
    role: Annotated[str, typer.Option("--role", help="A role code, e.g. caseworker.")],
    password_file: Annotated[
        Path,
        typer.Option("--password-file", help="File whose first line is the password ('-': stdin)."),
    ],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Agency code (agency roles only).")
    ] = None,
    email: Annotated[str, typer.Option("--email", help="Contact e-mail (optional).")] = "",
) -> None:
    """Create an account for one agency (or a national role)."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from tiphub.web.accounts.models import Account

    password = _read_password(password_file)
    agency_row = _check_role_agency(role, agency)
    user_model = get_user_model()
    if user_model.objects.filter(username=name).exists():
        fail(f"a user called {name!r} already exists")
    candidate = user_model(username=name, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        fail("the password is not acceptable: " + " ".join(exc.messages))
    with transaction.atomic():
        user = user_model.objects.create_user(username=name, email=email, password=password)
        Account.objects.create(user=user, agency=agency_row, role=role)
        _audit("account.create", user_id=user.pk, role=role, agency=agency or "")
    err_console.print(f"created {name} ({role}{', ' + agency if agency else ''})")


@users_app.command("list")
def list_users(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List accounts with their agency, role and state."""
    _setup()
    from django.contrib.auth import get_user_model
    from rich.table import Table

    rows: list[dict[str, Any]] = []
    for user in get_user_model().objects.order_by("username").select_related("account__agency"):
        account = getattr(user, "account", None)
        rows.append(
            {
                "username": user.username,
                "role": account.role if account else None,
                "agency": account.agency.code if account and account.agency else None,
                "active": user.is_active,
                "last_login": user.last_login.isoformat() if user.last_login else None,
            }
        )
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("user", "role", "agency", "active", "last login")
    for row in rows:
        table.add_row(
            str(row["username"]),
            str(row["role"] or "-"),
            str(row["agency"] or "-"),
            "yes" if row["active"] else "no",
            str(row["last_login"] or "-"),
        )
    console.print(table)


def _set_active(name: str, active: bool) -> None:
    _setup()
    user = _get_user(name)
    user.is_active = active
    user.save(update_fields=["is_active"])  # disabling ends every session (accounts.signals)
    if active:
        _audit("account.enable", user_id=user.pk)
    err_console.print(f"{'enabled' if active else 'disabled'} {name}")


@users_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Disable an account: its sessions and API tokens end at once."""
    _set_active(name, False)


@users_app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Enable a disabled account again."""
    _set_active(name, True)


@users_app.command("set-role")
def set_role(
    name: Annotated[str, typer.Argument(help="The user name.")],
    role: Annotated[str, typer.Option("--role", help="The new role code.")],
    agency: Annotated[str | None, typer.Option("--agency", help="Agency code.")] = None,
) -> None:
    """Change a user's role (and agency); it takes effect on their next request."""
    _setup()
    from tiphub.web.accounts.models import Account

    user = _get_user(name)
    agency_row = _check_role_agency(role, agency)
    Account.objects.update_or_create(user=user, defaults={"role": role, "agency": agency_row})
    _audit("account.role", user_id=user.pk, role=role, agency=agency or "")
    err_console.print(f"{name} is now {role}{' at ' + agency if agency else ''}")


@users_app.command("set-password")
def set_password(
    name: Annotated[str, typer.Argument(help="The user name.")],
    password_file: Annotated[
        Path, typer.Option("--password-file", help="File whose first line is the password.")
    ],
) -> None:
    """Set a new password (ends the user's sessions)."""
    _setup()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from tiphub.web.accounts.sessions import end_all

    user = _get_user(name)
    password = _read_password(password_file)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        fail("the password is not acceptable: " + " ".join(exc.messages))
    user.set_password(password)
    user.save(update_fields=["password"])
    end_all(user.pk)
    _audit("account.password", user_id=user.pk)
    err_console.print(f"new password set for {name}; their sessions were ended")


@users_app.command("token")
def token(name: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Issue a new API token (printed on stdout; any previous token stops working).

    The token expires TIPHUB_TOKEN_MAX_AGE_SECONDS after it is issued (by default the absolute
    session lifetime, 8 hours); the expiry is printed on stderr.
    """
    _setup()
    from datetime import UTC

    from rest_framework.authtoken.models import Token

    from tiphub.web.api.authentication import expires_at, max_age

    user = _get_user(name)
    if not user.is_active:
        fail(f"{name} is disabled")
    Token.objects.filter(user=user).delete()
    issued = Token.objects.create(user=user)
    expiry = expires_at(issued).astimezone(UTC)
    _audit("account.token", user_id=user.pk, expires_at=expiry.isoformat(timespec="seconds"))
    sys.stdout.write(issued.key + "\n")
    hours = max_age().total_seconds() / 3600
    err_console.print(
        f"token for {name} expires at {expiry:%Y-%m-%d %H:%M:%S} UTC (in {hours:g} h; "
        "TIPHUB_TOKEN_MAX_AGE_SECONDS); run this command again for a new one",
        highlight=False,
    )


@users_app.command("unlock")
def unlock(name: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Lift a lockout after failed logins."""
    _setup()
    from tiphub.web.accounts import lockout, login_names

    lockout.clear(name)
    _account, who = login_names.describe(name)  # the account, or the name's keyed HMAC
    _audit("account.unlock", **who)
    err_console.print(f"unlocked {name}")


@users_app.command("reset-2fa")
def reset_two_factor(name: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Remove a user's authenticator devices (they enrol a new one at their next login)."""
    _setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiphub.web.accounts.sessions import end_all

    user = _get_user(name)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    end_all(user.pk)
    _audit("account.reset_2fa", user_id=user.pk, devices=removed)
    err_console.print(f"removed {removed} device(s) of {name}; their sessions were ended")
