"""Browser test of the indicator pages (Playwright driving Debian's chromium, headless).

The statistician uploads the population table, computes a release, sees the tiles and the
suppression report, and downloads the SDMX file: no count in it lies between 1 and T-1. Reuses
the browser fixtures of test_browser.py; never downloads a browser.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest

from .support import OTHER, OWN, make_record
from .test_browser import _login, browser, new_page  # noqa: F401  (shared browser fixtures)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

POPULATION_CSV = (
    "year,sex,age_group,population\n"
    "2022,F,Y0T17,100000\n2022,F,Y_GE18,400000\n2022,M,Y0T17,110000\n2022,M,Y_GE18,390000\n"
    "2023,F,Y0T17,100000\n2023,F,Y_GE18,400000\n2023,M,Y0T17,110000\n2023,M,Y_GE18,390000\n"
)


def _victims(agencies: dict[str, Any]) -> int:
    """Records of two agencies, with small cells (4 boys, 3 of unknown sex) among large ones."""
    n = 0
    labour = {"form_sexual": False, "form_labour": True}
    groups = [
        (OWN, 40, {"sex": "F", "age_group": "Y_GE18", "citizenship": "UKR"}),
        (OTHER, 30, {"sex": "M", "age_group": "Y_GE18", "citizenship": "XTP", **labour}),
        (OWN, 20, {"sex": "F", "age_group": "Y0T17", "citizenship": "XTP"}),
        (OTHER, 4, {"sex": "M", "age_group": "Y0T17", "citizenship": "NGA", **labour}),
        (OTHER, 3, {"sex": "_U", "age_group": "_U", "form_other": True}),
    ]
    for year in (2022, 2023):
        for agency, count, fields in groups:
            for _ in range(count):
                n += 1
                make_record(agencies[agency], f"{agency}-B{n}", year=year, **fields)
    return n


def test_statistician_publishes_and_downloads_protected_sdmx(
    live_server: Any,
    make_user: Any,
    agencies: dict[str, Any],
    new_page: Any,  # noqa: F811
    tmp_path: Path,
    settings: Any,
) -> None:
    base = live_server.url
    threshold = settings.TIPHUB_MIN_CELL  # the site's minimum cell (11)
    _victims(agencies)
    make_user("statistician")
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    failed: list[str] = []  # every response, the favicon included (the site serves one)
    page.on(
        "response",
        lambda r: failed.append(r.url) if r.status >= 400 else None,
    )
    _login(page, base, "statistician-national")

    page.get_by_role("link", name="Indicators").first.click()
    assert page.locator("#no-release").is_visible()

    # Inputs: the population table, then a release.
    page.goto(f"{base}/indicators/inputs/")
    population = tmp_path / "population.csv"
    population.write_text(POPULATION_CSV, encoding="utf-8")
    page.get_by_label("Population table (CSV: year, sex, age_group, population)").set_input_files(
        str(population)
    )
    page.get_by_role("button", name="Upload the population table").click()
    assert "8 rows" in page.locator("#population-current").inner_text()
    assert page.get_by_label("Smallest published count").input_value() == str(threshold)
    page.get_by_role("button", name="Compute the release").click()
    page.wait_for_url(f"{base}/indicators/")

    # The tiles: detected victims and the SDG 16.2.2 rate (97 per 1,000,000).
    assert page.locator("#tile-detected b").inner_text() == "97"
    assert page.locator("#tile-rate b").inner_text() == "9.70"
    assert "<11" in page.locator("#sdg-counts").inner_text()

    # The suppression report is visible, and the SDMX file holds no small count.
    page.get_by_role("link", name="Downloads and disclosure control").click()
    assert int(page.locator("#n-primary").inner_text()) > 0
    assert page.locator("#audit-passed").inner_text() == "audit passed"
    with page.expect_download() as info:
        page.get_by_role("link", name="SDG 16.2.2 as SDMX-CSV 2.0").click()
    download = info.value
    assert download.suggested_filename == "tiphub-sdmx-v2-XTP-2023.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    values = [float(r["OBS_VALUE"]) for r in rows]
    assert values, "the SDMX file is empty"
    assert {r["SERIES"] for r in rows} >= {"VC_HTF_DETV"}
    assert not [v for v in values if 1 <= v < threshold]

    # The pages fit a phone and raise no script error.
    phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    _login(phone, base, "statistician-national")
    for path in ("/indicators/", "/indicators/trends/", "/indicators/downloads/"):
        phone.goto(f"{base}{path}")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone ({overflow}px)"
    if shots := os.environ.get("TIPHUB_SCREENSHOTS"):
        page.goto(f"{base}/indicators/")
        page.screenshot(path=str(Path(shots) / "indicators.png"), full_page=True)
    assert not failed
    assert not [e for e in errors if not e.startswith("Failed to load resource")]
