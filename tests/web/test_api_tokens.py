"""API tokens expire `TIPHUB_TOKEN_MAX_AGE_SECONDS` after they are issued (401 with a message)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from typer.testing import CliRunner

from tiphub.cli import app


def _age(token: Token, seconds: float) -> None:
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(seconds=seconds))


def test_tokens_last_as_long_as_a_session_by_default() -> None:
    from django.conf import settings

    assert settings.TIPHUB_TOKEN_MAX_AGE_SECONDS == settings.TIPHUB_SESSION_ABSOLUTE_SECONDS
    assert settings.TIPHUB_SESSION_ABSOLUTE_SECONDS == 8 * 3600


def test_a_token_works_until_its_max_age_then_answers_401(
    role_users: dict[str, Any], settings: Any
) -> None:
    settings.TIPHUB_TOKEN_MAX_AGE_SECONDS = 600
    token = Token.objects.create(user=role_users["supervisor"])
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    _age(token, 590)
    assert api.get("/api/v1/records/").status_code == 200
    _age(token, 601)
    response = api.get("/api/v1/records/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    detail = response.json()["detail"]
    assert "expired at" in detail
    assert "tiphub users token" in detail
    # A longer max age (set by the deployment) makes the same token good again.
    settings.TIPHUB_TOKEN_MAX_AGE_SECONDS = 3600
    assert api.get("/api/v1/me/").status_code == 200


def test_without_credentials_the_api_answers_401_not_a_login_page(db: Any) -> None:
    response = Client().get("/api/v1/records/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert Client(HTTP_AUTHORIZATION="Token not-a-token").get("/api/v1/me/").status_code == 401


def test_the_command_prints_the_token_and_says_when_it_expires(
    role_users: dict[str, Any], settings: Any
) -> None:
    from tiphub.web.audit.models import AuditEvent

    settings.TIPHUB_TOKEN_MAX_AGE_SECONDS = 2 * 3600
    before = datetime.now(UTC)
    result = CliRunner().invoke(app, ["users", "token", "supervisor-pol"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert Token.objects.get(user=role_users["supervisor"]).key == key  # stdout: the token alone
    assert "expires at" in result.stderr
    assert "in 2 h" in result.stderr
    event = AuditEvent.objects.get(action="account.token")
    expiry = datetime.fromisoformat(event.details["expires_at"])
    assert abs(expiry - before - timedelta(hours=2)) < timedelta(seconds=5)
    assert f"{expiry:%Y-%m-%d %H:%M:%S}" in result.stderr
    assert key not in str(event.details)
