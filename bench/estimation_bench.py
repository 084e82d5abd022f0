"""Speed of tiphub.estimation against R's SparseMSE, measured in the same run.

Stepwise selection (pthresh 0.02) and the 1000-replicate BCa bootstrap over the whole selection
on UKdat (6 lists). R: SparseMSE 2.0.1 `stepwisefit` and `estimatepopulation` (bench/mse_bench.R;
its bootstrap is run with --r-reps replicates and scaled to 1000, since R needs ~0.5 s each).

    R_LIBS=/path/to/R/library .venv/bin/python bench/estimation_bench.py

The machine is shared: the load average is printed before and after; compare CPU seconds (less
sensitive to other people's work than wall time). Without R (no Rscript or no SparseMSE) only the
Python side is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from tiphub.estimation import MSE, CaptureTable, stepwise

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "mse" / "UKdat.csv"


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def python_side(fits: int, reps: int, jobs: int) -> dict[str, float]:
    table = CaptureTable.from_csv(DATA)
    stepwise(table)  # warm-up (imports, caches)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(fits):
        stepwise(table, 0.02)
    step_wall, step_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    serial = MSE(ci="bootstrap", reps=reps, seed=1234, n_jobs=1).fit(table)
    boot_wall, boot_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall = time.perf_counter()
    parallel = MSE(ci="bootstrap", reps=reps, seed=1234, n_jobs=jobs).fit(table)
    par_wall = time.perf_counter() - wall
    assert (serial.ci.low, serial.ci.high) == (parallel.ci.low, parallel.ci.high)
    return {
        "stepwise_per_fit_s": step_wall / fits,
        "stepwise_cpu_per_fit_s": step_cpu / fits,
        "bootstrap_wall_1_core_s": boot_wall,
        "bootstrap_cpu_s": boot_cpu,
        "bootstrap_wall_parallel_s": par_wall,
        "jobs": jobs,
        "total": serial.total,
        "low": serial.ci.low,
        "high": serial.ci.high or float("nan"),
    }


def r_side(fits: int, reps: int) -> dict[str, float] | None:
    if not shutil.which("Rscript"):
        return None
    command = ["Rscript", str(ROOT / "bench" / "mse_bench.R"), str(DATA), str(fits), str(reps)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print("R side not run:", done.stderr.strip().splitlines()[-1:])
        return None
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=200, help="Python stepwise fits to time")
    parser.add_argument("--reps", type=int, default=1000, help="Python bootstrap replicates")
    parser.add_argument("--r-fits", type=int, default=20, help="R stepwise fits to time")
    parser.add_argument("--r-reps", type=int, default=200, help="R bootstrap replicates")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"load average before: {load()}  (cores: {os.cpu_count()})")
    r = r_side(args.r_fits, args.r_reps)
    print(f"load average after R: {load()}")
    py = python_side(args.fits, args.reps, args.jobs)
    print(f"load average after Python: {load()}")
    print(
        f"\nUKdat stepwise fit: tiphub {py['stepwise_per_fit_s'] * 1e3:.1f} ms wall, "
        f"{py['stepwise_cpu_per_fit_s'] * 1e3:.1f} ms CPU per fit"
    )
    print(
        f"UKdat BCa bootstrap, {args.reps} replicates: tiphub {py['bootstrap_cpu_s']:.1f} s CPU "
        f"(1 core, {py['bootstrap_wall_1_core_s']:.1f} s wall); "
        f"{py['bootstrap_wall_parallel_s']:.1f} s wall on {py['jobs']} workers; "
        f"interval [{py['low']:.0f}, {py['high']:.0f}]"
    )
    if r is None:
        return
    r_fit_wall = r["stepwise_wall_s"] / r["stepwise_fits"]
    r_fit_cpu = r["stepwise_cpu_s"] / r["stepwise_fits"]
    scale = args.reps / r["bootstrap_reps"]
    r_boot_cpu = r["bootstrap_cpu_s"] * scale
    r_boot_wall = r["bootstrap_wall_s"] * scale
    print(
        f"R {r['r_version']} SparseMSE {r['sparsemse']}: stepwise {r_fit_wall * 1e3:.0f} ms wall, "
        f"{r_fit_cpu * 1e3:.0f} ms CPU per fit; bootstrap {r['bootstrap_reps']} replicates "
        f"{r['bootstrap_cpu_s']:.1f} s CPU ({r['bootstrap_wall_s']:.1f} s wall) -> "
        f"{r_boot_cpu:.0f} s CPU for {args.reps}"
    )
    print(
        f"\nspeed-up, stepwise: {r_fit_cpu / py['stepwise_cpu_per_fit_s']:.0f}x CPU, "
        f"{r_fit_wall / py['stepwise_per_fit_s']:.0f}x wall"
    )
    print(
        f"speed-up, bootstrap {args.reps}: {r_boot_cpu / py['bootstrap_cpu_s']:.0f}x CPU (1 core "
        f"each), {r_boot_wall / py['bootstrap_wall_parallel_s']:.0f}x wall "
        f"(R 1 core vs tiphub {py['jobs']} workers)"
    )


if __name__ == "__main__":
    main()
