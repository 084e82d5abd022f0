"""The landing page's pipeline stages reflect what has run: a stage is available once it has
run or holds data, links to its page, and shows its figures only to roles that may read them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tiphub.web.analysis.estimates import EstimateParameters, run_estimate, use_for_indicators

from .support import client_for

WESTERN = Path(__file__).resolve().parents[1] / "data" / "mse" / "Western.csv"


def _stage(html: str, key: str) -> str:
    found = re.search(rf'<li data-stage="{key}"(.*?)</li>', html, re.S)
    assert found, f"no stage {key}"
    return found.group(1)


def test_stages_become_available_as_they_run(
    role_users: dict[str, Any], stored: dict[str, Any]
) -> None:
    statistician = client_for(role_users["statistician"])
    html = statistician.get("/").content.decode()
    assert 'data-available="yes"' in _stage(html, "standard")  # records are stored
    for key in ("linkage", "estimation", "indicators"):
        assert 'data-available="no"' in _stage(html, key), key
    assert "installed, not run yet" in _stage(html, "estimation")

    kept = run_estimate(
        role_users["statistician"], EstimateParameters(), histories=WESTERN.read_bytes()
    )
    use_for_indicators(kept, role_users["statistician"])
    from tiphub.web.monitoring.services import compute_release

    compute_release(role_users["statistician"])
    html = statistician.get("/").content.decode()
    estimation = _stage(html, "estimation")
    assert 'data-available="yes"' in estimation
    assert 'href="/estimation/"' in estimation
    assert f"estimated total {kept.total:,.0f}" in estimation
    indicators = _stage(html, "indicators")
    assert 'data-available="yes"' in indicators
    assert 'href="/indicators/"' in indicators
    assert "SDG 16.2.2 detected victims" in indicators
    assert "estimated total" in indicators  # the release carries the estimate

    # A caseworker sees that the stages ran, but neither their figures nor a link to them.
    html = client_for(role_users["caseworker"]).get("/").content.decode()
    estimation = _stage(html, "estimation")
    assert 'data-available="yes"' in estimation
    assert "href=" not in estimation
    assert f"{kept.total:,.0f}" not in html
    assert "SDG 16.2.2 detected victims" not in html
