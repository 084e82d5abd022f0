"""Properties that any correct log-linear MSE must have (hypothesis)."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tiphub.estimation import CaptureTable, ModelNotFittableError, fit_model, stepwise
from tiphub.estimation.intervals import profile, wald

from .data import DATASETS, table

counts = st.integers(min_value=1, max_value=5000)


@given(only_a=counts, only_b=counts, both=counts)
def test_two_lists_give_lincoln_petersen(only_a: int, only_b: int, both: int) -> None:
    """With two lists the Poisson MLE of N is Lincoln-Petersen, n1 n2 / m, exactly."""
    capture = CaptureTable.from_counts(["A", "B"], [(1, 0), (0, 1), (1, 1)], [only_a, only_b, both])
    n1, n2 = only_a + both, only_b + both
    fit = fit_model(capture)
    assert fit.total == pytest.approx(n1 * n2 / both, rel=1e-9)
    # The dark figure is n10 n01 / n11, and Chapman's estimator is its bias-corrected cousin:
    chapman = (n1 + 1) * (n2 + 1) / (both + 1) - 1
    assert chapman <= fit.total + 1e-9 or both == 0


@given(only_a=counts, only_b=counts)
def test_two_lists_without_overlap_have_no_estimate(only_a: int, only_b: int) -> None:
    capture = CaptureTable.from_counts(["A", "B"], [(1, 0), (0, 1)], [only_a, only_b])
    with pytest.raises(ModelNotFittableError) as raised:
        fit_model(capture)
    assert raised.value.existence.code == 1


def random_table(draw, k: int) -> CaptureTable:  # type: ignore[no-untyped-def]
    patterns = [tuple((c >> (k - 1 - i)) & 1 for i in range(k)) for c in range(1, 2**k)]
    values = draw(st.lists(st.integers(1, 400), min_size=len(patterns), max_size=len(patterns)))
    return CaptureTable.from_counts([f"L{i}" for i in range(k)], patterns, values)


@st.composite
def full_tables(draw) -> CaptureTable:  # type: ignore[no-untyped-def]
    return random_table(draw, draw(st.integers(3, 5)))


@settings(max_examples=40, deadline=None)
@given(capture=full_tables(), data=st.data())
def test_permuting_lists_does_not_change_the_estimate(capture: CaptureTable, data) -> None:  # type: ignore[no-untyped-def]
    order = data.draw(st.permutations(range(capture.n_lists)))
    permuted = CaptureTable.from_counts(
        [capture.lists[i] for i in order], capture.patterns[:, order], capture.counts
    )
    terms = data.draw(
        st.lists(st.sampled_from([capture.pair_name(p) for p in capture.design.pairs]), max_size=3)
    )
    for model in ((), capture.parse_terms(terms)):
        names = [capture.pair_name(p) for p in model]
        ours = fit_model(capture, model)
        theirs = fit_model(permuted, permuted.parse_terms(names))
        assert theirs.total == pytest.approx(ours.total, rel=1e-9)
        assert theirs.aic == pytest.approx(ours.aic, rel=1e-9)
        theirs_by_name = {canonical(n): v for n, v in theirs.coefficients().items()}
        for name, value in ours.coefficients().items():
            assert theirs_by_name[canonical(name)] == pytest.approx(value, rel=1e-7, abs=1e-9)


def canonical(name: str) -> str:
    return ":".join(sorted(name.split(":")))


@pytest.mark.parametrize("name", DATASETS)
def test_permuting_lists_keeps_the_stepwise_choice(name: str) -> None:
    capture = table(name)
    order = list(reversed(range(capture.n_lists)))
    permuted = CaptureTable.from_counts(
        [capture.lists[i] for i in order], capture.patterns[:, order], capture.counts
    )
    ours, theirs = stepwise(capture).fit, stepwise(permuted).fit
    assert sorted(map(canonical, theirs.terms)) == sorted(map(canonical, ours.terms))
    assert theirs.total == pytest.approx(ours.total, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(capture=full_tables(), factor=st.integers(2, 50))
def test_scaling_counts_scales_the_main_effects_estimate(
    capture: CaptureTable, factor: int
) -> None:
    scaled = capture.with_counts(capture.counts * factor)
    assert fit_model(scaled).dark_figure == pytest.approx(
        factor * fit_model(capture).dark_figure, rel=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(capture=full_tables())
def test_fitted_counts_add_up_to_the_observed(capture: CaptureTable) -> None:
    """Poisson ML with an intercept reproduces the total (and every list's total)."""
    fit = fit_model(capture)
    assert fit.fit.fitted.sum() == pytest.approx(capture.observed, rel=1e-10)
    on_lists = capture.design.cells[fit.cells].T @ fit.fit.fitted
    np.testing.assert_allclose(on_lists, list(capture.list_totals().values()), rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(capture=full_tables())
def test_intervals_contain_their_estimates(capture: CaptureTable) -> None:
    fit = fit_model(capture)
    w = wald(fit)
    assert capture.observed < w.low < fit.total < w.high
    p = profile(fit)
    assert capture.observed <= p.low <= p.details["multinomial_mle"]  # type: ignore[operator]
    assume(p.high is not None)
    assert p.details["multinomial_mle"] < p.high  # type: ignore[operator]
    assert p.details["multinomial_mle"] <= fit.total + 1e-6  # type: ignore[operator]


@settings(max_examples=30, deadline=None)
@given(capture=full_tables(), data=st.data())
def test_higher_threshold_never_selects_fewer_terms(capture: CaptureTable, data) -> None:  # type: ignore[no-untyped-def]
    """The stepwise path is the same whatever the threshold; a higher one only goes further."""
    low = data.draw(st.sampled_from([0.001, 0.01, 0.02]))
    high = data.draw(st.sampled_from([0.05, 0.1, 0.5]))
    small, large = stepwise(capture, low).fit.terms, stepwise(capture, high).fit.terms
    assert large[: len(small)] == small
