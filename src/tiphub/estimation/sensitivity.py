"""How much does the estimate depend on the model? The table and the plot behind
`MSEResults.sensitivity()` and `plot_sensitivity()`.

Sparse overlaps make MSE threshold-sensitive (on NewOrl and Ned the estimate moves by tens of
percent between p = 0.02 and 0.05), so an analyst should see the estimate under the neighbouring
choices before quoting one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.estimation.intervals import profile, wald
from tiphub.estimation.selection import Procedure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from tiphub.estimation.results import MSEResults


def sensitivity_table(results: MSEResults, thresholds: tuple[float, ...], ci: str) -> pd.DataFrame:
    """One row per model: label, terms, total, interval, AIC, and whether it is the reported one."""
    import pandas as pd

    table = results.table
    interval = profile if ci == "profile" else wald
    reported = set(results.terms)
    procedures: list[tuple[str, Procedure]] = [("main effects", Procedure("main"))]
    procedures += [(f"stepwise p={p:g}", Procedure("stepwise", p)) for p in thresholds]
    procedures.append(("AIC (BHS)", Procedure("aic")))
    rows = []
    seen_reported = False
    for label, procedure in procedures:
        fit = procedure.select(table).fit
        limits = interval(fit, results.ci.level)
        is_reported = (
            not seen_reported
            and set(fit.terms) == reported
            and procedure.method == results.procedure.method
            and (procedure.threshold == results.procedure.threshold or procedure.method == "main")
        )
        seen_reported = seen_reported or is_reported
        rows.append(
            {
                "model": label,
                "terms": ", ".join(fit.terms) or "-",
                "total": fit.total,
                "low": limits.low,
                "high": limits.high,
                "aic": fit.aic,
                "reported": is_reported,
            }
        )
    if not seen_reported:
        fit = results.model
        rows.append(
            {
                "model": "reported model",
                "terms": ", ".join(fit.terms) or "-",
                "total": fit.total,
                "low": results.ci.low,
                "high": results.ci.high,
                "aic": fit.aic,
                "reported": True,
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs["ci"] = ci
    frame.attrs["level"] = results.ci.level
    return frame


def plot_sensitivity(
    results: MSEResults,
    frame: pd.DataFrame,
    *,
    path: str | Path | None = None,
    ax: Axes | None = None,
) -> Any:
    """Estimates with interval bars by model; the reported one highlighted; n as a dashed line."""
    import matplotlib

    if ax is None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    figure = None
    if ax is None:
        figure, ax = plt.subplots(figsize=(9.0, 0.6 * len(frame) + 1.8), layout="constrained")
    positions = list(range(len(frame)))[::-1]
    finite_highs = [h for h in frame["high"] if h is not None and h == h]
    right = 1.08 * max([*finite_highs, *(frame["total"] * 1.6)])
    for y, (_, row) in zip(positions, frame.iterrows(), strict=True):
        colour = "#c0392b" if row["reported"] else "#2c3e50"
        open_ended = row["high"] is None or row["high"] != row["high"]
        high = right if open_ended else row["high"]
        ax.plot([row["low"], high], [y, y], color=colour, linewidth=2.2, solid_capstyle="butt")
        if open_ended:
            ax.plot(high, y, ">", color=colour, markersize=6)
            ax.annotate(
                "upper limit beyond search range",
                (high, y),
                textcoords="offset points",
                xytext=(-4, -10),
                ha="right",
                fontsize=6,
                color=colour,
            )
        ax.plot(row["total"], y, "o", color=colour, markersize=7 if row["reported"] else 5)
        ax.annotate(
            f"{row['total']:,.0f}",
            (row["total"], y),
            textcoords="offset points",
            xytext=(0, 5),
            ha="center",
            fontsize=7,
            color=colour,
        )
    ax.axvline(results.observed, color="#7f8c8d", linestyle="--", linewidth=1)
    ax.text(
        results.observed,
        len(frame) - 0.4,
        f" observed {results.observed:,}",
        color="#7f8c8d",
        fontsize=8,
        va="bottom",
    )
    ax.set_yticks(positions)
    ax.set_yticklabels(
        [_label(m, t) for m, t in zip(frame["model"], frame["terms"], strict=True)], fontsize=7
    )
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.set_ylim(-0.8, len(frame) - 0.1)
    ax.set_xlim(0, right * 1.02)
    level = frame.attrs.get("level", results.ci.level)
    ax.set_xlabel(
        f"estimated total population (point and {level:.0%} {frame.attrs.get('ci', '')} interval)"
    )
    ax.set_title(
        f"Sensitivity of the estimate to the model: {Path(results.table.source).name}\n"
        "(red: the reported model; each line is conditional on its model)",
        fontsize=10,
    )
    ax.grid(axis="x", color="#ecf0f1")
    if figure is not None and path is not None:
        figure.savefig(path, dpi=150)
        plt.close(figure)
    return figure if figure is not None else ax.figure


def _label(model: str, terms: str) -> str:
    """Model name over its terms, wrapped so that long term lists stay readable."""
    import textwrap

    count = 0 if terms == "-" else terms.count(",") + 1
    lines = textwrap.wrap(terms, 44) or ["-"]
    noun = "term" if count == 1 else "terms"
    return f"{model} ({count} {noun})\n" + "\n".join(lines[:3])
