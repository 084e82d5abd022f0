"""The estimation pages and their service (`tiphub.web.analysis.estimates`).

The page and `tiphub estimate` share `tiphub.estimation.run.estimate`: the kept `--json` object
equals what the command prints for the same file and choices. Kept estimates are audited and
feed the indicator pages (their newest estimate input).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tiphub.cli import app
from tiphub.web.analysis import estimates
from tiphub.web.analysis.estimates import EstimateParameters, EstimationError

from .support import client_for

MSE_DATA = Path(__file__).resolve().parents[1] / "data" / "mse"
WESTERN = MSE_DATA / "Western.csv"


def _strip_volatile(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "source"}


def test_the_page_and_the_command_give_the_same_estimate(role_users: dict[str, Any]) -> None:
    kept = estimates.run_estimate(
        role_users["statistician"],
        EstimateParameters(method="aic", ci="profile", level=0.9),
        histories=WESTERN.read_bytes(),
        file_name="Western.csv",
    )
    printed = CliRunner().invoke(
        app,
        [
            *("estimate", str(WESTERN), "--method", "aic"),
            *("--ci", "profile", "--level", "0.9", "--json"),
        ],
    )
    assert printed.exit_code == 0
    assert _strip_volatile(kept.result) == _strip_volatile(json.loads(printed.stdout))
    assert kept.total == pytest.approx(json.loads(printed.stdout)["total"])
    assert kept.ci_low < kept.total < (kept.ci_high or 0)
    assert kept.ci_method == "profile"
    assert kept.ci_level == 0.9
    assert kept.parameters["method"] == "aic"
    assert kept.sensitivity_svg.lstrip().startswith("<?xml")
    assert len(kept.data_fingerprint) == 64
    assert kept.created_by == role_users["statistician"]


def test_a_kept_estimate_is_audited(role_users: dict[str, Any]) -> None:
    from tiphub.web.audit.models import AuditEvent

    kept = estimates.run_estimate(
        role_users["statistician"], EstimateParameters(), histories=WESTERN.read_bytes()
    )
    event = AuditEvent.objects.get(action="estimation.run", object_id=str(kept.pk))
    assert event.actor == role_users["statistician"]
    assert event.details["sha256"] == kept.data_fingerprint


@pytest.mark.parametrize(
    ("data", "parameters", "message"),
    [
        (b"A,B,count\n1,0,5\n0,1,-3\n1,1,2\n", EstimateParameters(), "row 3, column 'count'"),
        (b"", EstimateParameters(), "the file is empty"),
        (
            (MSE_DATA / "Korea.csv").read_bytes(),
            EstimateParameters(method="fixed", terms=("all",)),
            "the model cannot be fitted",
        ),
        (WESTERN.read_bytes(), EstimateParameters(method="fixed"), "needs its terms"),
        (WESTERN.read_bytes(), EstimateParameters(by=("sex",)), "sex"),
    ],
)
def test_bad_input_keeps_nothing_and_says_why(
    role_users: dict[str, Any], data: bytes, parameters: EstimateParameters, message: str
) -> None:
    from tiphub.web.analysis.models import EstimateRun

    with pytest.raises(EstimationError) as caught:
        estimates.run_estimate(
            role_users["statistician"], parameters, histories=data, file_name="bad.csv"
        )
    assert message in " ".join(str(caught.value).split())
    assert not EstimateRun.objects.exists()


def _strata_file(tmp_path: Path) -> Path:
    source = (MSE_DATA / "Korea.csv").read_text().splitlines()
    lines = ["year," + source[0]]
    for year, factor in (("2022", 1), ("2023", 2)):
        for row in source[1:]:
            *bits, count = row.split(",")
            lines.append(",".join([year, *bits, str(int(count) * factor)]))
    path = tmp_path / "strata.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_stratified_by_year_feeds_one_estimate_per_year(
    role_users: dict[str, Any], tmp_path: Path
) -> None:
    from tiphub.web.monitoring import services as monitoring

    statistician = role_users["statistician"]
    kept = estimates.run_estimate(
        statistician,
        EstimateParameters(by=("year",)),
        histories=_strata_file(tmp_path).read_bytes(),
        file_name="strata.csv",
        population=b"year,population\n2022,1000000\n2023,1000000\n",
        population_name="population.csv",
    )
    assert [s["label"] for s in estimates.stratum_rows(kept)] == ["year=2022", "year=2023"]
    assert kept.result["rate_per_100k"]["population"] == 2_000_000
    estimates.use_for_indicators(kept, statistician)
    current = monitoring.current_estimates()
    assert current is not None
    assert kept.estimate_set == current
    assert sorted(e["year"] for e in current.estimates) == [2022, 2023]
    assert estimates.in_use(kept)


def test_a_pooled_estimate_feeds_the_year_given(role_users: dict[str, Any]) -> None:
    from tiphub.web.monitoring import services as monitoring

    statistician = role_users["statistician"]
    first = estimates.run_estimate(
        statistician, EstimateParameters(), histories=WESTERN.read_bytes(), year=2023
    )
    estimates.use_for_indicators(first, statistician)
    second = estimates.run_estimate(
        statistician, EstimateParameters(method="main"), histories=WESTERN.read_bytes()
    )
    estimates.use_for_indicators(second, statistician)
    current = monitoring.current_estimates()
    assert current is not None
    assert [e["year"] for e in current.estimates] == [None]  # the newest: reference year
    assert current.estimates[0]["total"] == pytest.approx(second.total)
    assert not estimates.in_use(first)
    assert estimates.in_use(second)


def test_statistician_runs_an_estimate_through_the_page(role_users: dict[str, Any]) -> None:
    from tiphub.web.analysis.models import EstimateRun

    client = client_for(role_users["statistician"])
    assert client.get("/estimation/").status_code == 200
    with WESTERN.open("rb") as handle:
        response = client.post(
            "/estimation/run/",
            {
                "source": "upload",
                "histories": handle,
                "method": "stepwise",
                "ci": "wald",
                "level": "0.95",
                "reps": "1000",
                "use_for_indicators": "on",
            },
        )
    kept = EstimateRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/estimation/{kept.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"{kept.total:,.0f}" in page
    assert "Closed population" in page  # the assumptions, in words
    assert kept.result["model"] in page
    assert 'id="in-use"' in page
    svg = client.get(f"/estimation/{kept.pk}/sensitivity.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert "'unsafe-inline'" in svg["Content-Security-Policy"]
    assert b"<svg" in svg.content
    download = client.get(f"/estimation/{kept.pk}/estimate.json")
    assert json.loads(download.content)["total"] == pytest.approx(kept.total)


def test_a_bad_upload_shows_the_reason_on_the_form(role_users: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tiphub.web.analysis.models import EstimateRun

    client = client_for(role_users["statistician"])
    response = client.post(
        "/estimation/run/",
        {
            "source": "upload",
            "histories": SimpleUploadedFile("lists.csv", b"A,B,count\n1,0,x\n0,1,3\n1,1,2\n"),
            "method": "stepwise",
            "ci": "wald",
            "level": "0.95",
            "reps": "1000",
        },
    )
    assert response.status_code == 400
    assert "lists.csv, row 2, column &#x27;count&#x27;" in response.content.decode()
    assert not EstimateRun.objects.exists()


def test_only_the_statistician_reaches_the_estimation_pages(role_users: dict[str, Any]) -> None:
    kept = estimates.run_estimate(
        role_users["statistician"], EstimateParameters(), histories=WESTERN.read_bytes()
    )
    for role, user in role_users.items():
        expected = 200 if role == "statistician" else 403
        client = client_for(user)
        assert client.get("/estimation/").status_code == expected, role
        assert client.get(f"/estimation/{kept.pk}/").status_code == expected, role
        with WESTERN.open("rb") as handle:
            status = client.post("/estimation/run/", {"source": "upload", "histories": handle})
        assert status.status_code in ({400, 302} if role == "statistician" else {403}), role
