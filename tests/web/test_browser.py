"""Browser tests: Playwright driving Debian's chromium (headless) against a live server.

The main page flow of issue 5: log in, upload a file with errors and see them, upload a good one,
see the dashboard change, open a record, and as another agency fail to open it. Plus keyboard
and phone-width checks of the layout. Never downloads a browser: /usr/bin/chromium only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .support import BAD_ROWS, CANARY_FAMILY, CANARY_GIVEN, GOOD_ROWS, OTHER, PASSWORD, write_intake

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are plain
# synchronous code, so Django's async-safety guard is lifted for this module's process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
BROWSER_DEADLINE_MS = 90_000
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def make(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        # A deadline, not an expectation: waits end as soon as the page is ready, and only a
        # page that never gets there fails; CI machines are small and often busy.
        page.set_default_timeout(BROWSER_DEADLINE_MS)
        page.set_default_navigation_timeout(BROWSER_DEADLINE_MS)
        return page

    yield make
    for context in contexts:
        context.close()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" not in page.url


def _upload(page: Any, base: str, path: Path) -> None:
    page.goto(f"{base}/submissions/")
    page.get_by_label("Intake file (CSV or XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/submissions/*/")


def test_upload_dashboard_record_and_cross_agency_refusal(
    live_server: Any, make_user: Any, new_page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    make_user("data_officer")
    make_user("caseworker")
    make_user("caseworker", OTHER, name="caseworker-ngo")
    page = new_page()

    _login(page, base, "data_officer-pol")
    page.goto(f"{base}/dashboard/")
    assert page.locator("#total-records").inner_text() == "0"

    # A file with errors: every problem listed by row and column, nothing stored.
    _upload(page, base, write_intake(tmp_path / "with-errors.csv", BAD_ROWS))
    report = page.locator("#validation-report")
    assert "Dragon" in report.inner_text()
    assert "not a real date" in report.inner_text()
    assert page.locator("#submission-status").inner_text().startswith("rejected")
    assert CANARY_GIVEN not in page.content()

    # A good file: stored, and the dashboard changes.
    _upload(page, base, write_intake(tmp_path / "good.csv", GOOD_ROWS))
    assert page.locator("#submission-status").inner_text() == "stored"
    page.goto(f"{base}/dashboard/")
    assert page.locator("#total-records").inner_text() == "3"
    assert page.locator("svg.chart").count() == 5

    # A caseworker of the same agency finds the record and opens it.
    caseworker = new_page()
    _login(caseworker, base, "caseworker-pol")
    caseworker.goto(f"{base}/records/")
    caseworker.get_by_label("Family name (exact)").fill(CANARY_FAMILY)
    caseworker.get_by_role("button", name="Search").click()
    caseworker.get_by_role("link", name="W-1").click()
    caseworker.wait_for_url("**/records/*/")
    record_url = caseworker.url
    assert caseworker.locator('[data-field="given_name"]').inner_text() == CANARY_GIVEN

    # Another agency's caseworker: the same URL is "not found", and the list does not show it.
    outsider = new_page()
    _login(outsider, base, "caseworker-ngo")
    response = outsider.goto(record_url)
    assert response is not None
    assert response.status == 404
    assert CANARY_GIVEN not in outsider.content()
    outsider.goto(f"{base}/records/")
    assert "W-1" not in outsider.locator("#record-results").inner_text()


def test_keyboard_and_phone_layout(live_server: Any, make_user: Any, new_page: Any) -> None:
    base = live_server.url
    make_user("supervisor")
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    # Log in with the keyboard only (the user name field has the focus when the page opens).
    page.goto(f"{base}/accounts/login/")
    page.keyboard.type("supervisor-pol")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url
    # The first Tab reaches the skip link, which jumps over the menu to the content.
    page.goto(f"{base}/records/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for path in ("/records/", "/dashboard/", "/submissions/"):
        page.goto(f"{base}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone ({overflow}px)"
    if shots := os.environ.get("TIPHUB_SCREENSHOTS"):
        page.screenshot(path=str(Path(shots) / "records-phone.png"), full_page=True)
    # No script errors on a page (strict CSP: a blocked inline script would show up here).
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/dashboard/")
    page.wait_for_load_state("networkidle")
    assert not errors


def test_api_docs_render_offline(live_server: Any, make_user: Any, new_page: Any) -> None:
    """Swagger UI comes from the app's own static files (no CDN) and loads the schema."""
    base = live_server.url
    make_user("supervisor")
    page = new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith((base, "data:")) else None
        ),
    )
    _login(page, base, "supervisor-pol")
    page.goto(f"{base}/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert "/api/v1/records/" in page.content()
    assert not outside, f"requests left the server: {outside}"
