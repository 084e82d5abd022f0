"""Benchmark: all built-in indicators for N records on DuckDB (and the full publish gate).

Run: .venv/bin/python bench/indicators_bench.py --records 1000000
Prints the timings; bench/RESULTS.md (## indicators) records them with the machine's load.
"""

import argparse
import os
import time

from tiphub.disclosure.release import protect
from tiphub.disclosure.suppression import Policy
from tiphub.indicators.compute import PublishedCells, count_cells, derive
from tiphub.indicators.frame import normalise_frame
from tiphub.indicators.registry import load_registry
from tiphub.indicators.synthetic import synthetic_frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    reg = load_registry()
    frame = normalise_frame(synthetic_frame(args.records, years=(2020, 2021, 2022, 2023, 2024)))
    dims = {d: reg.dimensions[d].additive for d in reg.dimensions}
    print(f"records={args.records:,} load={os.getloadavg()[0]:.2f} cores={os.cpu_count()}")
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        cells = count_cells(frame, reg)
        t1 = time.perf_counter()
        best = min(best, t1 - t0)
    print(f"count cells (all built-in count indicators, 5 years): {best:.2f} s, {len(cells)} cells")
    t2 = time.perf_counter()
    protected = protect(cells, dims, Policy(min_cell=5))
    t3 = time.perf_counter()
    values = derive(reg, PublishedCells(protected.published(), list(dims)), min_cell=5)
    t4 = time.perf_counter()
    print(
        f"disclosure control (optimal suppression + LP audit): {t3 - t2:.2f} s; "
        f"{protected.report['cells']}"
    )
    print(f"derive indicator values: {t4 - t3:.2f} s, {len(values)} values")
    print(f"total: {best + (t4 - t2):.2f} s")
    t5 = time.perf_counter()
    greedy = protect(cells, dims, Policy(min_cell=5, method="greedy"))
    print(
        f"for comparison, the greedy secondary suppression: {time.perf_counter() - t5:.2f} s; "
        f"{greedy.report['cells']}"
    )


if __name__ == "__main__":
    main()
