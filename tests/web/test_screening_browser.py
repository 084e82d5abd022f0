"""Browser flow of the screening page (Playwright driving Debian's chromium)."""

from __future__ import annotations

from typing import Any

import pytest

from .test_browser import _login, browser, new_page  # noqa: F401 - shared browser fixtures

pytestmark = pytest.mark.browser


def test_screen_a_child_and_read_the_explained_outcome(
    live_server: Any,
    make_user: Any,
    new_page: Any,  # noqa: F811 - the imported fixture
) -> None:
    make_user("caseworker")
    page = new_page()
    base = live_server.url
    _login(page, base, "caseworker-pol")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Screening").click()
    page.wait_for_url("**/screening/")
    page.get_by_label("Indicator set").select_option("children_labour")
    page.get_by_role("button", name="Choose").click()
    page.wait_for_url("**/screening/?set=children_labour")
    page.get_by_label("Age in years (leave empty if unknown)").fill("15")
    page.get_by_label("Excessive working days or hours").check()
    page.get_by_label("Low or no salary").check()
    page.locator('input[name="ctx_act"][value="yes"]').check()
    page.get_by_role("button", name="Screen").click()
    result = page.locator("#screening-result")
    result.wait_for()
    assert result.locator('[data-outcome="trafficking"] [data-verdict]').inner_text() == "yes"
    assert result.locator('[data-outcome="presumed_victim"] [data-verdict]').inner_text() == "yes"
    result.get_by_text("Trafficking: why").click()  # the reasons unfold
    assert "Rule TIP-CHILD" in result.inner_text()
    # The ticks stay, so the screener can add what they learn and screen again.
    assert page.get_by_label("Low or no salary").is_checked()
