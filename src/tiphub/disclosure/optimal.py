"""Optimal secondary suppression: the cheapest set of extra cells that protects every small cell.

The model is Fischetti and Salazar-González's (Management Science 2001, "Solving the cell
suppression problem on tabular data with linear constraints"), the model behind tau-argus's
"optimal" method and R sdcTable's "OPT":

    minimise   sum_j cost_j * x_j                 (x_j = 1: publishable cell j is shown "x")
    subject to every primary cell i stays protected against the attacker LP,

where the attacker LP (the same model as `audit.py`) knows every published value, the relations
between cells, that a "<T" cell lies in [1, T-1] and that an "x" cell is at least T. For a
suppression pattern x the attacker's range of cell i is [min y_i, max y_i] over

    relations(y) (totals = sums, parts <= totals),  l_j(x) <= y_j <= u_j(x),
    l_j(x) = a_j - (a_j - T) x_j,   u_j(x) = a_j + (U - a_j) x_j        (a_j = the true value)

and protection means max y_i - min y_i >= w (the policy's required width). By LP duality both
ends are minima of functions linear in x, so the condition is an (exponentially large) family
of linear "capacity" inequalities in x. They are generated lazily: solve the master MILP with
the inequalities found so far, run the attacker LPs on its pattern, add an inequality for each
cell the attacker still pins (built from the LP's dual solution), and repeat until the pattern
passes. The last pattern is then optimal for the cost (the master is a relaxation of the true
problem), and proven safe by construction; `release.protect()` audits it again independently.

Each connected group of cells (a year of a release: every table of that year shares the national
total) is one problem; groups share no relation, so solving them apart is exact.

`U`, the attacker's upper limit on an "x" cell, is finite here (the sum of the group's cells):
a limit the attacker does not actually know only narrows the ranges we compute, so a pattern that
passes with it passes without it.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from tiphub.disclosure.audit import PRIMARY, PUBLISHED, SECONDARY, WITHDRAWN
from tiphub.disclosure.constraints import Relation

# Cost of hiding a cell: level weight x (1 + ln value). Each level up (one dimension fewer
# broken down) costs LEVEL_FACTOR times more: a national total costs as much as 50 one-way
# margin cells of the same value, a margin as much as 50 two-way cells, and so on, so totals
# and margins are hidden only when detailed cells cannot protect the small ones, or only at a
# far greater count. The logarithm makes the loss grow with the value but slower than linearly:
# tau-argus's default cost (the value itself) trades one large cell for many small ones, and
# users count hidden cells too.
LEVEL_FACTOR = 50.0
TOLERANCE = 1e-6


@dataclass
class GroupStats:
    """How one connected group of cells was solved (for the release report)."""

    cells: int
    primary: int
    secondary: int = 0
    rounds: int = 0
    cuts: int = 0
    safe: bool = False
    optimal: bool = False
    seconds: float = 0.0


@dataclass
class OptimalResult:
    status: list[str]
    groups: list[GroupStats] = field(default_factory=list)

    @property
    def optimal(self) -> bool:
        return all(g.optimal for g in self.groups)


def cell_cost(value: int, detail: int, max_detail: int) -> float:
    """The price of hiding a cell of `value` with `detail` non-total dimensions."""
    return LEVEL_FACTOR ** (max_detail - detail) * (1.0 + math.log(max(value, 1)))


def optimal_suppression(
    values: Sequence[int],
    status: Sequence[str],
    relations: Sequence[Relation],
    min_cell: int,
    required_width: float,
    detail: Sequence[int],
    *,
    time_limit: float = 20.0,
    max_rounds: int = 200,
) -> OptimalResult:
    """Choose secondary cells for `status` (primary/published/withdrawn) at least cost.

    `relations` must already exclude those of withdrawn cells, and every primary cell must be
    protectable with everything else hidden (`suppression._withdraw_unprotectable`). Within the
    time limit or round limit the result is optimal; past it the cheapest pattern found is
    returned with `optimal = False` and the caller completes it (the greedy step).
    """
    out = list(status)
    result = OptimalResult(out)
    deadline = time.monotonic() + time_limit
    for members, rels in _groups(relations, status):
        primaries = [c for c in members if status[c] == PRIMARY]
        if not primaries:
            continue
        started = time.monotonic()
        if started > deadline:  # out of time: the caller's greedy step protects this group
            result.groups.append(GroupStats(cells=len(members), primary=len(primaries)))
            continue
        problem = _GroupProblem(values, status, rels, members, min_cell, required_width, detail)
        stats = problem.solve(deadline, max_rounds)
        stats.seconds = time.monotonic() - started
        for c in problem.chosen:
            out[c] = SECONDARY
        result.groups.append(stats)
    return result


def _linked(n: int, sets: list[list[int]]) -> np.ndarray:
    """Component label of each of n nodes, where each list in `sets` links its members."""
    first = [m[0] for m in sets for _ in m[1:]]
    rest = [x for m in sets for x in m[1:]]
    graph = csr_matrix((np.ones(len(rest)), (first, rest)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _groups(
    relations: Sequence[Relation], status: Sequence[str]
) -> list[tuple[list[int], list[Relation]]]:
    """Connected groups of cells (through relations), each with its relations."""
    label = _linked(len(status), [[r.parent, *r.children] for r in relations])
    members: dict[int, set[int]] = defaultdict(set)
    rels: dict[int, list[Relation]] = defaultdict(list)
    for r in relations:
        root = int(label[r.parent])
        rels[root].append(r)
        members[root].update(c for c in (r.parent, *r.children) if status[c] != WITHDRAWN)
    return [(sorted(members[root]), rels[root]) for root in sorted(rels)]


class _GroupProblem:
    """One connected group: attacker LPs per cluster of hidden cells, and the master MILP."""

    def __init__(
        self,
        values: Sequence[int],
        status: Sequence[str],
        relations: Sequence[Relation],
        members: Sequence[int],
        min_cell: int,
        required_width: float,
        detail: Sequence[int],
    ) -> None:
        self.t = min_cell
        self.w = required_width
        self.cells = list(members)
        self.n = len(self.cells)
        col = {c: j for j, c in enumerate(self.cells)}
        self.a = np.array([values[c] for c in self.cells], dtype=float)
        self.primary = np.array([status[c] == PRIMARY for c in self.cells])
        self.candidates = np.array(
            [j for j, c in enumerate(self.cells) if status[c] == PUBLISHED], dtype=int
        )
        self.upper = float(self.a.sum())  # U: see the module docs
        max_detail = max(detail[c] for c in self.cells)
        self.cost = np.array(
            [
                cell_cost(values[self.cells[j]], detail[self.cells[j]], max_detail)
                for j in self.candidates
            ]
        )
        # Rows of the relations: parent - sum(children) = 0, or child - parent <= 0.
        self.rows: list[tuple[np.ndarray, np.ndarray, bool]] = []
        for r in relations:
            if r.equality:
                idx = [col[r.parent], *(col[c] for c in r.children)]
                self.rows.append((np.array(idx), np.array([1.0] + [-1.0] * len(r.children)), True))
            else:
                for c in r.children:
                    self.rows.append(
                        (np.array([col[c], col[r.parent]]), np.array([1.0, -1.0]), False)
                    )
        self.matrix = csr_matrix(
            (
                np.concatenate([coef for _, coef, _ in self.rows]) if self.rows else [],
                (
                    np.repeat(np.arange(len(self.rows)), [len(idx) for idx, _, _ in self.rows]),
                    np.concatenate([idx for idx, _, _ in self.rows]) if self.rows else [],
                ),
            ),
            shape=(len(self.rows), self.n),
        )
        self.inequality = np.array([not eq for _, _, eq in self.rows], dtype=bool)
        self.rows_of: list[list[int]] = [[] for _ in range(self.n)]
        for k, (row_cells, _, _) in enumerate(self.rows):
            for j in row_cells:
                self.rows_of[j].append(k)
        self.chosen: list[int] = []
        self.passed: set[frozenset[int]] = set()  # clusters of hidden cells known safe
        self.cuts: list[tuple[np.ndarray, float]] = []
        self._seed_cuts()

    # ---- attacker LPs ------------------------------------------------------------------
    def _bounds(self, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """l_j(x), u_j(x) for every cell: hidden cells [T, U], primaries [1, T-1], others a_j."""
        low = self.a.copy()
        high = self.a.copy()
        low[hidden] = float(self.t)
        high[hidden] = self.upper
        low[self.primary] = 1.0
        high[self.primary] = float(self.t - 1)
        return low, high

    def _clusters(self, hidden: np.ndarray) -> list[list[int]]:
        """Hidden cells linked through relations; a primary's range depends on its cluster only."""
        label = _linked(self.n, [[int(j) for j in idx if hidden[j]] for idx, _, _ in self.rows])
        groups: dict[int, list[int]] = defaultdict(list)
        for j in np.flatnonzero(hidden):
            groups[int(label[j])].append(int(j))
        return [g for g in groups.values() if any(self.primary[j] for j in g)]

    def _check(self, hidden: np.ndarray) -> list[tuple[np.ndarray, float]]:
        """Capacity inequalities that `hidden` violates, one per primary cell the attacker
        pins (none when the pattern is safe)."""
        low, high = self._bounds(hidden)
        cuts = []
        for cluster in self._clusters(hidden):
            key = frozenset(cluster)
            if key in self.passed:
                continue
            found = self._check_cluster(cluster, hidden, low, high)
            if found:
                cuts.extend(found)
            else:
                self.passed.add(key)
        return cuts

    def _check_cluster(
        self, cluster: list[int], hidden: np.ndarray, low: np.ndarray, high: np.ndarray
    ) -> list[tuple[np.ndarray, float]]:
        col = {j: k for k, j in enumerate(cluster)}
        row_ids = sorted({k for j in cluster for k in self.rows_of[j]})
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("presolve", "off")
        inf = highspy.kHighsInf
        m = len(cluster)
        h.addVars(m, low[cluster], high[cluster])
        for k in row_ids:
            idx, coef, eq = self.rows[k]
            inside = hidden[idx]
            rhs = -float(coef[~inside] @ self.a[idx[~inside]])  # published cells: constants
            cols = np.array([col[int(j)] for j in idx[inside]], dtype=np.int32)
            h.addRow(rhs if eq else -inf, rhs, len(cols), cols, coef[inside])
        everything = np.arange(m, dtype=np.int32)
        cuts = []
        for j in cluster:
            if not self.primary[j]:
                continue
            ends = []
            duals = []
            for sign in (-1.0, 1.0):  # min -y (the upper end), then min y (the lower end)
                cost = np.zeros(m)
                cost[col[j]] = sign
                h.changeColsCost(m, everything, cost)
                h.run()
                if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    raise RuntimeError(f"attacker LP: {h.modelStatusToString(h.getModelStatus())}")
                ends.append(float(h.getInfo().objective_function_value))
                duals.append(np.array(h.getSolution().row_dual, dtype=float))
            if -ends[0] - ends[1] >= self.w - TOLERANCE:
                continue
            cuts.append(self._cut(j, row_ids, duals))
        return cuts

    def _cut(
        self, cell: int, row_ids: list[int], duals: list[np.ndarray]
    ) -> tuple[np.ndarray, float]:
        """sum_k coef_k x_k >= rhs over the candidates, from the two LPs' dual solutions.

        For row duals pi (a "<=" row's dual is <= 0 in a minimisation), d = c - A^T pi over
        every cell of the rows, and D(x) = sum_j d+_j l_j(x) - d-_j u_j(x) is a lower bound
        of the LP's optimum for every pattern x (weak duality; every cell has finite bounds),
        equal to it for the pattern solved. Protection needs opt_up + opt_down <= -w, hence
        D_up(x) + D_down(x) <= -w: linear in x.
        """
        low0, high0 = self._bounds(np.zeros(self.n, dtype=bool))
        constant = 0.0
        coef = np.zeros(len(self.candidates))
        for sign, row_dual in zip((-1.0, 1.0), duals, strict=True):
            pi = np.zeros(len(self.rows))
            pi[row_ids] = row_dual
            pi[self.inequality] = np.minimum(pi[self.inequality], 0.0)
            d = -(self.matrix.T @ pi)
            d[cell] += sign
            pos = np.maximum(d, 0.0)
            neg = np.maximum(-d, 0.0)
            constant += float(pos @ low0 - neg @ high0)
            # Hiding candidate j moves l_j from a_j down to T and u_j from a_j up to U.
            cand = self.candidates
            coef += pos[cand] * (self.a[cand] - self.t) + neg[cand] * (self.upper - self.a[cand])
        rhs = constant + self.w
        # Coefficient strengthening for a covering row with binaries: no term needs to exceed rhs.
        return np.minimum(coef, rhs), rhs

    def _seed_cuts(self) -> None:
        """A primary cell alone among published cells of a sum is pinned: hide one more there."""
        position = {int(j): k for k, j in enumerate(self.candidates)}
        for idx, _, eq in self.rows:
            if not eq or sum(bool(self.primary[j]) for j in idx) != 1:
                continue
            others = [position[int(j)] for j in idx if int(j) in position]
            if others:
                coef = np.zeros(len(self.candidates))
                coef[others] = 1.0
                self.cuts.append((coef, 1.0))

    # ---- master MILP -------------------------------------------------------------------
    def _master(self, deadline: float) -> tuple[np.ndarray, bool] | None:
        """The cheapest pattern meeting every inequality found so far (None: no pattern within
        the time left, or none at all, which the caller treats as "not solved")."""
        m = len(self.candidates)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 1e-6)
        h.setOptionValue("time_limit", max(0.05, deadline - time.monotonic()))
        everything = np.arange(m, dtype=np.int32)
        h.addVars(m, np.zeros(m), np.ones(m))
        h.changeColsCost(m, everything, self.cost)
        h.changeColsIntegrality(m, everything, np.array([highspy.HighsVarType.kInteger] * m))
        inf = highspy.kHighsInf
        for coef, rhs in self.cuts:
            idx = np.flatnonzero(coef > 1e-12).astype(np.int32)
            h.addRow(rhs, inf, len(idx), idx, coef[idx])
        h.run()
        outcome = h.getModelStatus()
        if outcome == highspy.HighsModelStatus.kOptimal:
            exact = True
        elif outcome == highspy.HighsModelStatus.kTimeLimit and h.getInfo().primal_solution_status:
            exact = False
        else:
            return None
        return np.array(h.getSolution().col_value, dtype=float) > 0.5, exact

    def solve(self, deadline: float, max_rounds: int) -> GroupStats:
        """Cut loop: master pattern -> attacker LPs -> new inequalities, until none is violated.

        A pattern that passes every attacker LP is safe; it is optimal when the last master
        MILP was solved to optimality (the inequalities hold for every safe pattern, so the
        master's optimum is a lower bound of the true optimum, reached by a safe pattern).
        """
        stats = GroupStats(cells=self.n, primary=int(self.primary.sum()))
        x = np.zeros(len(self.candidates), dtype=bool)
        exact = True
        for _ in range(max_rounds):
            stats.rounds += 1
            if self.cuts:
                found = self._master(deadline)
                if found is None:
                    break
                x, exact = found
            hidden = self.primary.copy()
            hidden[self.candidates[x]] = True
            new = self._check(hidden)
            self.chosen = [self.cells[j] for j in self.candidates[x]]
            if not new:
                stats.safe = True
                stats.optimal = exact
                break
            self.cuts.extend(new)
            stats.cuts += len(new)
            if time.monotonic() > deadline:
                break
        stats.secondary = len(self.chosen)
        return stats
