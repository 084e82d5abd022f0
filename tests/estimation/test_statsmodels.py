"""tiphub's Poisson fit against statsmodels' GLM (IRLS) on every dataset and selected model."""

import numpy as np
import pytest
import statsmodels.api as sm

from tiphub.estimation import fit_model, stepwise

from .data import DATASETS, table


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("model", ["main", "stepwise"])
def test_poisson_fit_equals_statsmodels_glm(name: str, model: str) -> None:
    capture = table(name)
    ours = fit_model(capture) if model == "main" else stepwise(capture, 0.02).fit
    glm = sm.GLM(ours.y, ours.xmat, family=sm.families.Poisson()).fit(tol=1e-14, maxiter=200)
    np.testing.assert_allclose(ours.fit.coef, glm.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.fit.cov)), glm.bse, rtol=1e-6)
    assert ours.deviance == pytest.approx(glm.deviance, rel=1e-8, abs=1e-9)
    assert ours.fit.loglik == pytest.approx(glm.llf, rel=1e-10)
    # statsmodels' AIC is R's for the cell-deleted model; SparseMSE adds 2 per empty term.
    assert ours.aic == pytest.approx(glm.aic + 2 * len(ours.empty_pairs), rel=1e-10)
