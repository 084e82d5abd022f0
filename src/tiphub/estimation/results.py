"""The results of an MSE fit, in the manner of statsmodels: `summary()`, `params`, `conf_int()`,
`to_dict()`, and the sensitivity of the estimate to the choice of model.

The total is always reported with its interval, the method that made the interval and the model
it is conditional on: an estimate of a hidden population without these is not a statistic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.stats import norm

from tiphub.estimation.bootstrap import BootstrapResult
from tiphub.estimation.existence import Existence
from tiphub.estimation.intervals import Interval, profile, wald
from tiphub.estimation.model import ModelFit
from tiphub.estimation.selection import Procedure, Selection
from tiphub.estimation.table import CaptureTable

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

CI_NAMES = {"wald": "Wald", "profile": "profile-likelihood", "bootstrap": "BCa bootstrap"}
SENSITIVITY_THRESHOLDS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)


@dataclass(frozen=True)
class Summary:
    """Printable summary (str() or `as_text()`), like statsmodels' Summary."""

    text: str

    def as_text(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:  # notebooks
        return f"<pre>{self.text}</pre>"


@dataclass(frozen=True, eq=False)
class MSEResults:
    """Population estimate from one capture table: the model, the total and its interval."""

    table: CaptureTable
    procedure: Procedure
    selection: Selection
    existence: Existence
    ci: Interval
    bootstrap: BootstrapResult | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    # ------------------------------------------------------------------------ the estimate
    @property
    def model(self) -> ModelFit:
        return self.selection.fit

    @property
    def observed(self) -> int:
        return self.table.observed

    @property
    def dark_figure(self) -> float:
        return self.model.dark_figure

    @property
    def total(self) -> float:
        return self.model.total

    @property
    def terms(self) -> list[str]:
        return self.model.terms

    @property
    def aic(self) -> float:
        return self.model.aic

    @property
    def deviance(self) -> float:
        return self.model.deviance

    @property
    def df_resid(self) -> int:
        return self.model.df_resid

    # ------------------------------------------------------------- statsmodels-style views
    @property
    def params(self) -> pd.Series:
        import pandas as pd

        return pd.Series(self.model.coefficients(), name="coef")

    @property
    def bse(self) -> pd.Series:
        import pandas as pd

        return pd.Series(self.model.standard_errors(), name="std err")

    @property
    def pvalues(self) -> pd.Series:
        import pandas as pd

        z = self.params / self.bse
        return pd.Series(2 * norm.sf(np.abs(z)), index=z.index, name="P>|z|")

    @property
    def fittedvalues(self) -> pd.Series:
        """Fitted counts of the cells the model was fitted on, indexed by pattern."""
        import pandas as pd

        cells = self.table.design.cells[self.model.cells].astype(int)
        index = ["".join(map(str, row)) for row in cells]
        return pd.Series(self.model.fit.fitted, index=index, name="fitted")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals for the coefficients (statsmodels' `conf_int`)."""
        import pandas as pd

        z = float(norm.ppf(1 - alpha / 2))
        low = self.params - z * self.bse
        high = self.params + z * self.bse
        return pd.DataFrame({alpha / 2: low, 1 - alpha / 2: high})

    def total_conf_int(self, method: str | None = None, level: float | None = None) -> Interval:
        """Interval for the total by another method or level (bootstrap: re-run the fit)."""
        method = method or self.ci.method
        level = self.ci.level if level is None else level
        if method == self.ci.method and level == self.ci.level:
            return self.ci
        if method == "wald":
            return wald(self.model, level)
        if method == "profile":
            return profile(self.model, level)
        if method == "bootstrap" and self.bootstrap is not None:
            tail = (1 - level) / 2
            low, high = self.bootstrap.quantiles([tail, 1 - tail]).values()
            return Interval("bootstrap", level, low, high, dict(self.ci.details))
        raise ValueError(f"interval method {method!r} needs a new fit (MSE(ci=...).fit(table))")

    # ------------------------------------------------------------------------------ output
    def to_dict(self) -> dict[str, Any]:
        """Everything a report or script needs, JSON-ready (the CLI's `--json`)."""
        ci = self.ci.to_dict() | {
            key: value for key, value in self.ci.details.items() if _json_scalar(value)
        }
        return {
            "source": self.table.source,
            "lists": list(self.table.lists),
            "list_totals": self.table.list_totals(),
            "observed": self.observed,
            "dark_figure": self.dark_figure,
            "total": self.total,
            "method": self.procedure.method,
            "method_description": self.procedure.describe(),
            "pthresh": self.procedure.threshold,
            "terms": self.terms,
            "model": " + ".join(["main effects", *self.terms]),
            "empty_overlap_terms": self.model.empty_terms,
            "poisson_p_empty": self.model.poisson_p_empty(),
            "coefficients": self.model.coefficients(),
            "standard_errors": self.model.standard_errors(),
            "aic": self.aic,
            "deviance": self.deviance,
            "df_resid": self.df_resid,
            "converged": self.model.fit.converged,
            "ci": ci,
            "existence": self.existence.to_dict(),
            "selection": [step.to_dict() for step in self.selection.steps],
            "notes": list(self.notes),
        }

    def summary(self) -> Summary:
        return Summary(_summary_text(self))

    def __repr__(self) -> str:
        return (
            f"<MSEResults {self.table.source}: total {self.total:,.1f} "
            f"({self.ci.level:.0%} {self.ci.method} {_fmt_interval(self.ci)}), "
            f"terms {self.terms or 'none'}>"
        )

    # ------------------------------------------------------------------------- sensitivity
    def sensitivity(
        self,
        thresholds: tuple[float, ...] = SENSITIVITY_THRESHOLDS,
        ci: str | None = None,
    ) -> pd.DataFrame:
        """The estimate and its interval under other models: main effects, the stepwise rule
        at each of `thresholds`, and AIC selection. Intervals are `ci` ("wald" or "profile"; by
        default this fit's method, Wald when this fit was bootstrapped, to keep it quick).
        """
        from tiphub.estimation.sensitivity import sensitivity_table

        method = ci or ("wald" if self.ci.method == "bootstrap" else self.ci.method)
        return sensitivity_table(self, thresholds, method)

    def plot_sensitivity(
        self,
        path: str | Path | None = None,
        *,
        thresholds: tuple[float, ...] = SENSITIVITY_THRESHOLDS,
        ax: Axes | None = None,
    ) -> Any:
        """Plot `sensitivity()` (PNG or SVG by the file suffix); returns the matplotlib figure."""
        from tiphub.estimation.sensitivity import plot_sensitivity

        return plot_sensitivity(self, self.sensitivity(thresholds), path=path, ax=ax)


def _json_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _fmt_interval(interval: Interval) -> str:
    high = "beyond search range" if interval.high is None else _fmt(interval.high)
    return f"[{_fmt(interval.low)}, {high}]"


def _summary_text(results: MSEResults) -> str:
    width = 78
    model = results.model
    ci = results.ci
    proc = results.procedure
    method = {
        "stepwise": f"stepwise, p < {proc.threshold}",
        "aic": f"AIC forward, p <= {proc.threshold}",
        "fixed": "fixed model",
        "main": "main effects",
    }[proc.method]
    left = [
        ("Data:", Path(results.table.source).name),
        ("Lists:", str(results.table.n_lists)),
        ("Method:", method),
        ("Two-list terms:", f"{len(model.fitted_pairs)} (+{len(model.empty_pairs)} empty)"),
        ("Deviance:", f"{model.deviance:.3f}"),
        ("Df residuals:", str(model.df_resid)),
    ]
    right = [
        ("Observed (n):", f"{results.observed:,}"),
        ("Dark figure:", _fmt(results.dark_figure)),
        ("Total N:", _fmt(results.total)),
        (f"{ci.level:.0%} CI ({ci.method}):", _fmt_interval(ci)),
        ("AIC:", f"{model.aic:.3f}"),
        ("Existence:", "ok" if results.existence.ok else f"code {results.existence.code}"),
    ]
    lines = ["Multiple systems estimation results".center(width), "=" * width]
    for (lk, lv), (rk, rv) in zip(left, right, strict=True):
        lines.append(f"{lk:<16}{lv:>22} {rk:<19}{rv:>20}")
    lines.append("=" * width)
    lines.append(
        f"{'':<16}{'coef':>10}{'std err':>11}{'z':>9}{'P>|z|':>9}{'[0.025':>11}{'0.975]':>11}"
    )
    lines.append("-" * width)
    coefficients = model.coefficients()
    errors = model.standard_errors()
    for name, value in coefficients.items():
        se = errors[name]
        z = value / se if se > 0 else math.nan
        p = 2 * norm.sf(abs(z))
        lines.append(
            f"{name[:16]:<16}{value:>10.4f}{se:>11.3f}{z:>9.3f}{p:>9.3f}"
            f"{value - 1.959964 * se:>11.3f}{value + 1.959964 * se:>11.3f}"
        )
    lines.append("=" * width)
    notes = [
        "Total N = observed + exp(Intercept): the intercept is the log expected count of "
        "people on no list.",
    ]
    if model.empty_pairs:
        notes.append(
            "Terms for lists with no case in common ("
            + ", ".join(model.empty_terms)
            + ") are at minus infinity: their cells are left out of the fit and each adds 2 "
            "to the AIC (SparseMSE)."
        )
    if ci.method != "bootstrap":
        notes.append(
            f"The {CI_NAMES[ci.method]} interval is conditional on the selected model; "
            "--ci bootstrap also reflects model selection."
        )
    notes.extend(results.notes)
    lines.extend(_wrap("Notes: " + " ".join(notes), width))
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)
