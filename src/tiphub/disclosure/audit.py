"""Interval audit: what an attacker can learn about each suppressed cell.

For every suppressed cell we solve two linear programmes (minimise, maximise its value) with
HiGHS (highspy) over everything the release tells: published values fixed, the relations between
cells (totals = sums, children <= totals), and the labels: a primary cell shown as "<T" lies in
[1, T-1]; a secondary cell shown as "x" is at least T (we only choose secondaries among cells
>= T, and we assume the attacker knows our rules). The feasible range [low, high] is exactly what
"recovery by subtraction", or any linear reasoning, can establish.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from tiphub.disclosure.constraints import Relation

PUBLISHED, PRIMARY, SECONDARY, WITHDRAWN = "published", "primary", "secondary", "withdrawn"


@dataclass(frozen=True)
class Interval:
    cell: int
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


class AuditError(RuntimeError):
    """The relations are inconsistent with the values (a bug upstream, never user input)."""


def _clusters(
    relations: Sequence[Relation], status: Sequence[str]
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Group suppressed cells that share a relation (a cell's LP needs only its cluster)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    rel_of_cluster: dict[int, list[int]] = defaultdict(list)
    for cells in (
        tuple(c for c in (r.parent, *r.children) if _hidden(status[c])) for r in relations
    ):
        for c in cells:
            find(c)
        for a, b in itertools.pairwise(cells):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
    for i, r in enumerate(relations):
        hidden = [c for c in (r.parent, *r.children) if _hidden(status[c])]
        if hidden:
            rel_of_cluster[find(hidden[0])].append(i)
    return {c: find(c) for c in list(parent)}, rel_of_cluster


def _hidden(s: str) -> bool:
    return s in (PRIMARY, SECONDARY)


def audit(
    values: Sequence[int],
    status: Sequence[str],
    relations: Sequence[Relation],
    min_cell: int,
    cells: Iterable[int] | None = None,
) -> dict[int, Interval]:
    """Feasible interval of each suppressed cell in `cells` (default: all primary cells)."""
    targets = [i for i, s in enumerate(status) if s == PRIMARY] if cells is None else list(cells)
    cluster_of, rels_of = _clusters(relations, status)
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for t in targets:
        by_cluster[cluster_of.get(t, t)].append(t)
    out: dict[int, Interval] = {}
    for root, members in by_cluster.items():
        out.update(
            _audit_cluster(
                values, status, [relations[i] for i in rels_of.get(root, [])], min_cell, members
            )
        )
    return out


def _audit_cluster(
    values: Sequence[int],
    status: Sequence[str],
    relations: Sequence[Relation],
    min_cell: int,
    targets: Sequence[int],
) -> dict[int, Interval]:
    variables = sorted(
        {c for r in relations for c in (r.parent, *r.children) if _hidden(status[c])} | set(targets)
    )
    col = {c: j for j, c in enumerate(variables)}
    eq_rows: list[tuple[dict[int, float], float]] = []
    ub_rows: list[tuple[dict[int, float], float]] = []

    def term(coeffs: dict[int, float], cell: int, sign: float) -> float:
        """Add `sign * x_cell` to the row; return the constant part when the cell is published."""
        if _hidden(status[cell]):
            coeffs[col[cell]] = coeffs.get(col[cell], 0.0) + sign
            return 0.0
        return sign * values[cell]

    for r in relations:
        if r.equality:
            coeffs: dict[int, float] = {}
            const = term(coeffs, r.parent, 1.0)
            for c in r.children:
                const += term(coeffs, c, -1.0)
            if coeffs:
                eq_rows.append((coeffs, -const))
        else:
            for c in r.children:
                coeffs = {}
                const = term(coeffs, c, 1.0) + term(coeffs, r.parent, -1.0)
                if coeffs:
                    ub_rows.append((coeffs, -const))
    bounds: list[tuple[float, float | None]] = []
    for c in variables:
        if status[c] == PRIMARY:
            bounds.append((1.0, float(min_cell - 1)))
        else:
            bounds.append((float(min_cell), None))
    n = len(variables)

    # One HiGHS model per cluster, re-solved warm for each end of each target's interval.
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    model.setOptionValue("threads", 1)
    # Without presolve the simplex tells "unbounded" from "infeasible" (presolve may only say
    # "unbounded or infeasible", and an infeasible system must never pass as a wide interval).
    model.setOptionValue("presolve", "off")
    inf = highspy.kHighsInf
    model.addVars(
        n,
        np.array([lo for lo, _ in bounds], dtype=float),
        np.array([inf if hi is None else hi for _, hi in bounds], dtype=float),
    )
    for rows, is_eq in ((eq_rows, True), (ub_rows, False)):
        for coeffs, rhs in rows:
            idx = np.array(list(coeffs), dtype=np.int32)
            vals = np.array(list(coeffs.values()), dtype=float)
            model.addRow(rhs if is_eq else -inf, rhs, len(idx), idx, vals)
    everything = np.arange(n, dtype=np.int32)
    out = {}
    for t in targets:
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(n)
            objective[col[t]] = sign
            model.changeColsCost(n, everything, objective)
            model.run()
            outcome = model.getModelStatus()
            if outcome == highspy.HighsModelStatus.kUnbounded:
                # Unbounded above: an "x" cell has no upper limit.
                ends.append(float("inf") if sign < 0 else float(min_cell))
                continue
            if outcome != highspy.HighsModelStatus.kOptimal:
                raise AuditError(
                    f"interval audit failed for cell {t}: {model.modelStatusToString(outcome)}"
                )
            ends.append(sign * float(model.getInfo().objective_function_value))
        out[t] = Interval(t, ends[0], ends[1])
    return out
