"""Login, lockout, session timeouts, kill-on-disable and two-factor, end to end through views."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tiphub.web.accounts import lockout, sessions

from .support import PASSWORD, client_for

#: A password typed into the user-name field (invented).
CANARY_LOGIN = "Quokka-Lantern-8841-canary"


def _events(action: str) -> list[Any]:
    from tiphub.web.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.real_hashing
def test_passwords_are_hashed_with_argon2(make_user: Any) -> None:
    user = make_user("caseworker", name="hashed")
    assert user.password.startswith("argon2$")
    assert Client().login(username="hashed", password=PASSWORD)


def test_login_renews_the_session_id_and_is_audited(role_users: dict[str, Any]) -> None:
    client = Client()
    client.get("/accounts/login/")
    client.session["probe"] = 1  # an anonymous session before login
    before = client.session.session_key
    response = _login(client, "caseworker-pol", PASSWORD)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert [e.actor_label for e in _events("auth.login")] == ["caseworker-pol"]
    assert client.get("/records/").status_code == 200


def test_failed_logins_lock_the_name_and_every_attempt_is_audited(
    role_users: dict[str, Any], settings: Any
) -> None:
    settings.TIPHUB_LOCKOUT_THRESHOLD = 3
    client = Client()
    for _ in range(3):
        response = _login(client, "caseworker-pol", "wrong password")
        assert response.status_code == 200
    # Locked now: even the right password is refused, with a message that says why.
    response = _login(client, "caseworker-pol", PASSWORD)
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = _events("auth.login_failed")
    assert len(failed) == 4
    assert failed[-1].details["reason"] == "locked"
    assert len(_events("auth.lockout")) == 1
    assert not _events("auth.login")
    # Every event names the account (object and id), never the typed name.
    user = role_users["caseworker"]
    for event in [*failed, *_events("auth.lockout")]:
        assert (event.object_type, event.object_id) == ("auth.user", str(user.pk))
        assert event.details["user_id"] == user.pk
        assert "username" not in event.details
        assert "name_hmac" not in event.details


def test_lockout_also_covers_names_that_do_not_exist(db: Any, settings: Any) -> None:
    settings.TIPHUB_LOCKOUT_THRESHOLD = 2
    client = Client()
    for _ in range(3):
        response = _login(client, "nobody-here", "whatever pass")
    assert "locked" in response.content.decode()  # same answer as for a real account


def test_a_known_name_typed_in_another_case_still_names_the_account(
    role_users: dict[str, Any],
) -> None:
    _login(Client(), "  Caseworker-POL ", "wrong password")
    (event,) = _events("auth.login_failed")
    assert event.details["user_id"] == role_users["caseworker"].pk


def _table_dump() -> str:
    """Every row of every table of the test database, as text (an SQL dump's content)."""
    from django.db import connection

    rows: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


def _forms(value: str) -> list[str]:
    raw = value.encode("utf-8")
    return [value, value.lower(), value.upper(), base64.b64encode(raw).decode(), raw.hex()]


def test_a_password_typed_as_a_user_name_is_kept_nowhere(
    role_users: dict[str, Any], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The name field's text becomes a keyed HMAC: the DPO still sees repeated attempts."""
    from tiphub.web.accounts.models import LoginThrottle
    from tiphub.web.crypto.keyring import PURPOSE_LOGIN_NAME
    from tiphub.web.registry import keys

    settings.TIPHUB_LOCKOUT_THRESHOLD = 3
    client = Client()
    with caplog.at_level(logging.DEBUG):
        for typed in (CANARY_LOGIN, f"  {CANARY_LOGIN.upper()} ", CANARY_LOGIN):
            assert _login(client, typed, "whatever pass").status_code == 200
        locked = _login(client, CANARY_LOGIN.lower(), "whatever pass")
    assert "locked" in locked.content.decode()  # lockout still counts the unknown name
    events = [*_events("auth.login_failed"), *_events("auth.lockout")]
    assert len(events) == 5
    ring = keys.keyring()
    keyed = hmac.new(
        ring.subkey(ring.active_id, PURPOSE_LOGIN_NAME),
        CANARY_LOGIN.lower().encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    for event in events:
        assert event.object_type == ""
        assert event.details["user"] == "unknown"
        assert event.details["name_hmac"] == keyed  # one value for one name, however typed
        assert event.details["key_id"] == ring.active_id
    assert keyed != hashlib.sha256(CANARY_LOGIN.lower().encode()).hexdigest()[:32]
    assert list(LoginThrottle.objects.values_list("name_key", flat=True)) == [keyed]
    dump, logs = _table_dump(), caplog.text
    assert "auth.login_failed" in dump  # the dump holds the audit log
    for form in _forms(CANARY_LOGIN):
        assert form not in dump, form
        assert form not in logs, form


def test_the_name_hmac_depends_on_the_key(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tiphub.web.accounts import login_names
    from tiphub.web.registry import keys

    before, first_key = login_names.name_hmac(CANARY_LOGIN)
    rotated = keys.keyring().rotated()
    monkeypatch.setattr(keys, "keyring", lambda **_kwargs: rotated)
    after, second_key = login_names.name_hmac(CANARY_LOGIN)
    assert second_key == rotated.active_id != first_key
    assert after != before


def test_unlock_from_the_command_line_names_the_account_or_the_hmac(
    role_users: dict[str, Any], settings: Any
) -> None:
    from typer.testing import CliRunner

    from tiphub.cli import app

    settings.TIPHUB_LOCKOUT_THRESHOLD = 2
    client = Client()
    for _ in range(2):
        _login(client, "caseworker-pol", "wrong password")
    assert "locked" in _login(client, "caseworker-pol", PASSWORD).content.decode()
    runner = CliRunner()
    assert runner.invoke(app, ["users", "unlock", "caseworker-pol"]).exit_code == 0
    assert runner.invoke(app, ["users", "unlock", CANARY_LOGIN]).exit_code == 0
    known, unknown = _events("account.unlock")
    assert known.details == {"user_id": role_users["caseworker"].pk}
    assert unknown.details["user"] == "unknown"
    assert "name_hmac" in unknown.details
    assert CANARY_LOGIN.lower() not in _table_dump().lower()
    assert _login(client, "caseworker-pol", PASSWORD).status_code == 302


def test_lockout_ends_after_its_window(role_users: dict[str, Any], settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tiphub.web.accounts.models import LoginThrottle

    settings.TIPHUB_LOCKOUT_THRESHOLD = 2
    client = Client()
    for _ in range(2):
        _login(client, "caseworker-pol", "wrong password")
    key = lockout.throttle_key("caseworker-pol")
    LoginThrottle.objects.filter(name_key=key).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert _login(client, "caseworker-pol", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(name_key=key).exists()


def test_idle_session_is_logged_out(role_users: dict[str, Any], monkeypatch: Any) -> None:
    client = client_for(role_users["caseworker"])
    assert client.get("/records/").status_code == 200
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start + 15 * 60 + 5)
    response = client.get("/records/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    logout = _events("auth.logout")
    assert logout
    assert logout[-1].details["reason"] == "timeout-idle"


def test_activity_keeps_a_session_alive_until_its_absolute_limit(
    role_users: dict[str, Any], monkeypatch: Any, settings: Any
) -> None:
    settings.TIPHUB_SESSION_ABSOLUTE_SECONDS = 3600
    client = client_for(role_users["caseworker"])
    start = sessions.now()
    for minutes in (10, 20, 30, 40, 50):  # a request every ten minutes: never idle
        monkeypatch.setattr(sessions, "now", lambda m=minutes: start + m * 60)
        assert client.get("/records/").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + 3601)
    response = client.get("/records/")
    assert response.status_code == 302
    assert _events("auth.logout")[-1].details["reason"] == "timeout-absolute"


def test_a_timed_out_page_says_why_on_the_login_page(
    role_users: dict[str, Any], monkeypatch: Any
) -> None:
    client = client_for(role_users["caseworker"])
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start + 15 * 60 + 5)
    response = client.get("/records/?year=2023")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Frecords%2F%3Fyear%3D2023&expired=idle"
    assert "Your session ended" in client.get(response["Location"]).content.decode()


def test_htmx_and_post_requests_are_sent_to_the_login_page_whole(
    role_users: dict[str, Any], monkeypatch: Any
) -> None:
    client = client_for(role_users["caseworker"])
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start + 8 * 3600 + 5)
    fragment = client.get(
        "/records/?page=2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/records/?year=2023",
    )
    assert fragment.status_code == 200
    assert fragment.content == b""  # nothing to swap into the page...
    assert fragment["HX-Redirect"] == (  # ...which htmx replaces with the login page
        "/accounts/login/?next=%2Frecords%2F%3Fyear%3D2023&expired=absolute"
    )
    # A POST's address answers only POST: after logging in, the user starts from the home page.
    anonymous_post = Client().post("/records/search/", {"family_name": "x"})
    assert anonymous_post["Location"] == "/accounts/login/"


def test_a_short_idle_limit_never_logs_out_an_active_user(
    role_users: dict[str, Any], monkeypatch: Any, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 40  # a strict deployment: 40 seconds
    client = client_for(role_users["caseworker"])
    start = sessions.now()
    for seconds in range(15, 181, 15):  # a request every 15 seconds for three minutes
        monkeypatch.setattr(sessions, "now", lambda s=seconds: start + s)
        assert client.get("/records/").status_code == 200, seconds
    monkeypatch.setattr(sessions, "now", lambda: start + 180 + 41)
    assert client.get("/records/").status_code == 302


def test_disabling_an_account_ends_its_sessions_and_tokens(role_users: dict[str, Any]) -> None:
    from rest_framework.authtoken.models import Token

    user = role_users["supervisor"]
    browser_a, browser_b = client_for(user), client_for(user)
    token = Token.objects.create(user=user)
    assert browser_a.get("/records/").status_code == 200
    user.is_active = False
    user.save()
    assert not Session.objects.filter(
        session_key__in=[browser_a.session.session_key, browser_b.session.session_key]
    ).exists()
    for browser in (browser_a, browser_b):
        assert browser.get("/records/").status_code == 302
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/records/").status_code in {401, 403}
    assert _events("account.disable")


def test_a_role_change_applies_on_the_next_request(role_users: dict[str, Any]) -> None:
    user = role_users["supervisor"]
    client = client_for(user)
    assert client.get("/records/").status_code == 200
    user.account.role = "statistician"
    user.account.agency = None
    user.account.save()
    assert client.get("/records/").status_code == 403


def test_logout_is_post_only_and_audited(role_users: dict[str, Any]) -> None:
    client = client_for(role_users["caseworker"])
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert _events("auth.logout")[-1].details["reason"] == "user"
    assert client.get("/records/").status_code == 302


def test_pages_are_not_cached(role_users: dict[str, Any]) -> None:
    response = client_for(role_users["caseworker"]).get("/records/")
    assert "no-store" in response["Cache-Control"]


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def _require(self, settings: Any) -> None:
        settings.TIPHUB_REQUIRE_2FA = True

    def _password_login(self, name: str) -> Client:
        client = Client()
        assert _login(client, name, PASSWORD).status_code == 302
        return client

    def test_identity_roles_must_enrol_then_verify(self, role_users: dict[str, Any]) -> None:
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client = self._password_login("caseworker-pol")
        response = client.get("/records/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/two-factor/"
        page = client.get("/accounts/two-factor/")
        assert b"<svg" in page.content  # the enrolment QR code, inline
        device = TOTPDevice.objects.get(user=role_users["caseworker"])
        assert not device.confirmed
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
        assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
        assert client.get("/records/").status_code == 200
        device.refresh_from_db()
        assert device.confirmed
        # Next login: the confirmed device is asked for, and a wrong code lets nobody in.
        other = self._password_login("caseworker-pol")
        assert b"<svg" not in other.get("/accounts/two-factor/").content
        assert other.post("/accounts/two-factor/", {"token": "000000"}).status_code == 200
        assert other.get("/records/").status_code == 302
        assert [e.outcome for e in _events("auth.second_factor")] == ["ok", "failed"]

    def test_verifying_the_second_factor_renews_the_session_id(
        self, role_users: dict[str, Any]
    ) -> None:
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tiphub.web.accounts.models import UserSession

        client = self._password_login("caseworker-pol")
        client.get("/accounts/two-factor/")  # enrols a device
        before = client.session.session_key
        device = TOTPDevice.objects.get(user=role_users["caseworker"])
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
        assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
        after = client.session.session_key
        assert after != before
        assert not Session.objects.filter(session_key=before).exists()
        recorded = UserSession.objects.filter(user=role_users["caseworker"])
        assert list(recorded.values_list("session_key", flat=True)) == [after]
        assert client.get("/records/").status_code == 200  # still verified, still stamped
        role_users["caseworker"].is_active = False
        role_users["caseworker"].save()  # and disabling still ends the renewed session
        assert not Session.objects.filter(session_key=after).exists()

    def test_api_token_alone_is_refused_for_identity_roles(
        self, role_users: dict[str, Any]
    ) -> None:
        from rest_framework.authtoken.models import Token

        token = Token.objects.create(user=role_users["caseworker"])
        api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get("/api/v1/records/").status_code == 403

    def test_roles_without_identities_need_no_second_factor(
        self, role_users: dict[str, Any]
    ) -> None:
        client = self._password_login("statistician-national")
        assert client.get("/dashboard/").status_code == 200
