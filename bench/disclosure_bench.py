"""Benchmark: secondary suppression, optimal (MILP) against the greedy heuristic, same run.

Run: .venv/bin/python bench/disclosure_bench.py [--records 1000000] [--large 300000]
Releases: the demo country (tests/disclosure/data/demo_cells.csv, every built-in table and
year), the indicator benchmark's synthetic frame (N records, 5 years), and a larger country
(many citizenships and regions, 10 years) to show how the optimisation scales. For each: cells
suppressed by each method, headline cells hidden (national totals, female/male totals), time.
bench/RESULTS.md (## indicators) records the figures.
"""

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tiphub.disclosure.constraints import TOTAL
from tiphub.disclosure.release import protect
from tiphub.disclosure.suppression import Policy
from tiphub.indicators.compute import count_cells
from tiphub.indicators.frame import normalise_frame
from tiphub.indicators.registry import load_registry
from tiphub.indicators.synthetic import synthetic_frame

DEMO_CELLS = Path(__file__).parent.parent / "tests" / "disclosure" / "data" / "demo_cells.csv"


def large_country(n: int, seed: int = 3) -> pd.DataFrame:
    """The synthetic frame with 60 citizenships (long-tailed) and 25 regions over 10 years."""
    frame = synthetic_frame(n, years=tuple(range(2015, 2025)), seed=seed)
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, 61) ** 1.3
    frame["citizenship"] = rng.choice(
        np.array([f"C{i:02d}" for i in range(60)]), n, p=weights / weights.sum()
    )
    frame["region"] = rng.choice(np.array([f"R{i:02d}" for i in range(25)]), n)
    return frame


def demo_cells() -> pd.DataFrame:
    cells = pd.read_csv(DEMO_CELLS, dtype=str, keep_default_na=False)
    cells["year"] = cells["year"].astype("int64")
    cells["value"] = cells["value"].astype("int64")
    return cells


def headline_hidden(table: pd.DataFrame, dims: list[str]) -> tuple[int, int]:
    """(national totals hidden, female/male totals hidden)."""
    level = table[dims].ne(TOTAL).sum(axis=1)
    hidden = table["status"] == "secondary"
    national = int((hidden & (level == 0)).sum())
    by_sex = int((hidden & (level == 1) & table["sex"].isin(["F", "M"])).sum())
    return national, by_sex


def run(name: str, cells: pd.DataFrame, dims: dict[str, bool], min_cell: int) -> None:
    years = cells["year"].nunique()
    for method in ("greedy", "optimal"):
        started = time.perf_counter()
        protected = protect(cells, dims, Policy(min_cell=min_cell, method=method))
        seconds = time.perf_counter() - started
        counts = protected.report["cells"]
        national, by_sex = headline_hidden(protected.table, list(dims))
        extra = protected.report["secondary"]
        print(
            f"| {name} | {min_cell} | {len(cells)} ({years} y) | {method} | {counts['primary']} "
            f"| {counts['secondary']} | {counts['withdrawn']} | {national}/{years} "
            f"| {by_sex}/{2 * years} | {seconds:.2f} s "
            f"| {'yes' if extra['proven_optimal'] else 'no'} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=300_000)
    args = parser.parse_args()
    reg = load_registry()
    dims = {d: reg.dimensions[d].additive for d in reg.dimensions}
    print(f"load={os.getloadavg()[0]:.2f} cores={os.cpu_count()}")
    print(
        "| release | T | cells | method | primary | secondary | withdrawn | national totals "
        "hidden | F/M totals hidden | time | proven optimal |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    demo = demo_cells()
    bench = count_cells(
        normalise_frame(synthetic_frame(args.records, years=(2020, 2021, 2022, 2023, 2024))), reg
    )
    large = count_cells(normalise_frame(large_country(args.large)), reg)
    for min_cell in (5, 11):
        run("demo country", demo, dims, min_cell)
    for min_cell in (5, 11):
        run(f"benchmark {args.records:,}", bench, dims, min_cell)
    for min_cell in (5, 11):
        run(f"large country {args.large:,}", large, dims, min_cell)


if __name__ == "__main__":
    main()
