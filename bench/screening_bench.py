"""Benchmark of screening: the rule engine, reading a Kobo export, and a full screen-import.

Run: `.venv/bin/python bench/screening_bench.py --people 5000` (prints a Markdown table for
bench/RESULTS.md). Wall and CPU time are both shown: on a shared machine the CPU time is the
stable figure. No other tool implements the ILO/EC rules, so the engine has no peer; reading the
export is compared with pandas.read_csv on the same file (it parses and checks nothing: the
floor). The import stores the presumed victims through the registry into a throwaway SQLite
database (TIPHUB_VAR_DIR in a temporary directory).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
from pathlib import Path

from standard_bench import Timer  # the same wall/CPU timer as the standard bench


def synthetic_export(path: Path, people: int, seed: int) -> None:
    """A Kobo-style CSV export of the adults_labour form with random, plausible answers."""
    from tiphub.screening import default_catalogue
    from tiphub.screening.forms import form_schema

    rng = random.Random(seed)
    schema = form_schema(default_catalogue(), "adults_labour")
    header = [q.name for q in schema.questions] + ["meta/instanceID", "_uuid", "_submission_time"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";")
        writer.writeheader()
        for n in range(people):
            row: dict[str, str] = {"age": str(rng.randint(12, 60)), "screening_date": "2026-03-01"}
            for q in schema.questions:
                if q.type == "select_multiple":
                    names = [c.name for c in q.choices if c.name not in ("none", "not_assessed")]
                    picked = rng.sample(names, k=min(len(names), rng.choice([0, 0, 1, 2, 3])))
                    row[q.name] = " ".join(picked) or "none"
                elif q.meaning == "fact":
                    row[q.name] = rng.choice(["yes", "no", "dont_know"])
            row["tiphub_set"] = "adults_labour"
            uuid = f"00000000-0000-4000-8000-{n:012d}"
            row.update({"meta/instanceID": f"uuid:{uuid}", "_uuid": uuid})
            writer.writerow(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-import", action="store_true", help="skip the database import")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TIPHUB_VAR_DIR"] = str(Path(tmp) / "var")
        os.environ["TIPHUB_KEY_FILE"] = str(Path(tmp) / "keys" / "field.key")
        import pandas as pd

        from tiphub.screening import Screener, default_catalogue
        from tiphub.screening.submissions import read_submissions

        export = Path(tmp) / "export.csv"
        synthetic_export(export, args.people, args.seed)
        catalogue = default_catalogue()
        rows: list[tuple[str, str, str, str]] = []

        with Timer() as timer:
            pd.read_csv(export, sep=";", dtype=str)
        rows.append(
            (
                f"peer: pandas.read_csv of the export ({args.people:,} rows)",
                *timer.figures(),
                "parse only",
            )
        )
        with Timer() as timer:
            batch = read_submissions(export, catalogue)
        rate = f"{args.people / timer.cpu:,.0f} submissions/s"
        what = f"read_submissions: parse + validate {args.people:,} submissions"
        rows.append((what, *timer.figures(), rate))
        screener = Screener()
        with Timer() as timer:
            results = [screener.screen(s.screening) for s in batch.submissions]
        rows.append(
            (
                f"screen {args.people:,} people (4 outcomes, reasons, missing)",
                *timer.figures(),
                f"{args.people / timer.cpu:,.0f} people/s",
            )
        )
        presumed = sum(1 for r in results if r.verdict("presumed_victim") == "yes")

        if not args.no_import:
            from django.core.management import call_command

            from tiphub.web.bootstrap import setup_django

            setup_django()
            call_command("migrate", interactive=False, verbosity=0)
            from tiphub.web.registry import keys
            from tiphub.web.registry.models import Agency
            from tiphub.web.screening.services import import_submissions

            keys.ensure_key_file()
            Agency.objects.create(code="BENCH", name="Bench agency")
            with Timer() as timer:
                outcome = import_submissions(export, "BENCH", "bench")
            stored = outcome.summary()["records_stored"]
            rows.append(
                (
                    f"screen-import: {args.people:,} submissions, {stored:,} records (SQLite)",
                    *timer.figures(),
                    f"{args.people / timer.wall:,.0f} submissions/s (wall)",
                )
            )

    print(f"\n{presumed:,} of {args.people:,} synthetic people are presumed victims.\n")
    print("| step | wall | CPU | rate |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    command = ".venv/bin/python bench/screening_bench.py"
    print(f"\nCommand: {command} --people {args.people} --seed {args.seed}")


if __name__ == "__main__":
    main()
