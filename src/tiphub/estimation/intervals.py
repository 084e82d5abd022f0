"""Confidence intervals for the population total N = observed + dark figure.

* `wald`: SparseMSE `estimatepopulation.0`: normal on the log dark figure,
  N = n + exp(mu_hat +- z se(mu_hat)); conditional on the selected model.
* `profile`: Rcapture `closedpCI.t`: the multinomial profile likelihood of N (Cormack 1992),
  conditional on the selected model. Its maximiser is the multinomial MLE of N, a little below the
  Poisson estimate n + exp(mu_hat).
* `bootstrap`: SparseMSE `estimatepopulation`: BCa bootstrap over the whole selection procedure
  (see bootstrap.py); the only one of the three that reflects model-selection uncertainty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2, norm

from tiphub.estimation.glm import PoissonFit, fit_poisson
from tiphub.estimation.model import ModelFit

PROFILE_UPPER_FACTOR = 3.0  # Rcapture's fmaxSupCL: search the upper limit up to 3 x N_hat


@dataclass(frozen=True)
class Interval:
    """A confidence interval for the total; `high` is None when it is beyond the search range."""

    method: str
    level: float
    low: float
    high: float | None
    details: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"method": self.method, "level": self.level, "low": self.low, "high": self.high}


def wald(model: ModelFit, level: float = 0.95) -> Interval:
    """n + exp(mu_hat -+ z se(mu_hat)) (SparseMSE estimatepopulation.0)."""
    z = float(norm.ppf(0.5 + level / 2.0))
    mu, se = model.intercept, model.intercept_se
    return Interval(
        "wald",
        level,
        model.observed + math.exp(mu - z * se),
        model.observed + math.exp(mu + z * se),
        {"intercept": mu, "intercept_se": se},
    )


class _ProfileLikelihood:
    """Rcapture's multinomial profile log-likelihood of N for a fixed model.

    For a trial N the all-zero cell gets count n0 = N - n and the Poisson model (the same design,
    with a 0 row for the dark cell) is refitted on all cells; Cormack's correction turns the
    Poisson deviance into the multinomial profile log-likelihood (closedpCI.internal).
    """

    def __init__(self, model: ModelFit) -> None:
        self.n = float(model.observed)
        dark_row = np.zeros((1, model.xmat.shape[1]))
        dark_row[0, 0] = 1.0
        self.xmat = np.vstack([model.xmat, dark_row])
        self.y = np.append(model.y, 0.0)
        self.start = model.fit.coef.copy()

    def __call__(self, total: float) -> float:
        n0 = total - self.n
        y = self.y.copy()
        y[-1] = n0
        fit: PoissonFit = fit_poisson(self.xmat, y, self.start)
        if fit.converged:
            self.start = fit.coef
        nn0 = float(y.sum())
        if nn0 > 100:
            if n0 in (0.0, 1.0):
                correction = -nn0 + 0.5 * math.log(2 * math.pi * nn0)
            else:
                correction = n0 - nn0 - 0.5 * math.log(n0 / nn0)
        else:
            correction = _xlogx(n0) + float(gammaln(nn0 + 1)) - _xlogx(nn0) - float(gammaln(n0 + 1))
        return (fit.deviance - 2.0 * correction) / -2.0


def _xlogx(x: float) -> float:
    return 0.0 if x == 0 else x * math.log(x)


def profile(model: ModelFit, level: float = 0.95) -> Interval:
    """Multinomial profile-likelihood interval for N (Rcapture closedpCI.t).

    The limits solve loglik(N) = max - chi2_1(level) / 2 on (n, N_max) and (N_max, 3 N_hat);
    Rcapture finds them with optimize/uniroot at tolerance 1e-4, we to ~1e-9 relative. If the
    lower equation has no root the lower limit is n (as Rcapture); if the upper has none within
    3 N_hat, `high` is None (Rcapture prints ">3N").
    """
    loglik = _ProfileLikelihood(model)
    n = float(model.observed)
    upper_search = PROFILE_UPPER_FACTOR * model.total
    best = minimize_scalar(
        lambda total: -loglik(total),
        bounds=(n, upper_search),
        method="bounded",
        options={"xatol": 1e-10 * upper_search, "maxiter": 500},
    )
    n_max, l_max = float(best.x), float(-best.fun)
    target = l_max - float(chi2.ppf(level, 1)) / 2.0

    def excess(total: float) -> float:
        return loglik(total) - target

    tolerance: dict[str, float] = {"xtol": 1e-12, "rtol": 1e-12}
    low = brentq(excess, n, n_max, **tolerance) if excess(n) < 0 else n
    high: float | None
    high = brentq(excess, n_max, upper_search, **tolerance) if excess(upper_search) < 0 else None
    return Interval(
        "profile",
        level,
        float(low),
        None if high is None else float(high),
        {"multinomial_mle": n_max, "upper_search_limit": upper_search},
    )
