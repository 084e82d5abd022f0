"""Differentially private counts are charged to a persistent ledger that refuses overspending."""

from pathlib import Path

import pandas as pd
import pytest

from tiphub.disclosure.dp import DPRelease, sensitivity
from tiphub.disclosure.ledger import BudgetExceeded, Charge, PrivacyLedger
from tiphub.disclosure.release import protect
from tiphub.disclosure.suppression import Policy


def _charge(eps: float) -> Charge:
    return Charge("frame:v1", "r", eps, 0.0, "laplace", "test", "tester")


def test_ledger_persists_and_refuses_past_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    PrivacyLedger(path, lifetime_cap=5, release_cap=4).charge(_charge(3))
    again = PrivacyLedger(path, lifetime_cap=5, release_cap=4)  # a new process reads the file
    assert again.spent("frame:v1") == 3
    with pytest.raises(BudgetExceeded, match="refused"):
        again.charge(_charge(2.5))
    assert again.spent("frame:v1") == 3  # nothing recorded for the refused release
    with pytest.raises(BudgetExceeded, match="at most"):
        again.charge(_charge(4.5))
    again.charge(_charge(2))
    assert again.spent("frame:v1") == 5


def test_dp_release_charges_then_publishes_noisy_counts(tmp_path: Path) -> None:
    cells = pd.DataFrame(
        [
            {"year": 2024, "form": "_T", "sex": "_T", "value": 200},
            {"year": 2024, "form": "_T", "sex": "F", "value": 150},
            {"year": 2024, "form": "_T", "sex": "M", "value": 50},
            {"year": 2024, "form": "a", "sex": "_T", "value": 120},
        ]
    )
    dims = {"form": False, "sex": True}
    ledger = PrivacyLedger(tmp_path / "l.json", lifetime_cap=1.5, release_cap=1.0)
    dp = DPRelease(
        epsilon=1.0,
        dataset="d",
        ledger=ledger,
        options={"form": ["a", "b"], "sex": ["F", "M"]},
        multi_valued=frozenset({"form"}),
    )
    assert sensitivity(cells, dims, dp) == 1 + 1 + 2  # total, by sex, by form (2 options)
    out = protect(cells, dims, Policy(min_cell=5), dp)
    assert ledger.spent("d") == pytest.approx(1.0)
    assert out.report["differential_privacy"]["epsilon"] == pytest.approx(1.0)
    assert len(out.table) == 1 + 2 + 2  # data-independent key set: form b appears (true 0)
    shown = out.table["value"].dropna()
    assert not ((shown >= 1) & (shown < 5)).any()
    with pytest.raises(BudgetExceeded):
        protect(cells, dims, Policy(min_cell=5), dp)
