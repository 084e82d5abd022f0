"""`TIPHUB_PRODUCTION=1` (what `tiphub serve --production` sets) really switches on the transport
protections: checked in a fresh interpreter, since settings are read once at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client()
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csp": secure.get("Content-Security-Policy", ""),
    "frame": secure.get("X-Frame-Options", ""),
    "cache": secure.get("Cache-Control", ""),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "require_2fa": settings.TIPHUB_REQUIRE_2FA,
    "debug": settings.DEBUG,
}))
"""


def _probe(tmp_path: Path, **env: str) -> dict[str, object]:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TIPHUB_")},
        "DJANGO_SETTINGS_MODULE": "tiphub.web.settings",
        "TIPHUB_VAR_DIR": str(tmp_path / "var"),
        "TIPHUB_KEY_FILE": str(tmp_path / "keys" / "field.key"),
        "TIPHUB_SECRET_KEY": "test-only-" + "x" * 50,
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_production_switches_on_hsts_secure_cookies_csp_and_2fa(tmp_path: Path) -> None:
    seen = _probe(tmp_path, TIPHUB_PRODUCTION="1", TIPHUB_DEBUG="1")
    assert seen["plain_status"] == 301
    assert str(seen["plain_location"]).startswith("https://")
    assert seen["status"] == 200
    assert "max-age=63072000" in str(seen["hsts"])
    assert "includeSubDomains" in str(seen["hsts"])
    csp = str(seen["csp"])
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert seen["frame"] == "DENY"
    assert "no-store" in str(seen["cache"])
    assert seen["csrf_cookie_secure"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["session_cookie_httponly"] is True
    assert seen["require_2fa"] is True
    assert seen["debug"] is False  # TIPHUB_DEBUG cannot switch debugging on in production


def test_the_demo_keeps_plain_http_but_the_same_csp(tmp_path: Path) -> None:
    seen = _probe(tmp_path)
    assert seen["plain_status"] == 200
    assert seen["hsts"] == ""
    assert "script-src 'self'" in str(seen["csp"])
    assert seen["session_cookie_secure"] is False
    assert seen["require_2fa"] is False


def test_serve_offers_production() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tiphub", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert "--production" in done.stdout
