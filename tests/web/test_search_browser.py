"""Browser test: no identity in any address the browser visits (privacy-requirements A6.6).

A caseworker filters the records list (GET, non-identifying), searches by family name and by
full name and date of birth (POST, through htmx), pages through the results, goes back in
history, opens a record; then does the same without script. Every address the browser asked
for, navigated to or pushed into its history, and every Referer it sent, is searched for the
canary identity in plain and URL-encoded forms. The pages also raise no console error and no
failed response (the favicon included). Reuses the browser fixtures of test_browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from tiphub.web.pages.views import records as record_views

from .support import CANARY_DOCUMENT, CANARY_FAMILY, CANARY_GIVEN, GOOD_ROWS, OWN, write_intake
from .test_browser import _login, browser, new_page  # noqa: F401  (shared browser fixtures)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

CANARY_BIRTH = GOOD_ROWS[0]["date_of_birth"]


def _leaks(addresses: list[str]) -> list[str]:
    values = (CANARY_GIVEN, CANARY_FAMILY, CANARY_DOCUMENT, CANARY_BIRTH)
    forms = {f(v) for v in values for f in (str, str.lower, quote, quote_plus)}
    return [a for a in addresses if any(form.lower() in a.lower() for form in forms)]


class Watch:
    """Everything a page reveals about its addresses, errors and failed responses."""

    def __init__(self, page: Any) -> None:
        self.addresses: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        page.on("request", self._request)
        page.on("framenavigated", lambda frame: self.addresses.append(frame.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: self.failed.append(r.url) if r.status >= 400 else None)

    def _request(self, request: Any) -> None:
        self.addresses.append(request.url)
        if referer := request.headers.get("referer"):
            self.addresses.append(referer)


@pytest.fixture
def people(agencies: dict[str, Any], tmp_path: Path) -> None:
    from tiphub.web.registry.services import import_file

    rows = [
        *GOOD_ROWS,
        {**GOOD_ROWS[1], "record_id": "W-4", "given_name": "Ilse", "family_name": CANARY_FAMILY},
        {**GOOD_ROWS[1], "record_id": "W-5", "given_name": "Oren", "family_name": CANARY_FAMILY},
    ]
    assert import_file(write_intake(tmp_path / "pol.csv", rows), OWN, "cli:test").ok


def test_no_address_the_browser_visits_holds_an_identity(
    live_server: Any,
    make_user: Any,
    people: None,
    new_page: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(record_views, "PAGE_SIZE", 2)  # the live server runs in this process
    base = live_server.url
    make_user("caseworker")
    page = new_page()
    watch = Watch(page)
    _login(page, base, "caseworker-pol")
    page.goto(f"{base}/records/")

    # Non-identifying filters stay in the address (htmx pushes it).
    page.get_by_label("Year of identification").fill("2022")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/records/?*year=2022*")
    assert "W-2" in page.locator("#record-results").inner_text()

    # An identity search: POSTed, results shown at once, a token pushed into history.
    page.get_by_label("Family name (exact)").fill(CANARY_FAMILY)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/records/?search=*")
    results = page.locator("#record-results")
    assert "3 records" in results.inner_text()
    first_page = page.url
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2")
    assert "W-5" in page.locator("#record-results").inner_text()
    page.go_back()  # no history cache: the page is fetched again, by its token
    page.wait_for_url(first_page)
    page.get_by_role("link", name="W-1").click()
    page.wait_for_url("**/records/*/")
    assert page.locator('[data-field="given_name"]').inner_text() == CANARY_GIVEN

    # Full name and date of birth together.
    page.goto(f"{base}/records/")
    page.get_by_label("Full name (exact)").fill(f"{CANARY_GIVEN} {CANARY_FAMILY}")
    page.get_by_label("Date of birth").fill(CANARY_BIRTH)
    page.get_by_role("button", name="Search").click()
    page.locator("#search-summary").wait_for()
    assert "1 record" in page.locator("#record-results").inner_text()

    # Without script: the form POSTs and the browser is sent on to the token address.
    plain = new_page(java_script_enabled=False)
    plain_watch = Watch(plain)
    _login(plain, base, "caseworker-pol")
    plain.goto(f"{base}/records/")
    plain.get_by_label("Document number").fill(CANARY_DOCUMENT)
    with plain.expect_navigation():
        plain.get_by_role("button", name="Search").click()
    assert "/records/?search=" in plain.url
    assert "W-1" in plain.locator("#record-results").inner_text()

    addresses = watch.addresses + plain_watch.addresses
    assert any("search=" in a for a in addresses)  # the pushed history entries were seen
    assert not _leaks(addresses), _leaks(addresses)
    assert not watch.errors + plain_watch.errors
    assert not watch.failed + plain_watch.failed


def test_favicon_is_served_and_pages_raise_no_error(
    live_server: Any,
    make_user: Any,
    new_page: Any,  # noqa: F811
) -> None:
    base = live_server.url
    make_user("data_officer")
    page = new_page()
    watch = Watch(page)
    _login(page, base, "data_officer-pol")
    for path in ("/", "/dashboard/", "/records/", "/submissions/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    icon = page.request.get(f"{base}/favicon.ico")
    assert icon.status == 200
    assert icon.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert page.locator('link[rel="icon"]').count() == 1
    assert not watch.errors
    assert not watch.failed
