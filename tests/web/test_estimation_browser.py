"""Browser test of the estimation page (Playwright driving Debian's chromium, headless).

The statistician uploads a capture-history file, runs a profile-likelihood estimate, and sees the
estimate with its interval, the model, the assumptions and the sensitivity plot (an SVG image that
loads under the site's content-security policy); the page fits a phone. Reuses the browser
fixtures of test_browser.py; never downloads a browser.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .test_browser import _login, browser, new_page  # noqa: F401  (shared browser fixtures)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

WESTERN = Path(__file__).resolve().parents[1] / "data" / "mse" / "Western.csv"


def test_statistician_estimates_from_an_uploaded_file(
    live_server: Any,
    make_user: Any,
    new_page: Any,  # noqa: F811
) -> None:
    from tiphub.web.analysis.models import EstimateRun

    base = live_server.url
    make_user("statistician")
    page = new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(r.url) if r.status >= 400 else None,
    )
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _login(page, base, "statistician-national")

    page.get_by_role("link", name="Estimation").first.click()
    assert page.locator("#no-estimates").is_visible()
    page.get_by_label(
        "Capture-history file (CSV: one 0/1 column per list, then count)"
    ).set_input_files(str(WESTERN))
    page.get_by_label("Interval").select_option("profile")
    page.get_by_role("button", name="Estimate").click()
    page.wait_for_url(f"{base}/estimation/*/")

    kept = EstimateRun.objects.get()
    total = page.locator("#estimate-total b").inner_text()
    interval = page.locator("#estimate-interval b").inner_text()
    assert total == f"{kept.total:,.0f}"
    assert interval == f"{kept.ci_low:,.0f} – {kept.ci_high:,.0f}"
    assert kept.ci_low < kept.total < (kept.ci_high or 0)
    assert page.locator("#estimate-interval span").inner_text() == "95% interval"
    assert page.locator("#estimate-model").inner_text() == kept.result["model"]
    assert "Closed population" in page.locator("#assumption-list").inner_text()
    assert "Profile-likelihood" in page.content()
    assert page.locator("#in-use").is_visible()  # handed to the indicators
    # The sensitivity plot is an image that the browser actually rendered.
    plot = page.locator("#sensitivity-plot")
    plot.scroll_into_view_if_needed()
    assert page.evaluate("document.getElementById('sensitivity-plot').naturalWidth") > 100

    # The list of estimates links back to it.
    page.get_by_role("link", name="All estimates").click()
    assert page.locator("#estimate-runs").inner_text().count(f"{kept.total:,.0f}") == 1

    phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    _login(phone, base, "statistician-national")
    for path in ("/estimation/", f"/estimation/{kept.pk}/"):
        phone.goto(f"{base}{path}")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone ({overflow}px)"
    if shots := os.environ.get("TIPHUB_SCREENSHOTS"):
        page.goto(f"{base}/estimation/{kept.pk}/")
        page.screenshot(path=str(Path(shots) / "estimate.png"), full_page=True)
    assert not failed
    # No script error and no content-security-policy violation (failed loads are in `failed`).
    assert not [e for e in errors if not e.startswith("Failed to load resource")]
