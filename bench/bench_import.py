"""Benchmark: importing 100,000 synthetic victim records into the registry.

    .venv/bin/python bench/bench_import.py [--records 100000] [--postgres URL]

Builds one intake file of N records from the synthetic country (`tiphub synth`, all agencies'
records in one file), then, on a fresh SQLite database (and PostgreSQL when `--postgres` is
given), times in separate processes (so that each peak RSS is its own):

- `validate`: `tiphub.standard.load_intake` alone (parse, check, normalise);
- `import`: `registry.services.import_file` (validate + encrypt + upsert + one audit event per
  record, one transaction);
- `re-import`: the same file again (every record unchanged: fingerprints compared, nothing written);
- `update`: a copy with every record changed (all rows rewritten, field-level audit);
- `baseline`: the peer lower bound, `pandas.read_csv` + `DataFrame.to_sql` of the same rows into
  a plain table (no validation, no encryption, no audit).

Prints a Markdown table for bench/RESULTS.md. Work files go under var/bench/.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
TIPHUB = [sys.executable, "-m", "tiphub"]


def make_file(records: int) -> Path:
    """One intake CSV with `records` rows from a synthetic country (cached under var/bench)."""
    target = WORK / f"import-{records}.csv"
    if target.exists():
        return target
    country = WORK / f"country-{records}"
    victims = int(records * 1.25) + 1000
    subprocess.run(
        [*TIPHUB, "synth", "--out", str(country), "--victims", str(victims), "--seed", "3"],
        check=True,
    )
    meta = json.loads((country / "country.json").read_text())
    written = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = None
        for agency in meta["agencies"]:
            with (country / agency["file"]).open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if writer is None:
                    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
                    writer.writeheader()
                for row in reader:
                    if written == records:
                        break
                    writer.writerow(row)
                    written += 1
    if written < records:
        raise SystemExit(f"the synthetic country gave only {written} records")
    return target


def changed_copy(source: Path) -> Path:
    """The same records with one statistical field changed in each (every record updated)."""
    target = source.with_name(source.stem + "-changed.csv")
    if target.exists():
        return target
    with (
        source.open(encoding="utf-8", newline="") as inp,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(inp)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            row["region"] = "BENCH-R2"
            writer.writerow(row)
    return target


# --- child processes -------------------------------------------------------------------------


def _measure(start: float, cpu: float) -> dict[str, object]:
    """Wall seconds, CPU seconds of this process (robust on a shared machine), peak RSS."""
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def child(step: str, path: Path) -> dict[str, object]:
    """Run one step in this process and report seconds and peak RSS."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiphub.web.settings")
    from tiphub.web.bootstrap import setup_django

    setup_django()
    start, cpu = time.perf_counter(), time.process_time()
    detail: dict[str, object] = {}
    if step == "validate":
        from tiphub.standard import load_intake

        batch = load_intake(path)
        assert batch.ok, batch.report.summary()
        detail["rows"] = len(batch.records)
    elif step in {"import", "re-import", "update"}:
        from tiphub.web.registry.services import import_file

        result = import_file(path, "BENCH", "bench", create_agency=True)
        assert result.ok, result.report
        detail.update(created=result.created, updated=result.updated, unchanged=result.unchanged)
    else:
        raise SystemExit(f"unknown step {step}")
    return {"step": step, **_measure(start, cpu), **detail}


def baseline_child(path: Path) -> dict[str, object]:
    """pandas read_csv + to_sql into a plain table over the same DB-API connection."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiphub.web.settings")
    from tiphub.web.bootstrap import setup_django

    setup_django()
    import pandas as pd
    from django.db import connection, transaction

    start, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = list(frame.columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    definition = ", ".join(f'"{c}" text' for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute(f"CREATE TABLE bench_plain ({definition})")
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO bench_plain ({quoted}) VALUES ({placeholders})",  # noqa: S608
            frame.itertuples(index=False, name=None),
        )
    return {"step": "baseline", **_measure(start, cpu)}


# --- driver ----------------------------------------------------------------------------------


def run_step(step: str, path: Path, env: dict[str, str]) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def backend(
    name: str, database_url: str | None, path: Path, changed: Path
) -> list[dict[str, object]]:
    var = Path(tempfile.mkdtemp(prefix=f"tiphub-bench-{name}-"))
    env = {**os.environ, "TIPHUB_VAR_DIR": str(var), "TIPHUB_KEY_FILE": str(var / "field.key")}
    if database_url:
        env["TIPHUB_DATABASE_URL"] = database_url
    else:
        env.pop("TIPHUB_DATABASE_URL", None)
    subprocess.run([*TIPHUB, "migrate"], env=env, check=True, capture_output=True)
    results = []
    for step, source in (
        ("validate", path),
        ("import", path),
        ("re-import", path),
        ("update", changed),
        ("baseline", path),
    ):
        result = run_step(step, source, env)
        result["backend"] = name
        results.append(result)
        print(json.dumps(result), file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres", help="PostgreSQL URL of an empty database to use")
    parser.add_argument("--child", nargs=2, metavar=("STEP", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, file = args.child
        result = baseline_child(Path(file)) if step == "baseline" else child(step, Path(file))
        print(json.dumps(result))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    path = make_file(args.records)
    changed = changed_copy(path)
    results = backend("SQLite", None, path, changed)
    if args.postgres:
        results += backend("PostgreSQL", args.postgres, path, changed)
    print(f"\n{args.records:,} records; {platform.python_version()}, {os.cpu_count()} cores\n")
    print("| backend | step | wall s | CPU s | records/s (wall) | peak RSS MiB | notes |")
    print("|---|---|---:|---:|---:|---:|---|")
    for r in results:
        rate = round(args.records / float(r["seconds"])) if r["seconds"] else 0
        notes = ", ".join(
            f"{k} {r[k]}" for k in ("created", "updated", "unchanged", "rows") if k in r
        )
        print(
            f"| {r['backend']} | {r['step']} | {r['seconds']} | {r['cpu_seconds']} | {rate:,} | "
            f"{r['peak_rss_mib']} | {notes} |"
        )


if __name__ == "__main__":
    main()
