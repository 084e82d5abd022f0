"""One log-linear model fitted to a capture table, with SparseMSE's non-overlapping-pair rule.

log E[n_w] = mu + sum_i alpha_i w_i + sum_{(i,j) in M} beta_ij w_i w_j over the observable cells;
the dark figure is exp(mu), the fitted count of the unobservable all-zero cell.

A two-list term whose lists share no case has MLE beta_ij = -infinity. As SparseMSE
(Chan, Silverman and Vincent 2021) we fit that extended MLE exactly by deleting every cell on
both lists from the data and leaving the term out of the design; the term still counts as a
parameter, so the AIC gets +2 for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.stats import norm

from tiphub.estimation.existence import Existence, check_design
from tiphub.estimation.glm import PoissonFit, fit_poisson
from tiphub.estimation.table import CaptureTable

Pair = tuple[int, int]
INTERCEPT = "(Intercept)"


class ModelNotFittableError(ValueError):
    """The model's MLE does not exist or is not identifiable; `existence` says why."""

    def __init__(self, existence: Existence) -> None:
        super().__init__(existence.message)
        self.existence = existence


@dataclass(frozen=True, eq=False)
class ModelFit:
    """A fitted model: which terms, which cells, the Poisson fit, and what follows from it."""

    table: CaptureTable
    pairs: tuple[Pair, ...]  # every two-list term in the model, in the order added
    fitted_pairs: tuple[Pair, ...]  # those with a coefficient (the lists overlap)
    empty_pairs: tuple[Pair, ...]  # those handled by deleting cells (no overlap)
    cells: np.ndarray  # indices of the cells the model is fitted on
    xmat: np.ndarray
    y: np.ndarray
    fit: PoissonFit

    # -------------------------------------------------------------------------- quantities
    @property
    def intercept(self) -> float:
        return float(self.fit.coef[0])

    @property
    def intercept_se(self) -> float:
        return float(np.sqrt(self.fit.cov[0, 0]))

    @property
    def dark_figure(self) -> float:
        return float(np.exp(self.fit.coef[0]))

    @property
    def observed(self) -> int:
        return self.table.observed

    @property
    def total(self) -> float:
        return self.observed + self.dark_figure

    @property
    def deviance(self) -> float:
        return self.fit.deviance

    @property
    def df_resid(self) -> int:
        return len(self.y) - self.fit.n_params

    @property
    def aic(self) -> float:
        """R's Poisson AIC plus 2 per non-overlapping term (SparseMSE's adjusted AIC)."""
        return self.fit.aic + 2.0 * len(self.empty_pairs)

    @cached_property
    def names(self) -> list[str]:
        """Coefficient names as R: "(Intercept)", the list names, then "A:B" terms."""
        return [INTERCEPT, *self.table.lists, *map(self.table.pair_name, self.fitted_pairs)]

    @property
    def terms(self) -> list[str]:
        """Every two-list term in the model ("A:B"), non-overlapping ones included."""
        return [self.table.pair_name(p) for p in self.pairs]

    @property
    def empty_terms(self) -> list[str]:
        return [self.table.pair_name(p) for p in self.empty_pairs]

    def coefficients(self) -> dict[str, float]:
        return dict(zip(self.names, map(float, self.fit.coef), strict=True))

    def standard_errors(self) -> dict[str, float]:
        return dict(zip(self.names, map(float, np.sqrt(np.diag(self.fit.cov))), strict=True))

    def wald_pvalue(self, index: int) -> float:
        """Two-sided Wald p-value of coefficient `index` (R's summary.glm Pr(>|z|))."""
        variance = float(self.fit.cov[index, index])
        if not np.isfinite(variance) or variance <= 0:
            return 1.0
        return float(2.0 * norm.sf(abs(self.fit.coef[index]) / np.sqrt(variance)))

    def poisson_p_empty(self) -> dict[str, float]:
        """For each non-overlapping term: P(no case on both lists) under the fitted model."""
        coef = self.coefficients()
        lists = self.table.lists
        return {
            self.table.pair_name(p): float(
                np.exp(-np.exp(coef[INTERCEPT] + coef[lists[p[0]]] + coef[lists[p[1]]]))
            )
            for p in self.empty_pairs
        }

    def existence(self) -> Existence:
        return check_model(self.table, self.pairs)

    def model_label(self) -> str:
        return model_label(self.table, self.pairs)


# ----------------------------------------------------------------------------------- building
def model_cells(table: CaptureTable, pairs: tuple[Pair, ...]) -> tuple[np.ndarray, tuple, tuple]:
    """Cells kept, and the split of `pairs` into fitted and empty (non-overlapping) terms."""
    design = table.design
    overlaps = table.pair_overlaps
    keep = np.ones(len(design.cells), dtype=bool)
    fitted: list[Pair] = []
    empty: list[Pair] = []
    for pair in pairs:
        column = design.pairs.index(pair)
        if overlaps[column] == 0:
            empty.append(pair)
            keep &= design.pair_products[:, column] == 0
        else:
            fitted.append(pair)
    return np.flatnonzero(keep), tuple(fitted), tuple(empty)


def design_matrix(table: CaptureTable, cells: np.ndarray, fitted: tuple[Pair, ...]) -> np.ndarray:
    """Intercept, main effects and the fitted pairs' products, for the kept cells."""
    design = table.design
    columns = [0, *range(1, 1 + table.n_lists)]
    columns += [1 + table.n_lists + design.pairs.index(p) for p in fitted]
    return design.full_matrix[np.ix_(cells, columns)]


def model_label(table: CaptureTable, pairs: tuple[Pair, ...]) -> str:
    if not pairs:
        return "the main-effects model"
    return "the model with " + ", ".join(table.pair_name(p) for p in pairs)


def check_model(table: CaptureTable, pairs: tuple[Pair, ...]) -> Existence:
    """SparseMSE's `checkident` for the model with two-list terms `pairs`."""
    cells, fitted, _ = model_cells(table, pairs)
    xmat = design_matrix(table, cells, fitted)
    y = table.cell_counts[cells]
    design = table.design

    def labels() -> list[str]:  # only needed for the message of a failing model
        lists = table.lists
        return [
            "{" + ", ".join(n for n, b in zip(lists, design.cells[c], strict=True) if b) + "}"
            for c in cells
        ]

    all_pairs = len(pairs) == len(design.pairs)
    return check_design(
        xmat,
        y,
        cell_labels=labels,
        model_label=model_label(table, pairs),
        count_triples=table.count_triples() if all_pairs else None,
    )


def fit_model(
    table: CaptureTable,
    pairs: tuple[Pair, ...] = (),
    *,
    check: bool = True,
    start: np.ndarray | None = None,
) -> ModelFit:
    """Fit main effects plus the two-list terms `pairs` (SparseMSE `modelfit`).

    With `check` the existence and identifiability checks run first and a failing model raises
    `ModelNotFittableError`; without it (inside selection, which has checked already) it is fitted
    as R would, giving the extended-MLE limit if the MLE does not exist.
    """
    pairs = tuple(tuple(sorted(p)) for p in pairs)  # type: ignore[misc]
    if check:
        existence = check_model(table, pairs)
        if not existence.ok:
            raise ModelNotFittableError(existence)
    cells, fitted, empty = model_cells(table, pairs)
    xmat = design_matrix(table, cells, fitted)
    y = table.cell_counts[cells]
    return ModelFit(
        table=table,
        pairs=pairs,
        fitted_pairs=fitted,
        empty_pairs=empty,
        cells=cells,
        xmat=xmat,
        y=y,
        fit=fit_poisson(xmat, y, start),
    )


def extend_start(previous: ModelFit, fitted: tuple[Pair, ...]) -> np.ndarray:
    """Warm start for a bigger model: the previous coefficients, 0 for new terms."""
    k = previous.table.n_lists
    values = dict(zip(previous.fitted_pairs, previous.fit.coef[1 + k :], strict=True))
    head = previous.fit.coef[: 1 + k]
    return np.concatenate([head, [values.get(p, 0.0) for p in fitted]])
