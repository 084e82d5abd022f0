"""The BCa bootstrap: same procedure as SparseMSE's estimatepopulation, replicate by replicate.

R's random numbers cannot be reproduced from Python, so R was run on tables we drew
(bench/mse_replicates_reference.R): its estimates, jackknife acceleration and BCa limits on those
very tables must equal ours. The statistical agreement of independent runs (different random
numbers) with R's published intervals is measured in bench/ (bench/RESULTS.md).
"""

import json

import numpy as np
import pytest

from tiphub.estimation import MSE, Procedure
from tiphub.estimation.bootstrap import run_bootstrap

from .data import DATA, reference_public, table

# Western_low: the 40 lowest of 5,000 Western replicates, where the BCa lower limit is decided.
REPLICATED = ["Western", "Western_low", "Korea", "NewOrl_5", "UKdat"]


@pytest.mark.parametrize("name", REPLICATED)
def test_bootstrap_equals_r_on_the_same_tables(name: str) -> None:
    samples = np.loadtxt(DATA / f"replicates_{name}.csv", delimiter=",", dtype=int, ndmin=2)
    ref = json.loads((DATA / f"replicates_{name}_r.json").read_text())
    dataset = name.removesuffix("_low")
    result = run_bootstrap(table(dataset), Procedure("stepwise", 0.02), samples=samples, n_jobs=1)
    np.testing.assert_allclose(result.replicates, ref["estimates"], rtol=1e-6)
    assert result.estimate == pytest.approx(ref["popest"], rel=1e-9)
    assert result.acceleration == pytest.approx(ref["ahat"], rel=1e-6)
    if name != "Western_low":  # a tail alone has no meaningful BCa limits (R gives NA)
        limits = list(result.quantiles(ref["alpha"]).values())
        np.testing.assert_allclose(limits, ref["bca"], rtol=1e-6)


@pytest.mark.parametrize("name", ["Western", "Korea"])
def test_jackknife_acceleration_equals_published_run(name: str) -> None:
    """The jackknife is deterministic, so R's full 1000-replicate run gives it exactly."""
    ref = reference_public()["bootstrap_bca"][name]
    result = run_bootstrap(table(name), Procedure("stepwise", 0.02), reps=2, seed=0, n_jobs=1)
    assert result.acceleration == pytest.approx(ref["ahat"], rel=1e-6)
    assert result.estimate == pytest.approx(ref["popest"], rel=1e-9)


def test_seeded_bootstrap_is_reproducible_and_independent_of_workers() -> None:
    capture = table("Korea")
    one = MSE(ci="bootstrap", reps=60, seed=11, n_jobs=1).fit(capture)
    again = MSE(ci="bootstrap", reps=60, seed=11, n_jobs=1).fit(capture)
    parallel = MSE(ci="bootstrap", reps=60, seed=11, n_jobs=2).fit(capture)
    assert one.bootstrap is not None
    assert parallel.bootstrap is not None
    np.testing.assert_array_equal(one.bootstrap.replicates, parallel.bootstrap.replicates)
    assert (one.ci.low, one.ci.high) == (again.ci.low, again.ci.high)
    assert (one.ci.low, one.ci.high) == (parallel.ci.low, parallel.ci.high)
    other = MSE(ci="bootstrap", reps=60, seed=12, n_jobs=1).fit(capture)
    assert other.bootstrap is not None
    assert not np.array_equal(other.bootstrap.replicates, one.bootstrap.replicates)


def test_progress_is_reported_to_the_end() -> None:
    seen: list[tuple[int, int]] = []
    MSE(ci="bootstrap", reps=30, seed=1, n_jobs=1, progress=lambda d, t: seen.append((d, t))).fit(
        table("Korea")
    )
    assert seen[-1][0] == seen[-1][1] == 30 + 6  # replicates + jackknife over 6 patterns
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_bootstrap_interval_contains_estimate_and_is_a_bca_interval() -> None:
    results = MSE(ci="bootstrap", reps=200, seed=3, n_jobs=1).fit(table("Western"))
    assert results.ci.method == "bootstrap"
    assert results.ci.low < results.total < results.ci.high  # type: ignore[operator]
    assert results.ci.details["reps"] == 200
    assert results.bootstrap is not None
    wider = results.total_conf_int(level=0.99)
    assert wider.low <= results.ci.low
    assert wider.high >= results.ci.high
