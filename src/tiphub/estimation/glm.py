"""Poisson log-linear maximum likelihood by Newton's method (IRLS with the canonical log link).

R's `glm` stops when the relative change in deviance is below 1e-8, which leaves the intercept
(and so the dark figure) accurate to about 1e-8. We iterate until the Newton step is below 1e-10
(relative), i.e. to the maximum likelihood estimate itself up to rounding; the difference from R
is then R's own convergence error.

Where the MLE does not exist (some fitted cells must be zero), Newton steps run off to infinity
along the recession direction while the deviance converges; the loop then stops on the deviance
and reports `converged=False` rather than raising, so that callers (stepwise selection inside a
bootstrap) get the extended-MLE limit just as R's glm does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, xlogy

STEP_TOLERANCE = 1e-10
MAX_ITERATIONS = 100


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson log-linear model: coefficients, inverse information, fit statistics."""

    coef: np.ndarray
    cov: np.ndarray  # inverse Fisher information (X' W X)^-1, R's cov.unscaled
    fitted: np.ndarray  # expected counts mu
    linear: np.ndarray  # linear predictor eta = X beta
    deviance: float
    loglik: float  # full Poisson log-likelihood, log(y!) included (R's logLik)
    iterations: int
    converged: bool

    @property
    def n_params(self) -> int:
        return len(self.coef)

    @property
    def aic(self) -> float:
        """R's Poisson AIC: -2 log-likelihood + 2 x number of parameters."""
        return -2.0 * self.loglik + 2.0 * self.n_params


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    return float(2.0 * np.sum(xlogy(y, y / np.where(mu > 0, mu, 1.0)) - (y - mu)))


def poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    return float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1.0)))


def fit_poisson(
    xmat: np.ndarray,
    y: np.ndarray,
    start: np.ndarray | None = None,
    *,
    max_iterations: int = MAX_ITERATIONS,
) -> PoissonFit:
    """Maximum likelihood for log E[y] = X beta (X = `xmat`) (y Poisson), by Newton/IRLS.

    `start` is a warm start for beta (e.g. the previous model's coefficients padded with zeros);
    without it the iteration starts, like R's glm, from mu = y + 0.1.
    """
    if start is None:
        eta = np.log(y + 0.1)
        mu = y + 0.1
    else:
        eta = xmat @ start
        mu = np.exp(eta)
    beta = np.zeros(xmat.shape[1]) if start is None else np.asarray(start, dtype=float)
    # deviance = 2 sum(y log y - y - (y eta - mu)); the first two terms are constant.
    constant = float(np.sum(xlogy(y, y) - y))

    def deviance_at(eta: np.ndarray, mu: np.ndarray) -> float:
        return 2.0 * (constant - float(y @ eta) + float(mu.sum()))

    deviance_old = np.inf if start is None else deviance_at(eta, mu)
    converged = False
    iteration = 0
    information = np.eye(xmat.shape[1])
    for iteration in range(1, max_iterations + 1):
        weighted = xmat * mu[:, None]
        information = xmat.T @ weighted
        score = xmat.T @ (y - mu)
        if start is None and iteration == 1:
            # First step as R: weighted least squares on the working response from mu = y + 0.1.
            z = eta + (y - mu) / mu
            new_beta = _solve(information, weighted.T @ z)
        else:
            new_beta = beta + _solve(information, score)
        first_from_mu = start is None and iteration == 1
        step = np.inf if first_from_mu else float(np.max(np.abs(new_beta - beta)))
        eta = xmat @ new_beta
        mu = np.exp(eta)
        deviance = deviance_at(eta, mu)
        halvings = 0
        allowed = deviance_old + 1e-9 * (abs(deviance_old) + 1.0)
        while not first_from_mu and not deviance <= allowed and halvings < 30:
            # Newton overshot (possible from a warm start far from the optimum): step-halve.
            new_beta = (beta + new_beta) / 2.0
            eta = xmat @ new_beta
            mu = np.exp(eta)
            deviance = deviance_at(eta, mu)
            halvings += 1
        beta = new_beta
        change = abs(deviance - deviance_old) / (abs(deviance) + 0.1)
        deviance_old = deviance
        if step < STEP_TOLERANCE * (1.0 + np.max(np.abs(beta))):
            # Newton converges quadratically: a step this small leaves an error of its square.
            converged = True
            break
        if change < 1e-15 and iteration > 5 and mu.min() < 1e-8 * max(1.0, float(y.max())):
            # Deviance no longer moves while some fitted cells vanish: the extended MLE, where a
            # coefficient runs to -infinity and Newton steps stay long. Stop at its limit.
            break
    weighted = xmat * mu[:, None]
    information = xmat.T @ weighted
    cov = _inverse(information)
    return PoissonFit(
        coef=beta,
        cov=cov,
        fitted=mu,
        linear=eta,
        deviance=poisson_deviance(y, mu),
        loglik=poisson_loglik(y, mu),
        iterations=iteration,
        converged=converged,
    )


def _solve(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(matrix, vector)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(matrix, vector, rcond=None)[0]


def _inverse(matrix: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(matrix)
