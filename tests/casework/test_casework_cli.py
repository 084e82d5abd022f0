"""`tiphub casework profile` and `tiphub casework alerts` (the daily run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from tiphub.cli import app

runner = CliRunner()
DEFAULT = Path(__file__).parents[2] / "src/tiphub/workflow/data/default.yaml"


def test_profile_check_refuses_a_period_below_the_legal_minimum(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["casework", "profile"])
    assert ok.exit_code == 0, ok.output
    assert "recovery period 30 days" in ok.output
    data = yaml.safe_load(DEFAULT.read_text())
    data["recovery_period_days"] = 21
    bad = tmp_path / "country.yaml"
    bad.write_text(yaml.safe_dump(data))
    refused = runner.invoke(app, ["casework", "profile", str(bad)])
    assert refused.exit_code == 1
    assert "below the legal minimum of 30 days" in refused.output


def test_alerts_daily_run_as_of_a_date(people: dict[str, Any], agencies: dict[str, Any]) -> None:
    from casework_support import SCREENED, START

    from tiphub.web.casework import services
    from tiphub.workflow import ConsentScope, FrozenClock, SystemClock

    services.set_clock(FrozenClock(START))
    try:
        case = services.open_case(
            people["police"], profile_fields={"gender": "Feminine", "age": 30},
            screening=SCREENED,
        )  # fmt: skip
        services.record_consent(people["police"], case, ConsentScope.REFER_TO_NRM)
        services.record_consent(people["police"], case, ConsentScope.share_with("ATU"))
        services.refer(people["police"], case, agencies["ATU"], "nrm_decision")
    finally:
        services.set_clock(SystemClock())
    result = runner.invoke(
        app, ["casework", "alerts", "--user", "competent_authority-atu", "--as-of", "2027-03-10",
              "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["cases"] == 1
    assert [(t["rule"], t["status"]) for t in body["tasks"]] == [("T1", "overdue")]
    bad = runner.invoke(app, ["casework", "alerts", "--as-of", "10/03/2027"])
    assert bad.exit_code == 2
