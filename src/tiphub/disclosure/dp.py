"""Differentially private counts with OpenDP, charged to the privacy-budget ledger first.

Mechanism: the discrete Laplace (geometric) mechanism from OpenDP on the vector of all cells of
the release, calibrated to its L1 sensitivity. Contribution bound: one victim is one record per
year (unduplicated by linkage where a person id exists); within a year a victim falls in one cell
of each additive cross-tabulation and in up to k cells of a table disaggregated by a
multi-valued dimension with k options. The sensitivity is the sum over the release's tables.
The key set is data-independent: every combination of the dimensions' declared options (zeros
included); dimensions without a declared code list are left out of DP releases.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tiphub.disclosure.constraints import TOTAL
from tiphub.disclosure.ledger import Charge, PrivacyLedger


@dataclass(frozen=True)
class DPRelease:
    epsilon: float
    dataset: str
    ledger: PrivacyLedger
    options: dict[str, list[str]] = field(default_factory=dict)
    """Declared options per dimension; a multi-valued dimension's count bounds a contribution."""
    multi_valued: frozenset[str] = frozenset()
    release: str = ""
    purpose: str = ""
    approver: str = ""


def full_domain(cells: pd.DataFrame, dims: dict[str, bool], dp: DPRelease) -> pd.DataFrame:
    """Every key of the release's tables over declared options, with true counts (0 if absent)."""
    patterns = {
        tuple(d for d in dims if str(row[d]) != TOTAL)
        for row in cells[list(dims)].to_dict("records")
    }
    patterns = {p for p in patterns if all(d in dp.options for d in p)}
    years = sorted({int(y) for y in cells["year"]})
    rows = []
    for year in years:
        for pattern in sorted(patterns):
            for combo in itertools.product(*(dp.options[d] for d in pattern)):
                row: dict[str, Any] = {"year": year, **dict.fromkeys(dims, TOTAL)}
                row.update(dict(zip(pattern, combo, strict=True)))
                rows.append(row)
    domain = pd.DataFrame(rows, columns=["year", *dims])
    for d in dims:
        domain[d] = domain[d].astype(str)
    merged = domain.merge(cells, on=["year", *dims], how="left")
    merged["value"] = merged["value"].fillna(0).astype("int64")
    return merged


def sensitivity(cells: pd.DataFrame, dims: dict[str, bool], dp: DPRelease) -> int:
    """L1 sensitivity of the vector of cells (see the module docstring)."""
    patterns = {
        tuple(d for d in dims if str(row[d]) != TOTAL)
        for row in cells[list(dims)].to_dict("records")
    }
    total = 0
    for pattern in patterns:
        k = 1
        for d in pattern:
            if d in dp.multi_valued:
                k *= len(dp.options[d])
        total += k
    return total


def noisy_counts(
    values: list[int], cells: pd.DataFrame, dims: dict[str, bool], dp: DPRelease
) -> tuple[list[int], dict[str, Any]]:
    """Charge the ledger, then add discrete Laplace noise (post-processed to >= 0 integers)."""
    import opendp.prelude as odp

    odp.enable_features("contrib")
    l1 = sensitivity(cells, dims, dp)
    scale = l1 / dp.epsilon
    space = odp.vector_domain(odp.atom_domain(T=int)), odp.l1_distance(T=int)
    meas = space >> odp.m.then_laplace(scale=scale)
    spent = float(meas.map(l1))
    entry = dp.ledger.charge(
        Charge(
            dataset=dp.dataset,
            release=dp.release,
            epsilon=spent,
            delta=0.0,
            mechanism="discrete Laplace (OpenDP make_laplace on integer vector)",
            purpose=dp.purpose,
            approver=dp.approver,
        )
    )
    noisy = [max(0, int(v)) for v in meas(values)]
    report = {
        "mechanism": entry["mechanism"],
        "epsilon": spent,
        "delta": 0.0,
        "l1_sensitivity": l1,
        "scale": scale,
        "dataset": dp.dataset,
        "ledger_spent_after": entry["spent_after"],
        "ledger_cap": entry["lifetime_cap"],
        "contribution_bound": "one record per victim per year",
    }
    return noisy, report
