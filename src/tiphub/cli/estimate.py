"""`tiphub estimate`: multiple systems estimation of the hidden number of victims from a capture
table (docs/estimation.md; the CSV format is docs/contracts.md section 3).

stdout carries the result (the summary, or one JSON object with `--json`); progress and messages
go to stderr. Exit 1 when the data are invalid or the model cannot be fitted (the reason is
printed), 2 on a usage error.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tiphub.cli.app import app
from tiphub.cli.common import EXIT_INVALID, console, err_console, fail, progress, usage_error

if TYPE_CHECKING:
    from tiphub.estimation import MSE, MSEResults


class Method(StrEnum):
    main = "main"
    stepwise = "stepwise"
    aic = "aic"
    fixed = "fixed"


class CIMethod(StrEnum):
    wald = "wald"
    profile = "profile"
    bootstrap = "bootstrap"


@app.command()
def estimate(
    file: Annotated[Path, typer.Argument(help="Capture-history CSV: 0/1 list columns + count.")],
    method: Annotated[
        Method, typer.Option(help="Model: main effects, SparseMSE stepwise, AIC (BHS) or fixed.")
    ] = Method.stepwise,
    pthresh: Annotated[
        float | None,
        typer.Option(help="Selection p threshold (default 0.02 for stepwise, 0.05 for aic)."),
    ] = None,
    terms: Annotated[
        str | None,
        typer.Option(help='Two-list terms for --method fixed: "A:B,C:D", or "all".'),
    ] = None,
    ci: Annotated[CIMethod, typer.Option(help="Interval for the total.")] = CIMethod.wald,
    level: Annotated[float, typer.Option(help="Confidence level.")] = 0.95,
    reps: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 1000,
    seed: Annotated[int | None, typer.Option(help="Bootstrap random seed.")] = None,
    jobs: Annotated[
        int | None, typer.Option(help="Bootstrap worker processes (default: all cores).")
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Stratum columns before the list columns, e.g. sex,year.")
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option(help="CSV of population by stratum (--by columns + population): SDG 16.2.2."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write the sensitivity plot (.png or .svg).")
    ] = None,
) -> None:
    """Estimate the total population (observed + dark figure) with its interval and model."""
    from tiphub.estimation import MSE, CaptureTableError, ModelNotFittableError

    if not file.is_file():
        usage_error(f"{file}: no such file")
    if population is not None and not population.is_file():
        usage_error(f"{population}: no such file")
    if plot is not None and plot.suffix.lower() not in {".png", ".svg"}:
        usage_error(f"--plot {plot}: the file must end in .png or .svg")
    if method is Method.fixed and not terms:
        usage_error('--method fixed needs --terms, e.g. --terms "A:B,C:D" or --terms all')
    if terms and method is not Method.fixed:
        usage_error("--terms is only used with --method fixed")
    if reps < 2:
        usage_error("--reps must be at least 2")
    strata = [c.strip() for c in by.split(",") if c.strip()] if by else []
    term_list = tuple(t.strip() for t in (terms or "").split(",") if t.strip())
    try:
        estimator = MSE(
            method=method.value,
            pthresh=pthresh,
            terms=term_list,
            ci=ci.value,
            level=level,
            reps=reps,
            seed=seed,
            n_jobs=jobs,
        )
    except ValueError as error:
        usage_error(str(error))

    try:
        if strata:
            payload, summary = _stratified(file, strata, population, estimator, plot)
        else:
            payload, summary = _single(file, estimator, plot, population)
    except ModelNotFittableError as error:
        if as_json:
            print(json.dumps({"source": str(file), "existence": error.existence.to_dict()}))
        fail(f"the model cannot be fitted: {error}")
    except CaptureTableError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(_clean(payload), indent=2, allow_nan=False))
    else:
        console.print(summary, highlight=False, markup=False, soft_wrap=True)
    if payload.get("failed_strata"):
        fail(
            f"{len(payload['failed_strata'])} stratum/strata could not be fitted: "
            + "; ".join(payload["failed_strata"]),
            EXIT_INVALID,
        )


def _with_progress(estimator: MSE, label: str) -> Any:
    """`estimator.fit`, under a progress bar (stderr) when it bootstraps."""
    from dataclasses import replace

    if estimator.ci != "bootstrap":
        return estimator.fit
    bar = progress()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "task" not in state:
            state["task"] = state["bar"].add_task(f"bootstrap {label}", total=total)
        state["bar"].update(state["task"], completed=done)

    def run(table: Any) -> MSEResults:
        with bar as active:
            state["bar"] = active
            return replace(estimator, progress=update).fit(table)

    return run


def _stratum_progress(estimator: MSE, bar: Any, strata: int) -> MSE:
    """The estimator with a progress callback that opens one bar per stratum's bootstrap."""
    from dataclasses import replace

    state: dict[str, Any] = {"last": None, "number": 0}

    def update(done: int, total: int) -> None:
        if state["last"] is None or done < state["last"]:
            state["number"] += 1
            label = f"bootstrap stratum {state['number']}/{strata}"
            state["task"] = bar.add_task(label, total=total)
        state["last"] = done
        bar.update(state["task"], completed=done)

    return replace(estimator, progress=update)


def _single(
    file: Path, estimator: MSE, plot: Path | None, population: Path | None
) -> tuple[dict[str, Any], str]:
    from tiphub.estimation import CaptureTable

    table = CaptureTable.from_csv(file)
    people = _one_population(population) if population is not None else None
    results: MSEResults = _with_progress(estimator, file.name)(table)
    if plot is not None:
        results.plot_sensitivity(plot)
        err_console.print(f"sensitivity plot written to {plot}")
    payload = results.to_dict()
    text = str(results.summary())
    if people is not None:
        payload["rate_per_100k"] = rate = _rate(results, people)
        high = "-" if rate["high"] is None else f"{rate['high']:.2f}"
        text += (
            f"\nSDG 16.2.2: {rate['rate']:.2f} victims per 100,000 population "
            f"({rate['level']:.0%} CI {rate['low']:.2f} to {high}; population {people:,.0f})"
        )
    return payload, text


def _one_population(path: Path) -> float:
    """The population of a one-row table (column `population`), for an unstratified rate."""
    import pandas as pd

    from tiphub.estimation import CaptureTableError
    from tiphub.estimation.strata import population_lookup

    frame = pd.read_csv(path, dtype=str)
    if len(frame) != 1:
        raise CaptureTableError(
            f"{path}: {len(frame)} rows; without --by the population table has one row"
        )
    return next(iter(population_lookup(frame, []).values()))


def _stratified(
    file: Path, by: list[str], population: Path | None, estimator: MSE, plot: Path | None
) -> tuple[dict[str, Any], str]:
    import pandas as pd

    from tiphub.estimation import CaptureTableError, fit_strata, stratum_tables
    from tiphub.estimation.strata import pool_tables

    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, sep=None, engine="python")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        raise CaptureTableError(f"{file}: cannot read as CSV ({error})") from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    tables = stratum_tables(frame, by, str(file))
    pooled = pool_tables(tables, f"{file} [all strata pooled]")
    pooled_results: MSEResults = _with_progress(estimator, "pooled")(pooled)
    pop_frame = pd.read_csv(population, dtype=str) if population is not None else None
    if estimator.ci == "bootstrap":
        with progress() as bar:
            stratified = fit_strata(
                tables, _stratum_progress(estimator, bar, len(tables)), by=by, population=pop_frame
            )
    else:
        stratified = fit_strata(tables, estimator, by=by, population=pop_frame)
    if plot is not None:
        pooled_results.plot_sensitivity(plot)
        err_console.print(f"sensitivity plot (pooled table) written to {plot}")
    payload = pooled_results.to_dict() | {"pooled": True} | stratified.to_dict()
    if stratified.total_population:
        payload["rate_per_100k"] = _rate(pooled_results, stratified.total_population)
    failed = [
        f"{s.label(by)}: {s.error}" for s in stratified.strata if s.results is None and s.error
    ]
    payload["failed_strata"] = failed
    text = [
        str(pooled_results.summary()),
        "",
        f"Estimates by {', '.join(by)} (each stratum with its own model):",
        stratified.to_frame().to_string(index=False),
    ]
    total = stratified.sum_of_strata()
    if total is not None:
        text.append(
            f"Sum of strata: {total['total']:,.1f} "
            f"({total['ci']['level']:.0%} approx. [{total['ci']['low']:,.1f}, "
            f"{total['ci']['high']:,.1f}])"
        )
    return payload, "\n".join(text)


def _rate(results: MSEResults, population: float) -> dict[str, Any]:
    from tiphub.estimation.strata import rate_block

    return rate_block(results.total, results.ci.to_dict(), population)


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf become null, numpy scalars plain numbers, tuples lists."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
