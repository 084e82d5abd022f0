"""Benchmark of the data standard: synthetic country generation and intake validation.

Run: `.venv/bin/python bench/standard_bench.py --victims 100000` (prints a Markdown table for
bench/RESULTS.md). Wall time and CPU time are both shown: on a shared machine the CPU time is the
stable figure. The peer for validation is pandas.read_csv on the same file: it parses but
checks nothing, so it is the floor any validator is measured against.
"""

import argparse
import resource
import tempfile
import time
from pathlib import Path


class Timer:
    """Wall-clock and CPU seconds of a block."""

    def __enter__(self) -> "Timer":
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu

    def figures(self) -> tuple[str, str]:
        return f"{self.wall:.1f} s", f"{self.cpu:.1f} s"


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--victims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import pandas as pd

    from tiphub.standard import load_intake
    from tiphub.standard.synth import SynthConfig, generate_country, write_country

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with Timer() as timer:
            country = generate_country(SynthConfig(victims=args.victims, seed=args.seed))
        n_records = sum(len(r) for r in country.records.values())
        rows.append(
            (
                f"synth: generate {args.victims:,} victims ({n_records:,} records)",
                *timer.figures(),
                f"{n_records / timer.cpu:,.0f} records/s",
            )
        )
        with Timer() as timer:
            write_country(country, out)
        rows.append(("synth: write the files", *timer.figures(), ""))

        files = sorted(out.glob("[A-Z][A-Z][A-Z].csv"))
        total = 0
        with Timer() as timer:
            for path in files:
                batch = load_intake(path)
                assert batch.ok, batch.report.summary()
                total += batch.report.n_rows
        rows.append(
            (
                f"load_intake: {len(files)} agency files, {total:,} rows",
                *timer.figures(),
                f"{total / timer.cpu:,.0f} rows/s (CPU)",
            )
        )
        with Timer() as timer:
            for path in files:
                pd.read_csv(path, dtype=str, keep_default_na=False)
        rows.append(
            (
                "peer: pandas.read_csv, same files (parse only)",
                *timer.figures(),
                f"{total / timer.cpu:,.0f} rows/s (CPU)",
            )
        )
    rows.append(("peak resident memory of the run", f"{_peak_rss_mib():,.0f} MiB", "", ""))

    print("| step | wall | CPU | rate |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
