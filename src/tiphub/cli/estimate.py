"""`tiphub estimate`: multiple systems estimation of the hidden number of victims from a capture
table (docs/estimation.md; the CSV format is docs/contracts.md section 3).

stdout carries the result (the summary, or one JSON object with `--json`); progress and messages
go to stderr. Exit 1 when the data are invalid or the model cannot be fitted (the reason is
printed), 2 on a usage error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from tiphub.cli.app import app
from tiphub.cli.common import EXIT_INVALID, console, err_console, fail, progress, usage_error


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
    """Estimate the total population (observed + dark figure) with its interval and model.

    The work is `tiphub.estimation.run.estimate`, which the web app's estimation page calls too.
    """
    from tiphub.estimation import MSE, CaptureTableError, ModelNotFittableError
    from tiphub.estimation.run import estimate as run_estimate

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
        with _bootstrap_bars(ci is CIMethod.bootstrap) as update:
            outcome = run_estimate(
                file, estimator, by=strata, population=population, progress=update
            )
    except ModelNotFittableError as error:
        if as_json:
            print(json.dumps({"source": str(file), "existence": error.existence.to_dict()}))
        fail(f"the model cannot be fitted: {error}")
    except CaptureTableError as error:
        fail(str(error))
    if plot is not None:
        outcome.results.plot_sensitivity(plot)
        pooled = " (pooled table)" if strata else ""
        err_console.print(f"sensitivity plot{pooled} written to {plot}")
    if as_json:
        print(json.dumps(outcome.payload, indent=2, allow_nan=False))
    else:
        console.print(outcome.summary, highlight=False, markup=False, soft_wrap=True)
    if outcome.failed_strata:
        fail(
            f"{len(outcome.failed_strata)} stratum/strata could not be fitted: "
            + "; ".join(outcome.failed_strata),
            EXIT_INVALID,
        )


@contextmanager
def _bootstrap_bars(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """Rich progress bars on stderr, one per bootstrap (the pooled table, then each stratum)."""
    if not enabled:
        yield None
        return
    tasks: dict[str, Any] = {}
    with progress() as bar:

        def update(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done)

        yield update
