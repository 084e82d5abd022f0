"""One estimation run from a capture-history file: `tiphub estimate` and the web page call it.

    from tiphub.estimation import MSE
    from tiphub.estimation.run import estimate
    outcome = estimate(Path("capture.csv"), MSE(ci="profile"), by=["sex"])
    outcome.payload      # the `--json` object (JSON-safe)
    outcome.summary      # the printed summary
    outcome.results      # MSEResults of the table (the pooled table when stratified)

The command line and the web app (`tiphub.web.analysis`) differ only in where the file comes
from, how progress is shown and where the result goes; reading the table, fitting, stratifying,
the SDG 16.2.2 rate and the JSON object are made here once. Pure Python: no Django.
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.estimation.estimator import MSE
from tiphub.estimation.results import MSEResults
from tiphub.estimation.table import CaptureTable, CaptureTableError, csv_rows

if TYPE_CHECKING:
    import pandas as pd

    from tiphub.estimation.strata import StratifiedResults

#: progress(label, done, total): called as bootstrap replicates finish (one label per fit).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Estimation:
    """The outcome of one run: the JSON object, the summary and the fitted results."""

    payload: dict[str, Any]
    summary: str
    results: MSEResults
    by: tuple[str, ...] = ()
    stratified: StratifiedResults | None = None
    failed_strata: list[str] = field(default_factory=list)

    def sensitivity_svg(self) -> str:
        """The sensitivity plot (of the pooled table when stratified) as SVG text."""
        with tempfile.TemporaryDirectory(prefix="tiphub-plot-") as folder:
            path = Path(folder) / "sensitivity.svg"
            self.results.plot_sensitivity(path)
            return path.read_text(encoding="utf-8")


def estimate(
    source: Path | bytes,
    estimator: MSE,
    *,
    by: Sequence[str] = (),
    population: Path | pd.DataFrame | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> Estimation:
    """Read a capture-history CSV (contracts.md section 3) and estimate the total population.

    source: the file, or its bytes (an upload; `name` then names it in messages).
    by: stratum columns before the list columns; each stratum gets its own model, and the
        pooled table is estimated beside them.
    population: for the SDG 16.2.2 rate: a table with the `by` columns and `population` (one
        row without `by`), as a file or a frame of text columns.

    Raises `CaptureTableError` for invalid data and `ModelNotFittableError` when the model of
    the (pooled) table cannot be fitted. A stratum that cannot be fitted does not raise: it is
    listed in `failed_strata` with the reason.
    """
    label = name or (str(source) if isinstance(source, Path) else "upload")
    data = source.read_bytes() if isinstance(source, Path) else source
    header, rows = csv_rows(data, label)
    people = _population_frame(population) if population is not None else None
    if by:
        return _stratified(header, rows, label, list(by), people, estimator, progress)
    table = CaptureTable.from_rows(header, rows, label, first_line=2)
    results = _fit(estimator, table, "", progress)
    payload = results.to_dict()
    text = str(results.summary())
    if people is not None:
        payload["rate_per_100k"] = rate = rate_of(results, _one_population(people))
        high = "-" if rate["high"] is None else f"{rate['high']:.2f}"
        text += (
            f"\nSDG 16.2.2: {rate['rate']:.2f} victims per 100,000 population "
            f"({rate['level']:.0%} CI {rate['low']:.2f} to {high}; "
            f"population {rate['population']:,.0f})"
        )
    return Estimation(json_safe(payload), text, results)


def _fit(estimator: MSE, table: CaptureTable, label: str, progress: Progress | None) -> MSEResults:
    if progress is None or estimator.ci != "bootstrap":
        return estimator.fit(table)
    name = f"bootstrap {label}".strip()
    return replace(estimator, progress=lambda done, total: progress(name, done, total)).fit(table)


def _stratum_progress(estimator: MSE, strata: int, progress: Progress | None) -> MSE:
    """The estimator reporting each stratum's bootstrap under its own label (fit_strata fits
    the strata in turn with one estimator: a count that starts again is the next stratum)."""
    if progress is None or estimator.ci != "bootstrap":
        return estimator
    state = {"last": -1, "number": 0}

    def update(done: int, total: int) -> None:
        if done < state["last"] or state["number"] == 0:
            state["number"] += 1
        state["last"] = done
        progress(f"bootstrap stratum {state['number']}/{strata}", done, total)

    return replace(estimator, progress=update)


def _stratified(
    header: list[str],
    rows: list[list[str]],
    label: str,
    by: list[str],
    population: pd.DataFrame | None,
    estimator: MSE,
    progress: Progress | None,
) -> Estimation:
    import pandas as pd

    from tiphub.estimation.strata import fit_strata, pool_tables
    from tiphub.estimation.table import stratum_tables

    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise CaptureTableError(
                f"{label}, row {line}: has {len(row)} fields but the header has {len(header)}"
            )
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    tables = stratum_tables(frame, by, label)
    pooled = _fit(
        estimator, pool_tables(tables, f"{label} [all strata pooled]"), "pooled", progress
    )
    stratified = fit_strata(
        tables, _stratum_progress(estimator, len(tables), progress), by=by, population=population
    )
    payload = pooled.to_dict() | {"pooled": True} | stratified.to_dict()
    if stratified.total_population:
        payload["rate_per_100k"] = rate_of(pooled, stratified.total_population)
    failed = [
        f"{s.label(by)}: {s.error}" for s in stratified.strata if s.results is None and s.error
    ]
    payload["failed_strata"] = failed
    text = [
        str(pooled.summary()),
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
    return Estimation(json_safe(payload), "\n".join(text), pooled, tuple(by), stratified, failed)


def _population_frame(population: Path | pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    if isinstance(population, pd.DataFrame):
        return population
    try:
        return pd.read_csv(population, dtype=str)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise CaptureTableError(
            f"{population}: cannot read the population table ({error})"
        ) from None


def _one_population(frame: pd.DataFrame) -> float:
    """The population of a one-row table (column `population`), for an unstratified rate."""
    from tiphub.estimation.strata import population_lookup

    if len(frame) != 1:
        raise CaptureTableError(
            f"population table: {len(frame)} rows; without strata the population table has one row"
        )
    return next(iter(population_lookup(frame, []).values()))


def population_from_bytes(data: bytes, name: str) -> pd.DataFrame:
    """A population table upload as a frame of text columns (checked when it is used)."""
    import pandas as pd

    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise CaptureTableError(f"{name}: cannot read as CSV ({type(error).__name__})") from None


def rate_of(results: MSEResults, population: float) -> dict[str, Any]:
    """SDG 16.2.2 for one estimate: victims per 100,000 with the interval scaled alike."""
    from tiphub.estimation.strata import rate_block

    return rate_block(results.total, results.ci.to_dict(), population)


def json_safe(value: Any) -> Any:
    """JSON-safe: NaN/inf become null, numpy scalars plain numbers, tuples lists."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
