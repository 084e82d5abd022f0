"""Cell suppression with a proof: primary below the threshold, secondary until the audit passes.

Rules (docs/indicators.md, "Disclosure control"):
1. Primary: a count 1..T-1 is suppressed and shown as "<T" (UNODC shows "<5"); zeros are real
   zeros (no victim has that combination) and are not listed.
2. Secondary, method "optimal" (the default): the cheapest set of further cells (shown "x") that
   protects every primary cell, found by mixed-integer programming (`optimal.py`); hiding a
   total or a one-way margin costs far more than hiding detailed cells.
   Method "greedy" (the earlier heuristic, kept for comparison and as the fallback when the
   optimisation runs out of time): while the interval audit finds a primary cell whose feasible
   range is narrower than the required protection, suppress one more published cell in the
   relation that pins it: the relation with the fewest hidden cells first, its cheapest cell
   (smallest value, most detailed) next. More suppression only widens every interval, so cells
   that pass stay passing and the loop ends.
3. Withdrawal: a primary cell that still fails when every cell of its relations is hidden (a
   structure such as "4 children shown as <5 under a total shown as <5" pins them all to 1) is
   withdrawn from the release altogether, with its relations.

The result is proven by the same audit it was built with: each primary cell's feasible interval
has width >= the required protection, so no suppressed cell is recoverable exactly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from tiphub.disclosure.audit import (
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    WITHDRAWN,
    Interval,
    audit,
)
from tiphub.disclosure.constraints import Relation
from tiphub.disclosure.optimal import GroupStats, optimal_suppression

METHODS = ("optimal", "greedy")


@dataclass(frozen=True)
class Policy:
    """Disclosure-control settings. `min_cell` T: counts 1..T-1 are never published.

    `protection` is the share of the primary band [1, T-1] that must stay possible for every
    suppressed cell: the required interval width is max(1, ceil(protection * (T - 2))).
    `method` chooses the secondary suppression ("optimal" or "greedy"); `time_limit` (seconds)
    bounds the optimisation, past which the greedy step completes its best pattern.
    """

    min_cell: int = 5
    protection: float = 0.5
    method: str = "optimal"
    time_limit: float = 30.0

    def __post_init__(self) -> None:
        if self.min_cell < 3:
            raise ValueError(
                "min_cell must be at least 3: with a threshold of 2 the label '<2' itself "
                "reveals the value 1"
            )
        if not 0 <= self.protection <= 1:
            raise ValueError("protection must be between 0 and 1")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")

    @property
    def required_width(self) -> int:
        return max(1, math.ceil(self.protection * (self.min_cell - 2)))


@dataclass
class SuppressionResult:
    status: list[str]
    intervals: dict[int, Interval]
    iterations: int  # rounds of the greedy loop (0 when the optimisation protected everything)
    method: str = "greedy"
    groups: list[GroupStats] = field(default_factory=list)  # the optimisation, per cell group

    @property
    def optimal(self) -> bool:
        """Whether every group's pattern is proven cheapest (optimal method, within time)."""
        return self.method == "optimal" and all(g.optimal for g in self.groups)


def suppress(
    values: Sequence[int],
    relations: Sequence[Relation],
    policy: Policy,
    detail: Sequence[int] | None = None,
) -> SuppressionResult:
    """Decide each cell's status. `detail[i]` = number of non-total dimensions (tie-breaker)."""
    t = policy.min_cell
    status = [PRIMARY if 0 < v < t else PUBLISHED for v in values]
    detail = detail or [0] * len(values)
    rels_of: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(relations):
        for c in (r.parent, *r.children):
            rels_of[c].append(i)
    alive = [True] * len(relations)
    _withdraw_unprotectable(values, status, relations, rels_of, alive, policy, detail)
    groups: list[GroupStats] = []
    if policy.method == "optimal":
        optimised = optimal_suppression(
            values,
            status,
            [r for r, ok in zip(relations, alive, strict=True) if ok],
            t,
            policy.required_width,
            detail,
            time_limit=policy.time_limit,
        )
        status = optimised.status
        groups = optimised.groups
        if all(g.safe for g in groups):
            return SuppressionResult(status, {}, 0, "optimal", groups)
    # The greedy loop: the whole method, or the completion of an unfinished optimisation.
    failing = sorted(i for i, s in enumerate(status) if s == PRIMARY)
    intervals: dict[int, Interval] = {}
    iterations = 0
    while failing:
        # One round: audit every failing cell, then give each still-failing cell one partner.
        iterations += 1
        current = [r for r, ok in zip(relations, alive, strict=True) if ok]
        found = audit(values, status, current, t, failing)
        intervals.update(found)
        failing = [c for c in failing if found[c].width < policy.required_width - 1e-9]
        for cell in failing:
            if status[cell] != PRIMARY:
                continue
            # Own relations first, then the second ring (equalities of the hidden cells that
            # share a relation with `cell`); cells as detailed as `cell` before totals.
            ring = sorted(
                {
                    ri2
                    for ri in rels_of[cell]
                    if alive[ri]
                    for c in (relations[ri].parent, *relations[ri].children)
                    if status[c] in (PRIMARY, SECONDARY) and c != cell
                    for ri2 in rels_of[c]
                    if relations[ri2].equality
                }
            )
            pick = None
            for rel_ids, floor in (
                (rels_of[cell], detail[cell]),
                (ring, detail[cell]),
                (rels_of[cell], -1),
                (ring, -1),
            ):
                pick = _partner(values, status, relations, rel_ids, alive, detail, t, floor)
                if pick is not None:
                    break
            if pick is not None:
                status[pick] = SECONDARY
                continue
            # Nothing left to hide around the cell: withdraw it and its relations. Cells that
            # passed stay protected (dropping relations only widens their intervals).
            status[cell] = WITHDRAWN
            intervals.pop(cell, None)
            for ri in rels_of[cell]:
                alive[ri] = False
        failing = [c for c in failing if status[c] == PRIMARY]
    return SuppressionResult(status, intervals, iterations, policy.method, groups)


def _withdraw_unprotectable(
    values: Sequence[int],
    status: list[str],
    relations: Sequence[Relation],
    rels_of: dict[int, list[int]],
    alive: list[bool],
    policy: Policy,
    detail: Sequence[int],
) -> None:
    """Withdraw primary cells that no amount of suppression can protect.

    Hiding more cells only widens intervals, so the widest a cell's interval can get is with
    every other cell hidden. A cell that fails even then (e.g. four children shown "<5" under a
    total shown "<5": each child is pinned to 1) is withdrawn, the most detailed first, and the
    check is repeated, since a withdrawal can free the cells above it.
    """
    t = policy.min_cell
    while True:
        primaries = [i for i, s in enumerate(status) if s == PRIMARY]
        if not primaries:
            return
        everything_hidden = [SECONDARY if s == PUBLISHED else s for s in status]
        current = [r for r, ok in zip(relations, alive, strict=True) if ok]
        found = audit(values, everything_hidden, current, t, primaries)
        failing = [c for c in primaries if found[c].width < policy.required_width - 1e-9]
        if not failing:
            return
        # One at a time, the most detailed first: withdrawing a child may free its parent.
        cell = max(failing, key=lambda c: (detail[c], c))
        status[cell] = WITHDRAWN
        for ri in rels_of[cell]:
            alive[ri] = False


def _partner(
    values: Sequence[int],
    status: Sequence[str],
    relations: Sequence[Relation],
    rel_ids: Sequence[int],
    alive: Sequence[bool],
    detail: Sequence[int],
    t: int,
    min_detail: int = -1,
) -> int | None:
    """The published cell to hide next for `cell`: tightest relation first, cheapest cell next."""
    options = []
    for ri in rel_ids:
        if not alive[ri]:
            continue
        r = relations[ri]
        members = (r.parent, *r.children)
        hidden = sum(1 for c in members if status[c] in (PRIMARY, SECONDARY))
        candidates = [
            c
            for c in members
            if status[c] == PUBLISHED and values[c] >= t and detail[c] >= min_detail
        ]
        if candidates:
            best = min(candidates, key=lambda c: (detail[c] == 0, values[c], -detail[c], c))
            options.append((0 if r.equality else 1, detail[best] == 0, hidden, values[best], best))
    if not options:
        return None
    return min(options)[-1]
