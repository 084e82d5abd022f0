"""The results object: statsmodels-like views, JSON, the summary and the sensitivity plot."""

import json
from pathlib import Path

import pandas as pd
import pytest

from tiphub.estimation import MSE, ModelNotFittableError

from .data import reference_public, table


def test_results_for_ukdat_stepwise() -> None:
    ref = reference_public()["datasets"]["UKdat"]["sparsemse_stepwise"]["p0.02"]
    results = MSE().fit(table("UKdat"))
    assert results.total == pytest.approx(ref["total_estimate"], rel=1e-9)
    assert results.ci.method == "wald"
    assert results.ci.low == pytest.approx(ref["wald_log_ci"]["2.5%"], rel=1e-6)
    assert results.ci.high == pytest.approx(ref["wald_log_ci"]["97.5%"], rel=1e-6)
    assert list(results.params.index[:7]) == ["(Intercept)", "LA", "NG", "PF", "GO", "GP", "NCA"]
    assert results.params["PF:NCA"] == pytest.approx(ref["coefficients"]["PF:NCA"], rel=1e-6)
    intervals = results.conf_int(0.05)
    assert isinstance(intervals, pd.DataFrame)
    assert (intervals[0.025] < results.params).all()
    assert (results.params < intervals[0.975]).all()
    assert results.fittedvalues.sum() == pytest.approx(results.observed, rel=1e-10)
    assert (results.pvalues >= 0).all()


def test_to_dict_has_the_cli_contract_keys_and_is_json() -> None:
    data = MSE(ci="profile").fit(table("Western")).to_dict()
    for key in ("observed", "dark_figure", "total", "terms", "coefficients", "aic", "deviance"):
        assert key in data
    assert data["ci"]["method"] == "profile"
    assert data["ci"]["level"] == 0.95
    assert data["ci"]["low"] < data["total"] < data["ci"]["high"]
    assert data["existence"] == {
        "code": 0,
        "message": "the maximum likelihood estimate exists and is identifiable for the model "
        "with A:E",
    }
    assert data["terms"] == ["A:E"]
    assert set(data["coefficients"]) == {"(Intercept)", "A", "B", "C", "D", "E", "A:E"}
    assert data["selection"][0]["added"] == "A:E"
    json.dumps(data, allow_nan=False)


def test_empty_overlap_terms_are_reported() -> None:
    results = MSE(pthresh=0.2).fit(table("UKdat"))
    assert results.model.empty_terms == ["LA:GP"]
    assert "LA:GP" in results.terms
    assert "LA:GP" not in results.params.index
    data = results.to_dict()
    assert data["empty_overlap_terms"] == ["LA:GP"]
    assert 0 < data["poisson_p_empty"]["LA:GP"] < 1
    assert "minus infinity" in str(results.summary())


def test_summary_reads_like_statsmodels() -> None:
    text = MSE().fit(table("Korea")).summary().as_text()
    assert "Multiple systems estimation results" in text
    assert "Total N:" in text
    assert "268.8" in text
    assert "95% CI (wald):" in text
    for column in ("coef", "std err", "P>|z|", "[0.025", "0.975]"):
        assert column in text
    assert "b:c" in text


def test_fixed_models_and_their_failures() -> None:
    korea = table("Korea")
    fixed = MSE(method="fixed", terms=("b:c",)).fit(korea)
    assert fixed.terms == ["b:c"]
    with pytest.raises(ModelNotFittableError) as raised:
        MSE(method="fixed", terms=("all",)).fit(korea)
    assert raised.value.existence.code == 1
    with pytest.raises(ValueError, match="needs terms"):
        MSE(method="fixed")
    with pytest.raises(ValueError, match="unknown interval"):
        MSE(ci="jackknife")


def test_aic_method_reproduces_the_uk_estimate() -> None:
    """Bales, Hesketh and Silverman's method on UKdat: about 11,400, and the 80% profile
    interval (their 10% and 90% limits) rounds to the published 10,000-13,000."""
    results = MSE(method="aic", ci="profile", level=0.8).fit(table("UKdat"))
    assert results.procedure.threshold == 0.05
    assert results.total == pytest.approx(11_418, abs=1)
    assert round(results.ci.low, -3) == 10_000
    assert results.ci.high is not None
    assert round(results.ci.high, -3) == 13_000


def test_sensitivity_table_and_plots(tmp_path: Path) -> None:
    results = MSE().fit(table("NewOrl"))
    frame = results.sensitivity()
    assert list(frame["model"])[:2] == ["main effects", "stepwise p=0.001"]
    assert frame["reported"].sum() == 1
    assert frame.loc[frame["reported"], "total"].item() == pytest.approx(results.total)
    # NewOrl is threshold-sensitive: main effects ~997, stepwise 0.02 ~1184.
    assert frame["total"].max() / frame["total"].min() > 1.15
    png, svg = tmp_path / "s.png", tmp_path / "s.svg"
    results.plot_sensitivity(png)
    results.plot_sensitivity(svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]
