"""Canary: a name imported through the web UI appears in no log file and no database dump.

A real server (`tiphub serve`, gunicorn) runs in a private directory with every log captured; a
data officer uploads a file with errors and then a good one, a caseworker searches the name,
opens the record (so the name is decrypted and rendered) and triggers a few error paths; someone
types a password into the login page's user-name field until the name is locked out. Then the
logs, the temporary-upload directory, every file under var/ and a full SQL dump of the database
are searched for the canary values in plain, lower-case, base64 and hex forms.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from .support import BAD_ROWS, CANARY_DOCUMENT, CANARY_FAMILY, CANARY_GIVEN, GOOD_ROWS, write_intake

pytestmark = pytest.mark.slow

PASSWORD = "canary password for tests 77"
#: A password typed into the user-name field (invented): failed logins must not keep it.
CANARY_LOGIN = "Pelican-Ember-5309-typed-as-name"
CANARIES = (CANARY_GIVEN, CANARY_FAMILY, CANARY_DOCUMENT, CANARY_LOGIN)
#: Waits are deadlines, not expectations: CI machines are small and often busy, so a request may
#: take long without anything being wrong. Only a server that never answers fails the test.
START_DEADLINE = 300  # seconds for migrate's output to be served: collectstatic, gunicorn boot
REQUEST_TIMEOUT = 120  # per request (an upload is imported while the request waits)


def _forms(value: str) -> list[bytes]:
    raw = value.encode("utf-8")
    return [raw, raw.lower(), base64.b64encode(raw), raw.hex().encode(), raw.hex().upper().encode()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    var = tmp_path / "var"
    uploads_tmp = tmp_path / "tmp"
    uploads_tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIPHUB_", "DJANGO_"))}
    env.update(
        TIPHUB_VAR_DIR=str(var),
        TIPHUB_KEY_FILE=str(var / "keys" / "field.key"),
        TIPHUB_LOG_LEVEL="DEBUG",
        TMPDIR=str(uploads_tmp),
        COLUMNS="200",
    )
    tiphub = [sys.executable, "-m", "tiphub"]

    def run(*args: str, stdin: str | None = None) -> None:
        done = subprocess.run(
            [*tiphub, *args], env=env, capture_output=True, text=True, input=stdin, check=False
        )
        if done.returncode != 0:
            pytest.fail(f"tiphub {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")

    run("migrate")
    seed = write_intake(tmp_path / "seed.csv", [{**GOOD_ROWS[2], "record_id": "SEED-1"}])
    run("import", str(seed), "--agency", "POL")
    for name, role in (("officer", "data_officer"), ("worker", "caseworker")):
        run(
            "users",
            "create",
            name,
            "--agency",
            "POL",
            "--role",
            role,
            "--password-file",
            "-",
            stdin=PASSWORD + "\n",
        )
    port = _free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    with (logs / "stdout.log").open("wb") as out, (logs / "stderr.log").open("wb") as err:
        process = subprocess.Popen(
            [*tiphub, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=err,
        )
        base = f"http://127.0.0.1:{port}"

        def stop() -> None:
            """Stop the server and wait for it, so that every log line is on disk."""
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=REQUEST_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

        try:
            _wait_until_serving(f"{base}/accounts/login/", process, logs / "stderr.log")
            yield {
                "base": base,
                "var": var,
                "logs": logs,
                "tmp": uploads_tmp,
                "tmp_path": tmp_path,
                "stop": stop,
            }
        finally:
            stop()


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until the server answers, for up to START_DEADLINE seconds in all.

    Any failure to answer (refused, reset, a slow read) is "not yet", retried with a growing
    pause; the test fails only when the deadline passes or the server process exits.
    """
    deadline = time.monotonic() + START_DEADLINE
    pause = 0.2
    while True:
        remaining = deadline - time.monotonic()
        try:
            requests.get(url, timeout=max(1.0, min(30.0, remaining)))
            return
        except requests.RequestException as exc:
            if process.poll() is not None or time.monotonic() >= deadline:
                why = "exited" if process.poll() is not None else f"no answer ({exc})"
                tail = log.read_text(errors="replace")[-2000:]
                pytest.fail(f"tiphub serve did not start ({why}): {tail}")
        time.sleep(pause)
        pause = min(pause * 1.5, 2.0)


def _session(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=REQUEST_TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=REQUEST_TIMEOUT,
    )
    assert "/accounts/login/" not in response.url
    return session


def _failed_login(base: str, typed_name: str) -> requests.Response:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=REQUEST_TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    return session.post(
        f"{base}/accounts/login/",
        data={
            "username": typed_name,
            "password": "not the password",
            "csrfmiddlewaretoken": token.group(1),
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=REQUEST_TIMEOUT,
    )


def _post_file(session: requests.Session, base: str, path: Path) -> requests.Response:
    page = session.get(f"{base}/submissions/", timeout=REQUEST_TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    with path.open("rb") as handle:
        return session.post(
            f"{base}/submissions/",
            data={"csrfmiddlewaretoken": token.group(1)},
            files={"file": (path.name, handle, "text/csv")},
            headers={"Referer": f"{base}/submissions/"},
            timeout=REQUEST_TIMEOUT,
        )


def _search_page(session: requests.Session, base: str, terms: dict[str, str]) -> requests.Response:
    """The records page's identity search: a POST with the page's CSRF token."""
    page = session.get(f"{base}/records/", timeout=REQUEST_TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    return session.post(
        f"{base}/records/search/",
        data={**terms, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/records/"},
        timeout=REQUEST_TIMEOUT,
    )


def test_an_imported_name_reaches_no_log_and_no_dump(server: dict[str, Any]) -> None:
    base, tmp_path = server["base"], server["tmp_path"]
    officer = _session(base, "officer")
    rejected = _post_file(officer, base, write_intake(tmp_path / "errors.csv", BAD_ROWS))
    assert "validation-report" in rejected.text
    stored = _post_file(officer, base, write_intake(tmp_path / "good.csv", GOOD_ROWS))
    assert 'id="submission-status">stored' in stored.text

    worker = _session(base, "worker")
    found = worker.post(
        f"{base}/api/v1/records/search/",
        json={"name": f"{CANARY_GIVEN} {CANARY_FAMILY}"},
        headers={"X-CSRFToken": worker.cookies["csrftoken"], "Referer": f"{base}/records/"},
        timeout=REQUEST_TIMEOUT,
    ).json()
    assert found["count"] == 1
    record = worker.get(found["results"][0]["url"], timeout=REQUEST_TIMEOUT).json()
    assert record["values"]["given_name"] == CANARY_GIVEN  # decrypted and shown to the entitled
    page = worker.get(f"{base}/records/{record['id']}/", timeout=REQUEST_TIMEOUT)
    assert CANARY_GIVEN in page.text
    results = _search_page(worker, base, {"family_name": CANARY_FAMILY})
    assert "/records/?search=" in results.url
    assert "W-1" in results.text
    # Error paths carrying the canary in the request: an identity in a query string (refused),
    # a bad date, an unknown record, no permission.
    refused = worker.get(
        f"{base}/api/v1/records/", params={"name": CANARY_GIVEN}, timeout=REQUEST_TIMEOUT
    )
    assert refused.status_code == 400
    _search_page(worker, base, {"name": CANARY_GIVEN, "date_of_birth": "x"})
    worker.get(f"{base}/records/999999/", params={"q": CANARY_FAMILY}, timeout=REQUEST_TIMEOUT)
    worker.get(f"{base}/audit/", params={"actor": CANARY_GIVEN}, timeout=REQUEST_TIMEOUT)
    officer.get(f"{base}/records/", params={"family_name": CANARY_FAMILY}, timeout=REQUEST_TIMEOUT)
    # A password typed as a user name, until the name is locked out (threshold 5).
    answers = [_failed_login(base, CANARY_LOGIN) for _ in range(6)]
    assert all(a.status_code == 200 for a in answers)
    assert "locked" in answers[-1].text

    server["stop"]()  # every log line is on disk once the server has exited
    leaks: list[str] = []
    files = [p for p in server["logs"].rglob("*") if p.is_file()]
    files += [p for p in server["var"].rglob("*") if p.is_file() and "static" not in p.parts]
    files += [p for p in server["tmp"].rglob("*") if p.is_file()]
    assert any(p.name == "tiphub.sqlite3" for p in files)
    for path in files:
        content = path.read_bytes()
        for canary in CANARIES:
            if any(form in content for form in _forms(canary)):
                leaks.append(f"{canary} in {path}")
    database = server["var"] / "tiphub.sqlite3"
    with sqlite3.connect(database) as connection:
        dump = "\n".join(connection.iterdump()).encode("utf-8")
    assert b"submission.import" in dump  # the dump holds the audit log and the records
    assert b"auth.lockout" in dump  # and the failed logins, keyed
    for canary in CANARIES:
        if any(form in dump for form in _forms(canary)):
            leaks.append(f"{canary} in the SQL dump")
    assert not leaks, "\n".join(leaks)
    assert not list(server["tmp"].glob("tiphub-upload-*")), "an upload was left on disk"
