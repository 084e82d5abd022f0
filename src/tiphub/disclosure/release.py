"""The publish gate: every count that leaves tiphub passes through `protect()`.

Input: count cells (year, one option or `_T` per dimension, true value) and each dimension's
additivity. Output: the same cells with `value` blanked where suppressed, a `display` text
("12", "<5", "x"), a `status`, and a machine-readable release report (what was suppressed, the
audit's proof, the policy). Writers only ever see the protected table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tiphub.disclosure.audit import PRIMARY, PUBLISHED, SECONDARY, WITHDRAWN, audit
from tiphub.disclosure.constraints import TOTAL, build_relations
from tiphub.disclosure.dp import DPRelease, full_domain, noisy_counts
from tiphub.disclosure.suppression import Policy, SuppressionResult, suppress

SECONDARY_LABEL = "x"


@dataclass
class ProtectedCells:
    """Count cells safe to publish, and the report that proves it."""

    table: pd.DataFrame  # key columns, value (float or None), status, display
    dims: list[str]
    report: dict[str, Any] = field(default_factory=dict)

    def published(self) -> pd.DataFrame:
        return self.table[self.table["status"] != WITHDRAWN].reset_index(drop=True)


def primary_label(min_cell: int) -> str:
    return f"<{min_cell}"


def protect(
    cells: pd.DataFrame,
    dims: dict[str, bool],
    policy: Policy | None = None,
    dp: DPRelease | None = None,
) -> ProtectedCells:
    """Apply disclosure control to count cells (see the module docs of `suppression` and `dp`).

    With `dp`, counts are first replaced by differentially private noisy counts (the budget is
    charged to the ledger before any noise is drawn), then primary suppression is applied to the
    noisy values; no exact count is published, so no secondary suppression is needed.
    """
    policy = policy or Policy()
    key = ["year", *dims]
    if dp is not None:
        cells = full_domain(cells, dims, dp)
    cells = cells.sort_values(key).reset_index(drop=True)
    values = [int(v) for v in cells["value"]]
    dp_report: dict[str, Any] | None = None
    if dp is not None:
        values, dp_report = noisy_counts(values, cells, dims, dp)
    relations = build_relations(cells, dims) if dp is None else []
    detail = [
        sum(1 for d in dims if str(row[d]) != TOTAL) for row in cells[list(dims)].to_dict("records")
    ]
    result = suppress(values, relations, policy, detail)
    status = result.status
    label = primary_label(policy.min_cell)
    display: list[str] = []
    published_values: list[float | None] = []
    for v, s in zip(values, status, strict=True):
        if s == PUBLISHED:
            display.append(str(v))
            published_values.append(float(v))
        else:
            display.append(label if s == PRIMARY else SECONDARY_LABEL if s == SECONDARY else "")
            published_values.append(None)
    table = cells[key].copy()
    table["value"] = pd.array(published_values, dtype="Float64")
    table["status"] = status
    table["display"] = display
    # The proof: re-audit every primary cell against the final release.
    final_relations = [
        r for r in relations if all(status[c] != WITHDRAWN for c in (r.parent, *r.children))
    ]
    proof = audit(values, status, final_relations, policy.min_cell) if dp is None else {}
    min_width = min((iv.width for iv in proof.values()), default=None)
    report: dict[str, Any] = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "policy": {
            "min_cell": policy.min_cell,
            "protection": policy.protection,
            "required_interval_width": policy.required_width,
            "primary_label": label,
            "secondary_label": SECONDARY_LABEL,
            "secondary_method": policy.method,
        },
        "method": (
            "differential privacy (OpenDP) then primary suppression of noisy counts"
            if dp is not None
            else "primary suppression below min_cell; secondary suppression "
            + (
                "by mixed-integer optimisation (least cost: cell value, totals and margins "
                "costliest) so that a linear-programming interval audit (HiGHS) shows every "
                "suppressed cell's feasible range is at least the required width"
                if policy.method == "optimal"
                else "until a linear-programming interval audit (HiGHS) shows every "
                "suppressed cell's feasible range is at least the required width"
            )
            + "; relations used: totals = sums of parts over additive dimensions, parts <= "
            "totals over multi-valued ones"
        ),
        "secondary": _secondary_report(result) if dp is None else None,
        "cells": {
            "total": len(status),
            "published": status.count(PUBLISHED),
            "primary": status.count(PRIMARY),
            "secondary": status.count(SECONDARY),
            "withdrawn": status.count(WITHDRAWN),
        },
        "relations": {
            "equalities": sum(1 for r in final_relations if r.equality),
            "bounds": sum(1 for r in final_relations if not r.equality),
        },
        "audit": {
            "passed": all(iv.width >= policy.required_width - 1e-9 for iv in proof.values()),
            "min_interval_width": min_width,
            "iterations": result.iterations,
            "intervals": [
                {**_key(cells, i, key), "low": iv.low, "high": iv.high}
                for i, iv in sorted(proof.items())
            ],
        },
        "suppressed": [
            {**_key(cells, i, key), "status": s} for i, s in enumerate(status) if s != PUBLISHED
        ],
        "differential_privacy": dp_report,
    }
    return ProtectedCells(table=table, dims=list(dims), report=report)


def _secondary_report(result: SuppressionResult) -> dict[str, Any]:
    """How the secondary cells were chosen: the optimisation's outcome per group of cells."""
    groups = result.groups
    return {
        "method": result.method,
        "proven_optimal": result.optimal,
        "greedy_rounds": result.iterations,
        "groups": len(groups),
        "groups_unfinished": sum(1 for g in groups if not g.safe),
        "rounds": sum(g.rounds for g in groups),
        "inequalities": sum(g.cuts for g in groups),
        "seconds": round(sum(g.seconds for g in groups), 3),
    }


def _key(cells: pd.DataFrame, i: int, key: list[str]) -> dict[str, Any]:
    row = cells.iloc[i]
    return {k: (int(row[k]) if k == "year" else str(row[k])) for k in key}
