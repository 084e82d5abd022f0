"""The synthetic country's capture process is one that log-linear MSE can recover.

The linkage and estimation stages check their pipeline against the truth; this test checks the
generator itself: on the true capture histories of 20 seeded countries, the Poisson log-linear
model with all two-list interactions (Fienberg 1972; Cormack 1989) gives a 95% interval (Wald, on
the log of the unobserved cell) that covers the true N in at least 18 of 20 countries.
"""

import itertools

import numpy as np
import pytest
import statsmodels.api as sm

from tiphub.standard.synth import SynthConfig, generate_country

N_VICTIMS = 1500
SEEDS = range(1, 21)


def two_way_estimate(histories: np.ndarray) -> tuple[float, float, float]:
    """(estimate, lower, upper) of N from persons x lists 0/1 capture histories."""
    n_lists = histories.shape[1]
    patterns = list(itertools.product((0, 1), repeat=n_lists))[1:]
    observed = histories[histories.any(axis=1)].astype(int)
    counts = dict.fromkeys(patterns, 0)
    for row in map(tuple, observed):
        counts[row] += 1
    pairs = list(itertools.combinations(range(n_lists), 2))
    design = np.array([[1, *p, *(p[i] * p[j] for i, j in pairs)] for p in patterns], dtype=float)
    fit = sm.GLM(
        np.array([counts[p] for p in patterns]), design, family=sm.families.Poisson()
    ).fit()
    intercept, se = fit.params[0], fit.bse[0]
    n = len(observed)
    return (
        n + np.exp(intercept),
        n + np.exp(intercept - 1.96 * se),
        n + np.exp(intercept + 1.96 * se),
    )


@pytest.mark.slow
def test_two_list_interaction_model_covers_the_true_number_of_victims() -> None:
    covered = 0
    estimates = []
    for seed in SEEDS:
        country = generate_country(SynthConfig(victims=N_VICTIMS, seed=seed))
        histories = np.column_stack([country.captures[a.code] for a in country.agencies])
        estimate, lower, upper = two_way_estimate(histories)
        covered += lower <= N_VICTIMS <= upper
        estimates.append(estimate)
        assert country.observed < 0.75 * N_VICTIMS  # a real hidden figure to estimate
    assert covered >= 18
    assert abs(np.mean(estimates) / N_VICTIMS - 1) < 0.1
