"""tiphub against R on all 14 datasets (reference_r.json, made by bench/mse_reference.R with
SparseMSE 2.0.1 on R 4.2.2): point estimates, coefficients, deviance, AIC, selected terms and
checkident codes to <= 1e-6 relative; profile limits to R's own root-finding tolerance."""

import pytest

from tiphub.estimation import CaptureTable, check_model, fit_model, stepwise
from tiphub.estimation.intervals import profile, wald
from tiphub.estimation.selection import aic_forward

from .data import DATASETS, as_list, reference_public, reference_r, rel, table

TOLERANCE = 1e-6
THRESHOLDS = reference_r()["thresholds"]


def assert_fit_matches(fit, ref, context: str) -> None:
    coefficients = fit.coefficients()
    assert set(coefficients) == set(ref["coefficients"]), context
    for name, value in ref["coefficients"].items():
        assert rel(coefficients[name], value) <= TOLERANCE, (context, name)
    assert rel(fit.dark_figure, ref["dark_figure"]) <= TOLERANCE, context
    assert rel(fit.total, ref["total"]) <= TOLERANCE, context
    assert rel(fit.aic, ref["aic"]) <= TOLERANCE, context
    assert abs(fit.deviance - ref["deviance"]) <= TOLERANCE * max(ref["deviance"], 1.0), context
    assert fit.df_resid == ref["df_residual"], context


@pytest.mark.parametrize("name", DATASETS)
def test_main_effects_equal_r(name: str) -> None:
    ref = reference_r()["datasets"][name]["main"]
    fit = fit_model(table(name))
    assert_fit_matches(fit, ref, f"{name} main")
    assert len(fit.cells) == ref["n_cells_fitted"]
    interval = wald(fit, 0.95)
    assert rel(interval.low, ref["wald"]["0.025"]) <= 1e-4
    assert rel(interval.high, ref["wald"]["0.975"]) <= 1e-4


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_stepwise_equals_r(name: str, threshold: float) -> None:
    ref = reference_r()["datasets"][name]["stepwise"][format_threshold(threshold)]
    fit = stepwise(table(name), threshold).fit
    assert sorted(fit.terms) == sorted(as_list(ref["terms"]))
    assert sorted(fit.empty_terms) == sorted(as_list(ref["empty_terms"]))
    assert_fit_matches(fit, ref, f"{name} stepwise {threshold}")
    for term, p in (ref["poisson_p_empty"] or {}).items():
        assert fit.poisson_p_empty()[term] == pytest.approx(p, rel=1e-6, abs=1e-300)


def format_threshold(value: float) -> str:
    """R's format() of the thresholds, as used for the JSON keys."""
    return {0: "0", 1: "1"}.get(value, f"{value:g}")


@pytest.mark.parametrize("name", DATASETS)
def test_differences_are_rs_convergence_error(name: str) -> None:
    """Against R refitted with glm epsilon 1e-14 the agreement is far tighter still."""
    tight = reference_r()["datasets"][name]["main"]["tight"]
    fit = fit_model(table(name))
    assert rel(fit.dark_figure, tight["dark_figure"]) <= 1e-9
    assert rel(fit.intercept_se, tight["intercept_se"]) <= 1e-7


@pytest.mark.parametrize("name", DATASETS)
def test_checkident_codes_equal_r(name: str) -> None:
    capture = table(name)
    pairs = capture.design.pairs
    for key, code in reference_r()["datasets"][name]["checkident"].items():
        if key == "main_effects":
            model = ()
        elif key == "all_pairs":
            model = pairs
        elif key.startswith("only "):
            model = capture.parse_terms([key.removeprefix("only ")])
        else:
            left_out = capture.parse_terms([key.removeprefix("all but ")])[0]
            model = tuple(p for p in pairs if p != left_out)
        assert check_model(capture, model).code == code, (name, key)


@pytest.mark.parametrize("name", DATASETS)
def test_aic_forward_selection_equals_r(name: str) -> None:
    ref = reference_r()["datasets"][name]["aic_bhs"]
    fit = aic_forward(table(name), 0.05).fit
    assert sorted(fit.terms) == sorted(as_list(ref["terms"]))
    assert rel(fit.total, ref["total"]) <= TOLERANCE
    assert rel(fit.aic, ref["aic"]) <= TOLERANCE


@pytest.mark.parametrize("name", DATASETS)
def test_profile_interval_equals_rcapture_algorithm(name: str) -> None:
    """R finds the limits with uniroot(tol = 1e-4); we solve them to ~1e-12."""
    ref = reference_r()["datasets"][name]["profile"]
    capture = table(name)
    for key, fit in (("main", fit_model(capture)), ("stepwise_0.02", stepwise(capture).fit)):
        interval = profile(fit)
        expected = ref[key]
        assert abs(interval.low - expected["low"]) <= 1e-3, (name, key)
        # R maximises with optimize() on glm deviances converged to 1e-8: good to ~1e-6 relative.
        assert rel(interval.details["multinomial_mle"], expected["multinomial_mle"]) <= 1e-6
        if expected["high"] is None:
            assert interval.high is None
        else:
            assert interval.high is not None
            assert abs(interval.high - expected["high"]) <= 1e-3, (name, key)


@pytest.mark.parametrize("name", sorted(reference_public()["datasets"]))
def test_public_reference_from_sparsemse_and_rcapture(name: str) -> None:
    """The research team's independent run: SparseMSE and the real Rcapture closedpCI.t."""
    ref = reference_public()["datasets"][name]
    capture = table(name)
    assert capture.observed == ref["observed_total"]
    assert capture.list_totals() == ref["list_totals"]
    assert capture.overlaps() == ref["pair_overlaps"]
    assert capture.count_triples() == ref["count_triples"]
    assert check_model(capture, ()).code == ref["checkident"]["main_effects"]
    assert check_model(capture, capture.design.pairs).code == ref["checkident"]["all_two_way"]
    main = fit_model(capture)
    assert rel(main.total, ref["sparsemse_main"]["total_estimate"]) <= TOLERANCE
    for key, step in ref["sparsemse_stepwise"].items():
        fit = stepwise(capture, step["pthresh"]).fit
        assert sorted(fit.terms) == sorted(as_list(step["selected_two_list_terms"])), key
        assert rel(fit.total, step["total_estimate"]) <= TOLERANCE
        assert rel(fit.aic, step["aic_adjusted"]) <= TOLERANCE
    rcapture = ref["rcapture_closedpCI_t_independence"]["CI"]
    interval = profile(main)
    assert interval.low == pytest.approx(rcapture["infCL"], abs=1e-3)
    assert interval.high == pytest.approx(rcapture["supCL"], abs=1e-3)
    assert interval.details["multinomial_mle"] == pytest.approx(rcapture["abundance"], abs=1e-2)


def test_korea_all_pairs_model_does_not_exist() -> None:
    capture = table("Korea")
    existence = check_model(capture, capture.design.pairs)
    assert existence.code == 1
    assert "does not exist" in existence.message
    assert existence.zero_cells == ("{c, d}",)


def test_artificial_3_all_pairs_model_is_not_identifiable() -> None:
    capture = table("Artificial_3")
    existence = check_model(capture, capture.design.pairs)
    assert existence.code == 2
    assert "not identifiable" in existence.message
    assert "count_triples = 0" in existence.message


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (["A:B"], 1),
        (["A:B", "A:C"], 1),
        (["A:B", "B:C"], 1),
        (["A:C"], 0),
        (["B:C"], 0),
        (["A:C", "B:C"], 0),
        ([], 0),
    ],
)
def test_artificial_3_models_as_documented(terms: list[str], code: int) -> None:
    """SparseMSE's documentation of Artificial_3 (Chan, Silverman and Vincent 2021, table 2)."""
    capture: CaptureTable = table("Artificial_3")
    assert check_model(capture, capture.parse_terms(terms)).code == code
