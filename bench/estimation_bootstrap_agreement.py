"""BCa bootstrap intervals against R's published run (reference_public.json: SparseMSE
estimatepopulation, 1000 replicates, R seed 1234) on Western and Korea.

R's Mersenne Twister draws cannot be reproduced, so a single run of ours differs from R's by Monte
Carlo error (tests/estimation/test_bootstrap.py shows the procedure is identical on identical
tables). This runs `--seeds` independent 1000-replicate bootstraps and reports, for each BCa
level, the median of our limits and its relative difference from R's, and how many single runs
fall within 3% of R.

    .venv/bin/python bench/estimation_bootstrap_agreement.py --seeds 10
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from tiphub.estimation import CaptureTable, Procedure
from tiphub.estimation.bootstrap import run_bootstrap

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "mse"
LEVELS = [0.025, 0.05, 0.1, 0.16, 0.84, 0.9, 0.95, 0.975]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    reference = json.loads((DATA / "reference_public.json").read_text())["bootstrap_bca"]
    for name in ("Western", "Korea"):
        table = CaptureTable.from_csv(DATA / f"{name}.csv")
        r_limits = np.array([reference[name]["BCa"][str(level)] for level in LEVELS])
        runs = []
        start = time.perf_counter()
        for seed in range(args.seeds):
            result = run_bootstrap(
                table, Procedure("stepwise", 0.02), reps=args.reps, seed=seed, n_jobs=args.jobs
            )
            runs.append(list(result.quantiles(LEVELS).values()))
        ours = np.array(runs)
        median = np.median(ours, axis=0)
        within = (np.abs(ours / r_limits - 1) <= 0.03).sum(axis=0)
        print(
            f"\n{name}: {args.seeds} runs x {args.reps} replicates "
            f"({time.perf_counter() - start:.0f} s)"
        )
        print(
            f"{'level':>7}{'R':>10}{'median':>10}{'diff':>8}{'min':>10}{'max':>10}"
            f"{'runs within 3%':>16}"
        )
        for i, level in enumerate(LEVELS):
            print(
                f"{level:>7}{r_limits[i]:>10.1f}{median[i]:>10.1f}"
                f"{median[i] / r_limits[i] - 1:>+8.1%}{ours[:, i].min():>10.1f}"
                f"{ours[:, i].max():>10.1f}{within[i]:>10}/{args.seeds}"
            )


if __name__ == "__main__":
    main()
