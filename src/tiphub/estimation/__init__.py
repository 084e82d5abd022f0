"""tiphub.estimation: multiple systems estimation (MSE) of the hidden number of victims.

Log-linear Poisson models over the overlaps of several agencies' lists, as in the R packages
SparseMSE (Chan, Silverman and Vincent 2021) and Rcapture, with which the results agree to
better than 1e-6 (docs/estimation.md). Pure Python: no Django import.

    from tiphub.estimation import MSE, CaptureTable
    results = MSE(method="stepwise", ci="bootstrap", seed=1).fit(CaptureTable.from_csv("t.csv"))
    print(results.summary())
"""

from tiphub.estimation.estimator import CI_METHODS, MSE
from tiphub.estimation.existence import Existence
from tiphub.estimation.intervals import Interval
from tiphub.estimation.model import ModelFit, ModelNotFittableError, check_model, fit_model
from tiphub.estimation.results import MSEResults
from tiphub.estimation.selection import METHODS, Procedure, aic_forward, stepwise
from tiphub.estimation.strata import StratifiedResults, fit_strata, stratum_tables_from_records
from tiphub.estimation.table import CaptureTable, CaptureTableError, stratum_tables

__all__ = [
    "CI_METHODS",
    "METHODS",
    "MSE",
    "CaptureTable",
    "CaptureTableError",
    "Existence",
    "Interval",
    "MSEResults",
    "ModelFit",
    "ModelNotFittableError",
    "Procedure",
    "StratifiedResults",
    "aic_forward",
    "check_model",
    "fit_model",
    "fit_strata",
    "stepwise",
    "stratum_tables",
    "stratum_tables_from_records",
]
