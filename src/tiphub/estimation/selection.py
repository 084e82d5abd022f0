"""Model selection: SparseMSE's stepwise rule and the AIC forward selection of Bales, Hesketh and
Silverman (BHS 2015, the UK 10,000-13,000 estimate; modslavmse `MSEfit`).

Both add one two-list term at a time, starting from main effects, candidates in R's pair order
(1,2),(1,3),...,(1,k),(2,3),...; ties go to the first candidate in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import pdtr, pdtrc

from tiphub.estimation.model import (
    ModelFit,
    Pair,
    check_model,
    extend_start,
    fit_model,
    model_cells,
)
from tiphub.estimation.table import CaptureTable

DEFAULT_STEPWISE_PTHRESH = 0.02
DEFAULT_AIC_PTHRESH = 0.05


@dataclass(frozen=True)
class Step:
    """One cycle of a selection: what each candidate scored and what was added (if anything)."""

    candidates: dict[str, float]  # term -> p-value (stepwise) or AIC (aic)
    failed_checks: tuple[str, ...] = ()  # candidates whose model fails checkident (p set to 1)
    added: str | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "candidates": self.candidates,
            "failed_checks": list(self.failed_checks),
            "added": self.added,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Selection:
    """The selected model and the path that led to it."""

    fit: ModelFit
    steps: list[Step] = field(default_factory=list)


def stepwise(table: CaptureTable, pthresh: float = DEFAULT_STEPWISE_PTHRESH) -> Selection:
    """SparseMSE `stepwisefit`: add the term with the smallest one-sided Poisson p-value.

    For a candidate pair (i, j) not in the model, N* = count observed on both lists and
    lambda = its expectation under the current model; p = min(P(X <= N*), P(X >= N*)) for
    X ~ Poisson(lambda), not doubled. A candidate whose model would fail the existence or
    identifiability check gets p = 1. Stop when the smallest p is >= pthresh; pthresh = 0 gives
    main effects and pthresh = 1 the all-pairs model if it passes the checks.
    """
    pairs_all = table.design.pairs
    if pthresh == 1 and check_model(table, pairs_all).ok:
        return Selection(fit_model(table, pairs_all, check=False))
    current = fit_model(table, (), check=False)
    if pthresh == 0:
        return Selection(current)
    nstar = table.pair_overlaps
    products = table.design.pair_products
    included = np.zeros(len(pairs_all), dtype=bool)
    steps: list[Step] = []
    for _ in range(len(pairs_all)):
        # Expected overlap of every pair under the current model, over the fitted cells.
        lam = current.fit.fitted @ products[current.cells]
        # P(X <= N*) and P(X >= N*) = P(X > N* - 1), with P(X >= 0) = 1 (R's ppois values).
        upper = np.where(nstar > 0, pdtrc(np.maximum(nstar - 1, 0), lam), 1.0)
        pvalues = np.minimum(pdtr(nstar, lam), upper)
        pvalues[included] = 1.0
        candidates = [c for c in range(len(pairs_all)) if not included[c]]
        # The check only matters for candidates that could win: test them best first.
        chosen = None
        failed: list[str] = []
        for c in sorted(candidates, key=lambda c: (pvalues[c], c)):
            if pvalues[c] >= pthresh:
                break
            if check_model(table, (*current.pairs, pairs_all[c])).ok:
                chosen = c
                break
            failed.append(table.pair_name(pairs_all[c]))
        scores = {table.pair_name(pairs_all[c]): float(pvalues[c]) for c in candidates}
        for name in failed:
            scores[name] = 1.0
        if chosen is None:
            steps.append(Step(scores, tuple(failed), None, f"no p-value below {pthresh}"))
            return Selection(current, steps)
        pair = pairs_all[chosen]
        new_pairs = (*current.pairs, pair)
        _, fitted, _ = model_cells(table, new_pairs)
        current = fit_model(table, new_pairs, check=False, start=extend_start(current, fitted))
        included[chosen] = True
        steps.append(
            Step(scores, tuple(failed), table.pair_name(pair), f"p = {pvalues[chosen]:.3g}")
        )
    return Selection(current, steps)


def aic_forward(table: CaptureTable, pthresh: float = DEFAULT_AIC_PTHRESH) -> Selection:
    """Bales-Hesketh-Silverman forward selection (modslavmse `MSEfit`).

    Each cycle fits every model with one more two-list term; if none lowers the AIC, stop.
    Otherwise take the lowest AIC, and keep it only if the new term's two-sided Wald p-value is
    <= pthresh (else stop with the previous model). A term whose lists do not overlap has an
    estimate of minus infinity with no finite standard error; its p-value is taken as 1, which is
    what R's glm gives (a huge negative coefficient with a huger standard error); the same holds
    when the new model's MLE does not exist (checked with `check_model`).
    """
    pairs_all = table.design.pairs
    current = fit_model(table, (), check=False)
    included = np.zeros(len(pairs_all), dtype=bool)
    steps: list[Step] = []
    for _ in range(len(pairs_all)):
        aics = np.full(len(pairs_all), current.aic)
        fits: dict[int, ModelFit] = {}
        for c in range(len(pairs_all)):
            if included[c]:
                continue
            new_pairs = (*current.pairs, pairs_all[c])
            _, fitted, _ = model_cells(table, new_pairs)
            fits[c] = fit_model(table, new_pairs, check=False, start=extend_start(current, fitted))
            aics[c] = fits[c].aic
        scores = {table.pair_name(pairs_all[c]): float(aics[c]) for c in fits}
        best = float(aics.min())
        if best >= current.aic:
            steps.append(Step(scores, (), None, "no term lowers the AIC"))
            return Selection(current, steps)
        chosen = int(np.flatnonzero(aics == best)[0])
        candidate = fits[chosen]
        pair = pairs_all[chosen]
        if pair in candidate.fitted_pairs and candidate.existence().ok:
            pvalue = candidate.wald_pvalue(1 + table.n_lists + candidate.fitted_pairs.index(pair))
        else:
            # No finite estimate (non-overlapping lists, or a model whose MLE does not exist):
            # R's glm returns a diverging coefficient whose Wald p-value is ~1.
            pvalue = 1.0
        name = table.pair_name(pair)
        if pvalue > pthresh:
            reason = f"best term {name} has Wald p = {pvalue:.3g} > {pthresh}"
            steps.append(Step(scores, (), None, reason))
            return Selection(current, steps)
        steps.append(Step(scores, (), name, f"AIC {best:.4f}, Wald p = {pvalue:.3g}"))
        current = candidate
        included[chosen] = True
    return Selection(current, steps)


def fixed(table: CaptureTable, pairs: tuple[Pair, ...]) -> Selection:
    """A model given by the analyst (checked: raises ModelNotFittableError with the reason)."""
    return Selection(fit_model(table, pairs, check=True))


Selector = Callable[[CaptureTable], Selection]


METHODS = ("main", "stepwise", "aic", "fixed")


@dataclass(frozen=True)
class Procedure:
    """A model-selection procedure as data (picklable, so bootstrap workers can re-run it).

    `method`: "main" (main effects), "stepwise" (SparseMSE, `pthresh` default 0.02), "aic"
    (Bales-Hesketh-Silverman, `pthresh` default 0.05) or "fixed" (the two-list `terms` given,
    e.g. ("A:B", "B:C"), or "all").
    """

    method: str = "stepwise"
    pthresh: float | None = None
    terms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; use one of {', '.join(METHODS)}")
        if self.pthresh is not None and not 0 <= self.pthresh <= 1:
            raise ValueError(f"pthresh must be between 0 and 1, not {self.pthresh}")
        if self.method == "fixed" and not self.terms:
            raise ValueError('method "fixed" needs terms such as ("A:B",) or ("all",)')

    @property
    def threshold(self) -> float | None:
        if self.method == "stepwise":
            return DEFAULT_STEPWISE_PTHRESH if self.pthresh is None else self.pthresh
        if self.method == "aic":
            return DEFAULT_AIC_PTHRESH if self.pthresh is None else self.pthresh
        return None

    def pairs(self, table: CaptureTable) -> tuple[Pair, ...]:
        if self.terms == ("all",):
            return table.design.pairs
        return table.parse_terms(self.terms)

    def select(self, table: CaptureTable) -> Selection:
        if self.method == "stepwise":
            return stepwise(table, self.threshold)  # type: ignore[arg-type]
        if self.method == "aic":
            return aic_forward(table, self.threshold)  # type: ignore[arg-type]
        if self.method == "fixed":
            return fixed(table, self.pairs(table))
        return fixed(table, ())

    def total(self, table: CaptureTable) -> float:
        """The population estimate this procedure gives on `table` (bootstrap statistic).

        Inside the bootstrap a fixed model is fitted without the checks, as SparseMSE does.
        """
        if self.method in ("fixed", "main"):
            pairs = self.pairs(table) if self.method == "fixed" else ()
            return fit_model(table, pairs, check=False).total
        return self.select(table).fit.total

    def describe(self) -> str:
        if self.method == "stepwise":
            return f"SparseMSE stepwise selection, p threshold {self.threshold}"
        if self.method == "aic":
            return f"AIC forward selection (Bales-Hesketh-Silverman), p threshold {self.threshold}"
        if self.method == "fixed":
            return "fixed model: " + ", ".join(self.terms)
        return "main effects (independence) model"
