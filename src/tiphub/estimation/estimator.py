"""The estimator: configured in its constructor, `fit(table)` returns `MSEResults` (statsmodels and
scikit-learn style, no hidden state).

    >>> from tiphub.estimation import MSE, CaptureTable
    >>> table = CaptureTable.from_csv("tests/data/mse/UKdat.csv")
    >>> results = MSE(method="stepwise", pthresh=0.02, ci="profile").fit(table)
    >>> print(results.summary())
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tiphub.estimation.bootstrap import ProgressCallback, bca
from tiphub.estimation.intervals import profile, wald
from tiphub.estimation.model import ModelNotFittableError
from tiphub.estimation.results import MSEResults
from tiphub.estimation.selection import Procedure
from tiphub.estimation.table import CaptureTable

CI_METHODS = ("wald", "profile", "bootstrap")


@dataclass(frozen=True)
class MSE:
    """Multiple systems estimation of a hidden population from overlapping lists.

    method: "stepwise" (SparseMSE, default), "aic" (Bales-Hesketh-Silverman), "main" (main
        effects) or "fixed" (with `terms`, e.g. ("A:B", "C:D"), or ("all",) for every pair).
    pthresh: selection threshold (default 0.02 for stepwise, 0.05 for aic).
    ci: "wald" (log dark figure), "profile" (Rcapture multinomial profile likelihood) or
        "bootstrap" (BCa over the whole selection; `reps`, `seed`, `n_jobs`, `progress`).
    level: confidence level of the interval.
    """

    method: str = "stepwise"
    pthresh: float | None = None
    terms: Sequence[str] = ()
    ci: str = "wald"
    level: float = 0.95
    reps: int = 1000
    seed: int | None = None
    n_jobs: int | None = None
    progress: ProgressCallback | None = None

    def __post_init__(self) -> None:
        if self.ci not in CI_METHODS:
            raise ValueError(f"unknown interval {self.ci!r}; use one of {', '.join(CI_METHODS)}")
        if not 0 < self.level < 1:
            raise ValueError(f"level must be between 0 and 1, not {self.level}")
        if self.ci == "bootstrap" and self.reps < 2:
            raise ValueError("the bootstrap needs at least 2 replicates")
        self.procedure  # validates method, pthresh and terms  # noqa: B018

    @property
    def procedure(self) -> Procedure:
        return Procedure(self.method, self.pthresh, tuple(self.terms))

    def fit(self, table: CaptureTable) -> MSEResults:
        """Select and fit the model, check it, and make the interval.

        Raises `ModelNotFittableError` (with the reason in words) when the selected or given
        model's MLE does not exist or is not identifiable.
        """
        procedure = self.procedure
        selection = procedure.select(table)
        existence = selection.fit.existence()
        if not existence.ok:
            raise ModelNotFittableError(existence)
        notes: list[str] = []
        if not selection.fit.fit.converged:
            notes.append("The Newton iterations did not reach full convergence.")
        bootstrap = None
        if self.ci == "wald":
            interval = wald(selection.fit, self.level)
        elif self.ci == "profile":
            interval = profile(selection.fit, self.level)
        else:
            interval, bootstrap = bca(
                table,
                procedure,
                level=self.level,
                reps=self.reps,
                seed=self.seed,
                n_jobs=self.n_jobs,
                progress=self.progress,
            )
            if bootstrap.failed:
                notes.append(f"{bootstrap.failed} bootstrap replicate(s) could not be fitted.")
        if interval.high is None:
            notes.append(
                "The upper profile limit lies beyond 3 x the estimate: the data hardly bound "
                "the population from above."
            )
        return MSEResults(
            table=table,
            procedure=procedure,
            selection=selection,
            existence=existence,
            ci=interval,
            bootstrap=bootstrap,
            notes=tuple(notes),
        )
