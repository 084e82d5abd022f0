"""The estimation page's service: run a multiple systems estimate, keep it, feed the indicators.

`run_estimate` reads capture histories (an upload, or those of a linkage run), estimates through
`tiphub.estimation.run.estimate` (the function `tiphub estimate` calls: nothing is computed here),
and keeps the result as an `EstimateRun` with who ran it, when, on which data (sha256) and with
which parameters. `use_for_indicators` hands a kept estimate to the indicator pages, whose next
release then shows it (`tiphub.web.monitoring`); the newest estimate handed over is the one used.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tiphub.web.analysis.models import EstimateRun, EstimateSource, LinkageRun, author_fields

if TYPE_CHECKING:
    from tiphub.estimation import MSE
    from tiphub.web.monitoring.models import EstimateSet

#: The assumptions every estimate rests on (docs/estimation.md), shown with every figure.
ASSUMPTIONS = (
    "Closed population over the period: no one enters or leaves between the lists' captures.",
    "Perfect linkage: every person is matched across lists, and no two people are merged; "
    "missed links inflate the estimate, false links deflate it.",
    "Within a stratum everyone is captured by the same process, up to the two-list "
    "dependencies in the model; heterogeneity not captured by them or by stratification "
    "biases the estimate, usually downwards. Three-list dependencies are not modelled.",
    "The target population is the one the lists could in principle capture.",
)


class EstimationError(ValueError):
    """The histories or the parameters cannot give an estimate; the message says why."""


@dataclass(frozen=True)
class EstimateParameters:
    """The choices of `tiphub estimate` (same names, same defaults)."""

    method: str = "stepwise"
    pthresh: float | None = None
    terms: tuple[str, ...] = ()
    ci: str = "wald"
    level: float = 0.95
    reps: int = 1000
    seed: int | None = None
    by: tuple[str, ...] = ()

    def estimator(self, jobs: int | None = 1) -> MSE:
        """The configured estimator. The web app bootstraps in its own process (`jobs=1`):
        a process pool inside a web worker would compete with the other requests."""
        from tiphub.estimation import MSE

        if self.method == "fixed" and not self.terms:
            raise EstimationError('a fixed model needs its terms, e.g. "A:B, C:D" or "all"')
        try:
            return MSE(
                method=self.method,
                pthresh=self.pthresh,
                terms=self.terms,
                ci=self.ci,
                level=self.level,
                reps=self.reps,
                seed=self.seed,
                n_jobs=jobs,
            )
        except ValueError as error:
            raise EstimationError(str(error)) from None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["terms"] = list(self.terms)
        data["by"] = list(self.by)
        return data


# --- capture histories of a linkage run ---------------------------------------------------------


def latest_linkage_run() -> LinkageRun | None:
    return LinkageRun.objects.first()


def linkage_histories_csv(run: LinkageRun, by: tuple[str, ...] = ()) -> bytes:
    """The run's capture histories (contracts.md section 3) with the strata `by` (a subset of
    the run's strata; the others are summed over), as CSV bytes."""
    unknown = [column for column in by if column not in run.strata]
    if unknown:
        raise EstimationError(
            f"linkage run {run.pk} has no stratum {', '.join(unknown)} "
            f"(its histories carry: {', '.join(run.strata) or 'none'})"
        )
    lists = run.lists
    counts: dict[tuple[Any, ...], int] = {}
    for row in run.histories:
        key = (
            *(_stratum_text(row.get(column)) for column in by),
            *(int(row[name]) for name in lists),
        )
        counts[key] = counts.get(key, 0) + int(row["count"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*by, *lists, "count"])
    for key in sorted(counts, key=lambda k: tuple(map(str, k))):
        if any(key[len(by) :]):
            writer.writerow([*key, counts[key]])
    return out.getvalue().encode("utf-8")


def _stratum_text(value: Any) -> str:
    if value is None or value == "" or value != value:  # None, blank, NaN
        return "unknown"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- running and keeping ------------------------------------------------------------------------


def run_estimate(
    actor: Any,
    parameters: EstimateParameters,
    *,
    histories: bytes | None = None,
    file_name: str = "",
    linkage_run: LinkageRun | None = None,
    population: bytes | None = None,
    population_name: str = "",
    year: int | None = None,
    jobs: int | None = 1,
) -> EstimateRun:
    """Estimate from uploaded `histories` (CSV bytes named `file_name`) or from `linkage_run`'s
    histories, keep the result and audit it (`estimation.run`). Raises `EstimationError` (the
    message names file, row and column, or why the model cannot be fitted): nothing is kept."""
    from tiphub.estimation import CaptureTableError, ModelNotFittableError
    from tiphub.estimation.run import estimate, population_from_bytes
    from tiphub.web.audit.services import record_event

    if linkage_run is not None:
        data = linkage_histories_csv(linkage_run, parameters.by)
        file_name = f"linkage run {linkage_run.pk}"
        source = EstimateSource.LINKAGE
    elif histories is not None:
        data = histories
        file_name = file_name or "capture-histories.csv"
        source = EstimateSource.UPLOAD
    else:
        raise EstimationError("give a capture-history file or a linkage run")
    estimator = parameters.estimator(jobs)
    try:
        people = (
            population_from_bytes(population, population_name or "population.csv")
            if population is not None
            else None
        )
        outcome = estimate(
            data, estimator, by=parameters.by, population=people, name=file_name[:200]
        )
    except ModelNotFittableError as error:
        raise EstimationError(f"the model cannot be fitted: {error}") from None
    except (CaptureTableError, ValueError) as error:
        raise EstimationError(str(error)) from None
    svg = outcome.sensitivity_svg()
    payload = outcome.payload
    ci = payload["ci"]
    with transaction.atomic():
        run = EstimateRun.objects.create(
            source=source,
            file_name=file_name[:200],
            linkage_run=linkage_run,
            data_fingerprint=hashlib.sha256(data).hexdigest(),
            parameters=parameters.to_dict(),
            population_file=population_name[:200] if population is not None else "",
            year=year,
            observed=int(payload["observed"]),
            total=float(payload["total"]),
            ci_low=float(ci["low"]),
            ci_high=None if ci["high"] is None else float(ci["high"]),
            ci_level=float(ci["level"]),
            ci_method=str(ci["method"]),
            model_terms=str(payload["model"])[:500],
            result=payload,
            summary=outcome.summary,
            sensitivity_svg=svg,
            **author_fields(actor),
        )
        record_event(
            actor,
            "estimation.run",
            run,
            details={
                "source": source,
                "linkage_run": linkage_run.pk if linkage_run else None,
                "sha256": run.data_fingerprint,
                "method": parameters.method,
                "ci": parameters.ci,
                "by": list(parameters.by),
                "strata_failed": len(outcome.failed_strata),
            },
        )
    return run


def indicator_payload(run: EstimateRun) -> dict[str, Any]:
    """The `--json` object as the indicator inputs read it: per year when the run is
    stratified by year alone, else the (pooled) estimate for `run.year` (None: the release's
    reference year)."""
    payload = dict(run.result)
    if run.by != ["year"] and run.year is not None:
        payload["year"] = run.year
    return payload


def use_for_indicators(run: EstimateRun, actor: Any) -> EstimateSet:
    """Make `run` the estimate the indicator pages use from their next release (as if its
    JSON had been uploaded on their inputs page; audited there as `indicators.estimate`).
    Raises `EstimationError` when the indicators cannot take it (e.g. an open interval)."""
    from tiphub.indicators.inputs import InputError
    from tiphub.web.monitoring import services as monitoring

    name = f"estimate {run.pk} ({run.created_at:%Y-%m-%d %H:%M}, {run.file_name})"
    body = io.BytesIO(json.dumps(indicator_payload(run)).encode("utf-8"))
    try:
        with transaction.atomic():
            kept = monitoring.save_estimates(body, name[:200], actor)
            run.estimate_set = kept
            run.save(update_fields=["estimate_set"])
    except InputError as error:
        raise EstimationError(f"the indicators cannot use this estimate: {error}") from None
    return kept


def in_use(run: EstimateRun) -> bool:
    """True when the indicator pages currently use this estimate."""
    from tiphub.web.monitoring import services as monitoring

    current = monitoring.current_estimates()
    return current is not None and run.estimate_set_id == current.pk


def stratum_rows(run: EstimateRun) -> list[dict[str, Any]]:
    """One row per stratum for the page: its label, estimate, interval, model, or the reason."""
    rows = []
    for stratum in run.result.get("strata") or []:
        label = ", ".join(f"{k}={v}" for k, v in (stratum.get("stratum") or {}).items())
        ci = stratum.get("ci") or {}
        rows.append(
            {
                "label": label,
                "observed": stratum.get("observed"),
                "total": stratum.get("total"),
                "low": ci.get("low"),
                "high": ci.get("high"),
                "model": stratum.get("model", ""),
                "error": stratum.get("error", ""),
                "dropped": ", ".join(stratum.get("dropped_lists") or []),
                "rate": (stratum.get("rate_per_100k") or {}).get("rate"),
            }
        )
    return rows
