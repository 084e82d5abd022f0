"""The demo runs the main job end to end (what `make demo` does, without serving): a small
synthetic country is imported, encoded per agency, linked into persons, the hidden figure is
estimated with its interval, and the indicators are computed over unique persons with the
estimate. A second run changes nothing. The landing page then shows each stage's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .support import PASSWORD, client_for

pytestmark = pytest.mark.slow


def test_the_demo_spine_end_to_end_and_idempotent(db: Any, tmp_path: Path) -> None:
    from django.contrib.auth import get_user_model

    from tiphub.cli.analysis import demo_analysis
    from tiphub.cli.demo import import_agencies, synthesize
    from tiphub.cli.indicators import demo_indicators
    from tiphub.web.accounts.models import Account
    from tiphub.web.analysis.models import EstimateRun, LinkageRun
    from tiphub.web.monitoring.models import Release
    from tiphub.web.registry.models import VictimRecord

    out = tmp_path / "demo"
    metadata = synthesize(out, 400, 4, 3)

    def run_demo() -> None:
        import_agencies(out, metadata)
        demo_analysis(out, metadata)
        demo_indicators(out / "population.csv")

    run_demo()
    run = LinkageRun.objects.get()
    assert run.records == VictimRecord.objects.count()
    assert run.persons < run.records  # some people are known to several agencies
    assert abs(run.persons - metadata["observed"]) <= 0.05 * run.records
    estimate = EstimateRun.objects.get()
    assert estimate.linkage_run == run
    assert estimate.by == ["year"]
    assert estimate.observed == run.persons
    assert estimate.ci_low < estimate.total < (estimate.ci_high or 0)
    release = Release.objects.get()
    assert release.unduplicated  # counts are of persons
    years = {v["year"] for v in release.values if v["indicator"] == "MSE_TOTAL"}
    assert years  # one estimate per year reached the indicators
    assert (out / "encoded").is_dir()
    assert not [p for p in (out / "encoded").iterdir() if p.suffix != ".parquet"]

    run_demo()  # idempotent: nothing new
    assert (LinkageRun.objects.count(), EstimateRun.objects.count()) == (1, 1)
    assert Release.objects.count() == 1

    user = get_user_model().objects.create_user(username="stat", password=PASSWORD)
    Account.objects.create(user=user, role="statistician")
    home = client_for(user).get("/").content.decode()
    assert f"{run.persons:,} unique persons" in home
    assert f"estimated total {estimate.total:,.0f}" in home
    assert "SDG 16.2.2 detected victims" in home
    page = client_for(user).get("/indicators/").content.decode()
    assert "Counted once per person (record linkage)." in page
