"""`tiphub users ...`: accounts from the command line, with exit codes and audit events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from tiphub.cli import app

from .support import PASSWORD, client_for

runner = CliRunner()


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "pw.txt"
    path.write_text(PASSWORD + "\n")
    return path


def _run(*args: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, ["users", *args], input=stdin)


def test_create_an_agency_account_and_log_in(agencies: Any, password_file: Path) -> None:
    from tiphub.web.accounts.models import Account

    result = _run(
        "create",
        "amal",
        "--agency",
        "POL",
        "--role",
        "caseworker",
        "--password-file",
        str(password_file),
    )
    assert result.exit_code == 0, result.output
    account = Account.objects.get(user__username="amal")
    assert (account.role, account.agency.code) == ("caseworker", "POL")
    assert Client().login(username="amal", password=PASSWORD)
    from tiphub.web.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="account.create")
    assert event.actor_label.startswith("cli")
    assert event.details["role"] == "caseworker"


def test_password_from_stdin_and_national_role(agencies: Any) -> None:
    result = _run(
        "create", "stat", "--role", "statistician", "--password-file", "-", stdin=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--role", "caseworker"], 2, "give --agency"),
        (["--role", "statistician", "--agency", "POL"], 2, "national"),
        (["--role", "wizard", "--agency", "POL"], 2, "unknown role"),
        (["--role", "caseworker", "--agency", "NOPE"], 1, "unknown agency"),
    ],
)
def test_bad_role_or_agency_is_refused(
    agencies: Any, password_file: Path, args: list[str], code: int, message: str
) -> None:
    result = _run("create", "x", *args, "--password-file", str(password_file))
    assert result.exit_code == code
    assert message in result.output


def test_weak_password_and_duplicate_name_are_refused(
    agencies: Any, tmp_path: Path, password_file: Path
) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("password\n")
    result = _run(
        "create", "w", "--agency", "POL", "--role", "caseworker", "--password-file", str(weak)
    )
    assert result.exit_code == 1
    assert "not acceptable" in result.output
    ok = [
        "create",
        "w",
        "--agency",
        "POL",
        "--role",
        "caseworker",
        "--password-file",
        str(password_file),
    ]
    assert _run(*ok).exit_code == 0
    again = _run(*ok)
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_list_disable_token_set_role(role_users: dict[str, Any]) -> None:
    listed = json.loads(_run("list", "--json").stdout)
    assert {row["username"] for row in listed} >= {"caseworker-pol", "dpo-national"}
    token = _run("token", "supervisor-pol").stdout.strip()
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/records/").status_code == 200
    browser = client_for(role_users["supervisor"])
    assert _run("disable", "supervisor-pol").exit_code == 0
    assert api.get("/api/v1/records/").status_code in {401, 403}
    assert browser.get("/records/").status_code == 302
    assert _run("set-role", "caseworker-pol", "--role", "statistician").exit_code == 0
    assert client_for(role_users["caseworker"]).get("/records/").status_code == 403
    assert _run("disable", "nobody").exit_code == 1
