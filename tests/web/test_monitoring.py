"""The indicator pages: releases, figures through disclosure control, downloads, inputs, access.

The permission matrix (test_permission_matrix.py) covers every GET; here: the POST endpoints,
what the pages and files show, that they show what the CLI computes, and the audit trail.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.test import Client
from typer.testing import CliRunner

from tiphub.cli.app import app
from tiphub.web.monitoring import services
from tiphub.web.monitoring.models import EstimateSet, PopulationTable, Release

from .support import OTHER, OWN, client_for, make_record

T = 5  # the site's minimum cell in these tests: small enough that the small data publish a lot
POPULATION_CSV = (
    "year,sex,age_group,population\n"
    "2022,F,Y0T17,100000\n2022,F,Y_GE18,400000\n2022,M,Y0T17,110000\n2022,M,Y_GE18,390000\n"
    "2023,F,Y0T17,100000\n2023,F,Y_GE18,400000\n2023,M,Y0T17,110000\n2023,M,Y_GE18,390000\n"
)
ESTIMATE = {
    "year": 2023,
    "observed": 68,
    "dark_figure": 90,
    "total": 158,
    "ci": {"method": "profile likelihood", "level": 0.95, "low": 120, "high": 230},
}
DOWNLOAD_URLS = {
    "sdmx-v2": "/indicators/downloads/sdmx-v2.csv",
    "sdmx-v1": "/indicators/downloads/sdmx-v1.csv",
    "dhis2": "/indicators/downloads/dhis2.json",
    "glotip": "/indicators/downloads/glotip.xlsx",
    "report-pdf": "/indicators/downloads/report.pdf",
    "report-html": "/indicators/downloads/report.html",
    "release-report": "/indicators/downloads/release-report.json",
}
POST_URLS = (
    "/indicators/inputs/population/",
    "/indicators/inputs/estimate/",
    "/indicators/inputs/estimate/retire/",
    "/indicators/releases/new/",
)
runner = CliRunner()


@pytest.fixture(autouse=True)
def small_min_cell(settings: Any) -> None:
    settings.TIPHUB_MIN_CELL = T


@pytest.fixture
def victims(agencies: dict[str, Any]) -> None:
    """Victim records of two agencies in 2022 and 2023, with small cells among large ones."""
    n = 0

    def add(agency: str, count: int, **fields: Any) -> None:
        nonlocal n
        for _ in range(count):
            n += 1
            make_record(agencies[agency], f"{agency}-V{n}", **fields)

    labour = {"form_sexual": False, "form_labour": True, "gender": "Masculine"}
    for year in (2022, 2023):
        add(OWN, 30, year=year, sex="F", age_group="Y_GE18", citizenship="UKR", region="R1")
        add(
            OTHER,
            20,
            year=year,
            sex="M",
            age_group="Y_GE18",
            citizenship="XTP",
            region="R2",
            **labour,
        )
        add(OWN, 12, year=year, sex="F", age_group="Y0T17", citizenship="XTP", region="R1")
    add(OTHER, 3, year=2023, sex="M", age_group="Y0T17", citizenship="NGA", region="R2", **labour)
    add(OTHER, 2, year=2023, sex="_U", age_group="_U", region="R2", form_other=True)


@pytest.fixture
def statistician(role_users: dict[str, Any]) -> Client:
    return client_for(role_users["statistician"])


def _upload(client: Client, url: str, name: str, content: bytes) -> Any:
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(url, {"file": handle})


def _release(statistician: Client, **data: Any) -> Release:
    response = statistician.post("/indicators/releases/new/", {"year": "", "min_cell": T, **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    release = services.latest_release()
    assert release is not None
    return release


def _integers_in_cells(html: str) -> list[int]:
    """Every whole number shown in a numeric table cell of a page."""
    cells = re.findall(r'<td class="num"[^>]*>\s*([^<]*?)\s*</td>', html)
    return [int(c.replace(",", "")) for c in cells if re.fullmatch(r"[\d,]+", c)]


# --- before any release --------------------------------------------------------------------------


def test_before_the_first_release_the_pages_say_so(role_users: dict[str, Any]) -> None:
    statistician = client_for(role_users["statistician"])
    page = statistician.get("/indicators/").content.decode()
    assert 'id="no-release"' in page
    assert 'href="/indicators/inputs/"' in page
    supervisor = client_for(role_users["supervisor"])
    page = supervisor.get("/indicators/").content.decode()
    assert 'id="no-release"' in page
    assert "/indicators/inputs/" not in page  # the supervisor has no inputs page
    assert supervisor.get("/indicators/downloads/sdmx-v2.csv").status_code == 404


def test_a_release_of_an_empty_registry_is_refused_with_a_reason(statistician: Client) -> None:
    response = statistician.post("/indicators/releases/new/", {"year": "", "min_cell": T})
    assert response.status_code == 400
    assert "no victim records" in response.content.decode()
    assert not Release.objects.exists()


# --- access to the inputs ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "data_officer", "supervisor", "dpo", "admin"])
def test_only_the_statistician_changes_inputs_or_releases(
    role: str, role_users: dict[str, Any], victims: None
) -> None:
    from tiphub.web.audit.models import AuditEvent

    client = client_for(role_users[role])
    for url in POST_URLS:
        response = _upload(client, url, "population.csv", POPULATION_CSV.encode())
        assert response.status_code == 403, url
    assert not PopulationTable.objects.exists()
    assert not EstimateSet.objects.exists()
    assert not Release.objects.exists()
    denied = AuditEvent.objects.filter(action="access.denied", actor_id=role_users[role].pk)
    assert denied.count() == len(POST_URLS)
    assert client.get("/indicators/inputs/").status_code == 403


# --- inputs --------------------------------------------------------------------------------------


def test_population_upload_is_checked_then_kept_and_audited(statistician: Client) -> None:
    from tiphub.web.audit.models import AuditEvent

    bad = POPULATION_CSV.replace("2022,F,Y_GE18", "2022,female,Y_GE18")
    response = _upload(statistician, "/indicators/inputs/population/", "pop.csv", bad.encode())
    assert response.status_code == 400
    assert "pop.csv: row 3, column sex: expected F, M or _T" in response.content.decode()
    assert not PopulationTable.objects.exists()

    response = _upload(
        statistician, "/indicators/inputs/population/", "pop.csv", POPULATION_CSV.encode()
    )
    assert response.status_code == 302
    table = PopulationTable.objects.get()
    assert (len(table.rows), table.first_year, table.last_year) == (8, 2022, 2023)
    event = AuditEvent.objects.get(action="indicators.population")
    assert event.details == {"rows": 8, "years": [2022, 2023]}
    assert "pop.csv (8 rows, 2022-2023)" in statistician.get("/indicators/inputs/").content.decode()


def test_estimate_upload_checks_the_interval_and_can_be_retired(statistician: Client) -> None:
    wrong = {**ESTIMATE, "total": 500}
    response = _upload(
        statistician, "/indicators/inputs/estimate/", "est.json", json.dumps(wrong).encode()
    )
    assert response.status_code == 400
    assert "lies outside its interval" in response.content.decode()
    response = _upload(
        statistician, "/indicators/inputs/estimate/", "est.json", json.dumps(ESTIMATE).encode()
    )
    assert response.status_code == 302
    assert services.current_estimates() is not None
    assert statistician.post("/indicators/inputs/estimate/retire/").status_code == 302
    assert services.current_estimates() is None


# --- releases and pages --------------------------------------------------------------------------


def test_a_threshold_below_the_site_minimum_is_refused(statistician: Client, victims: None) -> None:
    response = statistician.post("/indicators/releases/new/", {"year": "", "min_cell": T - 1})
    assert response.status_code == 400
    assert not Release.objects.exists()


def test_the_pages_show_the_release_and_only_protected_figures(
    statistician: Client, victims: None
) -> None:
    from tiphub.web.audit.models import AuditEvent

    _upload(statistician, "/indicators/inputs/population/", "pop.csv", POPULATION_CSV.encode())
    _upload(statistician, "/indicators/inputs/estimate/", "e.json", json.dumps(ESTIMATE).encode())
    release = _release(statistician)
    assert (release.reference_year, release.years, release.min_cell) == (2023, [2022, 2023], T)
    assert release.records == 129
    event = AuditEvent.objects.get(action="indicators.release")
    assert event.details["year"] == 2023
    assert "value" not in json.dumps(event.details)

    index = statistician.get("/indicators/").content.decode()
    tiles = re.search(r'id="tile-detected"><span>[^<]*</span><b>([^<]*)</b>', index)
    assert tiles is not None
    assert tiles.group(1) == "67"  # 30 + 20 + 12 + 3 + 2 in 2023
    assert 'id="tile-rate"' in index
    assert "6.70" in index  # 67 per 1,000,000 = 6.70 per 100,000
    estimate = re.search(r'id="tile-estimate"><span>[^<]*</span><b>([^<]*)</b>', index)
    assert estimate is not None
    assert estimate.group(1) == "158"
    assert "120 to 230" in index
    for path in ("/indicators/", "/indicators/trends/", "/indicators/targets/"):
        html = statistician.get(path).content.decode()
        small = [n for n in _integers_in_cells(html) if 0 < n < T]
        assert not small, f"{path} shows counts below {T}: {small}"
    # The 3 boys and the 2 of unknown sex are suppressed, visibly, not shown as zero.
    assert f"&lt;{T}" in index
    assert re.search(r'<th scope="row">NGA</th><td class="num">&lt;5</td>', index)
    plan = statistician.get("/indicators/plan/").content.decode()
    assert "Safe labour migration" in plan
    assert 'id="pillars"' in plan


def test_the_pages_show_what_the_cli_computes(
    statistician: Client, victims: None, tmp_path: Path
) -> None:
    _upload(statistician, "/indicators/inputs/population/", "pop.csv", POPULATION_CSV.encode())
    _release(statistician)
    result = runner.invoke(
        app, ["indicators", "compute", "--out", str(tmp_path), "--min-cell", str(T)]
    )
    assert result.exit_code == 0, result.stderr
    cli = pd.read_csv(tmp_path / "indicators.csv", keep_default_na=False, dtype=str)
    pub = services.publication(services.latest_release())
    key = ["indicator", "year", "disaggregation", "display"]
    mine = sorted(map(tuple, pub.values[key].astype(str).to_numpy().tolist()))
    assert mine == sorted(map(tuple, cli[key].to_numpy().tolist()))
    total = (cli["indicator"] == "DETV_RATE") & (cli["disaggregation"] == "")
    rate = cli[total & (cli["year"] == "2023")]
    assert rate["display"].iloc[0] in statistician.get("/indicators/").content.decode()


def test_a_stored_release_rebuilds_the_same_publication(
    victims: None, role_users: dict[str, Any]
) -> None:
    from tiphub.disclosure.suppression import Policy
    from tiphub.exchange.dhis2 import to_data_value_set
    from tiphub.exchange.publication import build
    from tiphub.exchange.report import render_html
    from tiphub.exchange.sdmx import observations
    from tiphub.indicators.inputs import read_population

    services.save_population(io.BytesIO(POPULATION_CSV.encode()), "pop.csv", "test")
    services.save_estimates(io.BytesIO(json.dumps(ESTIMATE).encode()), "e.json", "test")
    release = services.compute_release(role_users["statistician"])
    restored = services.publication(release)
    fresh = build(
        services.registry_frame(),
        population=read_population(io.BytesIO(POPULATION_CSV.encode()), name="pop.csv"),
        estimates=services.estimates_of(services.current_estimates().estimates),
        policy=Policy(min_cell=T),
    )
    cols = ["indicator", "year", "disaggregation", "value", "numerator", "status", "display"]
    pd.testing.assert_frame_equal(
        restored.values[cols].reset_index(drop=True), fresh.values[cols].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(restored.cells.table, fresh.cells.table.reset_index(drop=True))
    assert restored.report["cells"] == fresh.report["cells"]
    pd.testing.assert_frame_equal(observations(restored, "900"), observations(fresh, "900"))
    assert (
        to_data_value_set(restored, "XTP")["dataValues"]
        == to_data_value_set(fresh, "XTP")["dataValues"]
    )
    charts = re.compile(r'src="data:image/svg\+xml;base64,[^"]*"')  # matplotlib's random ids
    assert charts.sub("", render_html(restored)) == charts.sub("", render_html(fresh))


def test_a_year_can_be_chosen_and_a_new_record_makes_the_release_stale(
    statistician: Client, victims: None, agencies: dict[str, Any]
) -> None:
    _release(statistician)
    page = statistician.get("/indicators/?year=2022").content.decode()
    assert re.search(r'id="tile-detected"><span>[^<]*</span><b>62</b>', page)
    page = statistician.get("/indicators/?year=1999").content.decode()  # not in the release
    assert re.search(r'id="tile-detected"><span>[^<]*</span><b>67</b>', page)
    assert 'id="release-stale"' not in page
    make_record(agencies[OWN], "LATE-1", year=2023)
    assert 'id="release-stale"' in statistician.get("/indicators/").content.decode()


# --- downloads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["statistician", "supervisor"])
def test_every_download_is_protected_and_audited(
    role: str, role_users: dict[str, Any], victims: None, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from tiphub.exchange.dhis2 import read_dhis2
    from tiphub.exchange.sdmx import read_sdmx_csv
    from tiphub.web.audit.models import AuditEvent

    services.save_population(io.BytesIO(POPULATION_CSV.encode()), "pop.csv", "test")
    services.compute_release(role_users["statistician"])
    client = client_for(role_users[role])
    files: dict[str, bytes] = {}
    for fmt, url in DOWNLOAD_URLS.items():
        response = client.get(url)
        assert response.status_code == 200, fmt
        assert "attachment" in response["Content-Disposition"]
        files[fmt] = response.content
    assert files["report-pdf"].startswith(b"%PDF")
    for fmt in ("sdmx-v1", "sdmx-v2"):
        path = tmp_path / f"{fmt}.csv"
        path.write_bytes(files[fmt])
        data = read_sdmx_csv(path)  # pysdmx, checked against the SDG structure
        values = pd.to_numeric(data["OBS_VALUE"])
        assert len(values) > 0
        assert not ((values >= 1) & (values < T)).any()
    (tmp_path / "d.json").write_bytes(files["dhis2"])
    dhis2 = read_dhis2(tmp_path / "d.json")
    counts = dhis2[~dhis2["indicator"].str.contains("RATE|MSE")]["value"]
    assert not ((counts >= 1) & (counts < T)).any()
    sheet = load_workbook(io.BytesIO(files["glotip"]), read_only=True)["Data"]
    header, *rows = list(sheet.values)
    glotip = [r[header.index("VALUE")] for r in rows]
    assert not [v for v in glotip if v is not None and 1 <= v < T]
    assert f"<{T}" in [r[header.index("txtVALUE")] for r in rows]
    report = json.loads(files["release-report"])
    assert report["policy"]["min_cell"] == T
    assert report["audit"]["passed"]
    assert all("value" not in cell for cell in report["suppressed"])
    events = AuditEvent.objects.filter(action="indicators.export", actor_id=role_users[role].pk)
    assert sorted(e.details["format"] for e in events) == sorted(DOWNLOAD_URLS)
    assert all(e.purpose == "download" and e.outcome == "ok" for e in events)


def test_a_download_for_an_earlier_year(statistician: Client, victims: None) -> None:
    _release(statistician)
    response = statistician.get("/indicators/downloads/sdmx-v2.csv?year=2022")
    assert response.status_code == 200
    assert "-2022.csv" in response["Content-Disposition"]
    assert ",2022," in response.content.decode()
    assert statistician.get("/indicators/downloads/sdmx-v2.csv?year=1999").status_code == 404
    assert statistician.get("/indicators/downloads/sdmx-v2.csv?year=x").status_code == 404


# --- the command line --------------------------------------------------------------------------


def test_cli_keeps_inputs_and_computes_a_release(victims: None, tmp_path: Path) -> None:
    from tiphub.web.audit.models import AuditEvent

    assert runner.invoke(app, ["indicators", "inputs"]).exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("year,sex,age_group,population\n2023,F,Y0T17,-5\n", encoding="utf-8")
    result = runner.invoke(app, ["indicators", "inputs", "--population", str(bad)])
    assert result.exit_code == 1
    assert "row 2, column population: must be positive" in result.stderr
    good = tmp_path / "pop.csv"
    good.write_text(POPULATION_CSV, encoding="utf-8")
    result = runner.invoke(app, ["indicators", "inputs", "--population", str(good)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["indicators", "release", "--json", "--min-cell", str(T)])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["reference_year"], summary["records"]) == (2023, 129)
    release = Release.objects.get()
    assert release.population is not None
    assert release.actor_label.startswith("cli")
    assert AuditEvent.objects.filter(action="indicators.release").count() == 1
    result = runner.invoke(app, ["indicators", "release", "--min-cell", str(T - 1)])
    assert result.exit_code == 1
    assert "site's minimum" in result.stderr


def test_demo_indicators_keeps_the_population_once_and_releases_when_needed(
    victims: None, tmp_path: Path, agencies: dict[str, Any]
) -> None:
    from tiphub.cli.indicators import demo_indicators

    path = tmp_path / "population.csv"
    path.write_text(POPULATION_CSV, encoding="utf-8")
    demo_indicators(path)
    demo_indicators(path)
    assert PopulationTable.objects.count() == 1
    assert Release.objects.count() == 1
    make_record(agencies[OWN], "LATE-2", year=2023)
    demo_indicators(path)
    assert Release.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Detected victims"), ("fr", "Victimes détectées"), ("es", "Víctimas detectadas")],
)
def test_the_indicator_pages_speak_the_browsers_language(
    role_users: dict[str, Any], victims: None, language: str, words: str
) -> None:
    services.compute_release(role_users["statistician"])
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(role_users["statistician"])
    for path in ("/indicators/", "/indicators/trends/"):
        assert words in client.get(path).content.decode(), (language, path)


def test_unbounded_audit_intervals_are_stored_as_null() -> None:
    # The interval audit reports an unbounded cell as infinite; JSON (and jsonb) cannot hold it.
    report = {"audit": {"min_interval_width": float("inf"), "intervals": [{"high": float("nan")}]}}
    assert services._json_safe(report) == {
        "audit": {"min_interval_width": None, "intervals": [{"high": None}]}
    }
