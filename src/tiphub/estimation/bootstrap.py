"""BCa bootstrap over the whole model-selection procedure (SparseMSE `estimatepopulation`).

Each replicate draws the n observed people again, multinomially over the table's rows as given
(patterns never seen stay unseen), re-runs the selection procedure and records its estimate; the
acceleration comes from a delete-one jackknife over patterns weighted by their counts; the limits
are type-8 quantiles of the replicates at the BCa-adjusted levels (Chan, Silverman and Vincent
2021, section 3.3; DiCiccio and Efron 1996).

All replicate tables are drawn up front from one seeded generator, so the result depends on the
seed only, never on how many worker processes share the work.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from tiphub.estimation.intervals import Interval
from tiphub.estimation.selection import Procedure
from tiphub.estimation.table import CaptureTable

ProgressCallback = Callable[[int, int], None]
CHUNK = 25
PARALLEL_MIN_REPS = 200  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class BootstrapResult:
    estimate: float
    replicates: np.ndarray
    jackknife: np.ndarray
    z0: float
    acceleration: float
    failed: int

    def quantiles(self, probabilities: Sequence[float]) -> dict[float, float]:
        """BCa quantiles at `probabilities` (SparseMSE `bcaconfvalues`)."""
        values = bca_quantiles(self.replicates, self.estimate, self.acceleration, probabilities)
        return dict(zip(probabilities, values, strict=True))


def bca_quantiles(
    replicates: np.ndarray, estimate: float, acceleration: float, probabilities: Sequence[float]
) -> list[float]:
    # If every replicate lies on one side of the estimate the bias correction is infinite (R
    # then fails); the share is kept within half a replicate of 0 and 1 instead.
    half = 0.5 / len(replicates)
    z0 = float(norm.ppf(np.clip(np.mean(replicates < estimate), half, 1 - half)))
    za = norm.ppf(np.asarray(probabilities)) + z0
    adjusted = norm.cdf(z0 + za / (1.0 - acceleration * za))
    return [float(v) for v in np.quantile(replicates, adjusted, method="median_unbiased")]


def _estimates(procedure: Procedure, table: CaptureTable, counts: np.ndarray) -> np.ndarray:
    out = np.empty(len(counts))
    for i, row_counts in enumerate(counts):
        try:
            out[i] = procedure.total(table.with_counts(row_counts))
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            out[i] = np.nan
    return out


def _worker(args: tuple[Procedure, CaptureTable, np.ndarray]) -> np.ndarray:
    procedure, table, counts = args
    with np.errstate(all="ignore"):
        return _estimates(procedure, table, counts)


def default_jobs(reps: int) -> int:
    if reps < PARALLEL_MIN_REPS:
        return 1
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def run_bootstrap(
    table: CaptureTable,
    procedure: Procedure,
    *,
    reps: int = 1000,
    seed: int | None = None,
    n_jobs: int | None = None,
    progress: ProgressCallback | None = None,
    samples: np.ndarray | None = None,
) -> BootstrapResult:
    """Replicates, jackknife and BCa ingredients for `procedure` on `table`.

    `samples` (replicates x rows of the table) replaces the random draws; it exists so that the
    procedure can be checked against R on the very same resampled tables.
    """
    if samples is None:
        if reps < 2:
            raise ValueError("the bootstrap needs at least 2 replicates")
        n = table.observed
        samples = np.random.default_rng(seed).multinomial(n, table.counts / n, size=reps)
    reps = len(samples)
    estimate = procedure.total(table)
    jack_rows = np.flatnonzero(table.counts > 0)
    jack_counts = np.repeat(table.counts[None, :], len(jack_rows), axis=0)
    jack_counts[np.arange(len(jack_rows)), jack_rows] -= 1
    jobs = default_jobs(reps) if n_jobs is None else max(1, n_jobs)
    total_work = reps + len(jack_rows)
    replicates = np.empty(reps)
    jackknife = np.empty(len(jack_rows))
    chunks: list[tuple[str, int, np.ndarray]] = [
        ("boot", start, samples[start : start + CHUNK]) for start in range(0, reps, CHUNK)
    ]
    chunks += [
        ("jack", start, jack_counts[start : start + CHUNK])
        for start in range(0, len(jack_rows), CHUNK)
    ]
    done = 0

    def store(kind: str, start: int, values: np.ndarray) -> None:
        nonlocal done
        target = replicates if kind == "boot" else jackknife
        target[start : start + len(values)] = values
        done += len(values)
        if progress is not None:
            progress(done, total_work)

    if jobs == 1:
        for kind, start, counts in chunks:
            store(kind, start, _worker((procedure, table, counts)))
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["tiphub.estimation"])
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {
                pool.submit(_worker, (procedure, table, counts)): (kind, start)
                for kind, start, counts in chunks
            }
            for future in as_completed(futures):
                kind, start = futures[future]
                store(kind, start, future.result())
    failed = int(np.sum(~np.isfinite(replicates)))
    kept = replicates[np.isfinite(replicates)]
    if len(kept) < 2:
        raise ValueError("the bootstrap failed: no replicate could be fitted")
    weights = table.counts[jack_rows].astype(float)
    jack_mean = np.sum(weights * jackknife) / np.sum(weights)
    residuals = jack_mean - jackknife
    denominator = 6.0 * np.sum(weights * residuals**2) ** 1.5
    acceleration = float(np.sum(weights * residuals**3) / denominator) if denominator > 0 else 0.0
    half = 0.5 / len(kept)
    z0 = float(norm.ppf(np.clip(np.mean(kept < estimate), half, 1 - half)))
    return BootstrapResult(estimate, kept, jackknife, z0, acceleration, failed)


def bca(
    table: CaptureTable,
    procedure: Procedure,
    *,
    level: float = 0.95,
    reps: int = 1000,
    seed: int | None = None,
    n_jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[Interval, BootstrapResult]:
    """The BCa interval at `level` and the bootstrap it came from."""
    result = run_bootstrap(table, procedure, reps=reps, seed=seed, n_jobs=n_jobs, progress=progress)
    tail = (1.0 - level) / 2.0
    low, high = result.quantiles([tail, 1.0 - tail]).values()
    interval = Interval(
        "bootstrap",
        level,
        low,
        high,
        {
            "reps": len(result.replicates),
            "failed_reps": result.failed,
            "seed": seed,
            "z0": result.z0,
            "acceleration": result.acceleration,
        },
    )
    return interval, result
