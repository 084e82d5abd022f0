"""Linkage benchmarks: encoding throughput, 1M-record dedupe, FEBRL4 quality; peers in the same run.

    .venv/bin/python bench/linkage_bench.py encode  --records 1000000
    .venv/bin/python bench/linkage_bench.py dedupe  --records 1000000 [--peer]
    .venv/bin/python bench/linkage_bench.py febrl4

Each step runs in its own process so its peak resident memory is its own. Wall time is noisy on
the shared machine; CPU time (all threads of the process) is the stable figure, and the machine's
load average is printed with every result.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(result: dict) -> None:
    result["load_average"] = _load()
    result["peak_rss_mib"] = round(_peak_mib())
    print(json.dumps(result))


def _timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - wall, time.process_time() - cpu


# ---------------------------------------------------------------- steps (child processes)


def step_make(records: int, out: str) -> None:
    from linkage_people import make_people

    frame, wall, _ = _timed(make_people, records)
    frame.to_parquet(out)
    _emit({"step": "make", "records": records, "wall_s": round(wall, 1)})


def step_encode(data: str, out: str) -> None:
    import pandas as pd

    from tiphub.linkage.encoder import Encoder, write_encodings
    from tiphub.linkage.keys import generate_key

    frame = pd.read_parquet(data).drop(columns=["person"])
    encoder = Encoder(generate_key())
    table, wall, cpu = _timed(encoder.encode, frame, agency="X")
    write_encodings(table, out)
    _emit(
        {
            "step": "encode (tiphub, default settings: full name, date and year of birth, "
            "sex, citizenship; 5 keyed tokens)",
            "records": len(frame),
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "records_per_cpu_s": round(len(frame) / cpu),
        }
    )


def step_link(encoded: str, data: str, threads: int) -> None:
    import pandas as pd

    from tiphub.linkage.evaluate import pairs_from_groups, score
    from tiphub.linkage.linker import LinkConfig, link
    from tiphub.linkage.prepare import read_encodings

    loaded = read_encodings([encoded])
    config = LinkConfig(threshold=0.5, threads=threads, memory_limit="4GB")
    result, wall, cpu = _timed(link, loaded, config)
    truth_frame = pd.read_parquet(data, columns=["record_id", "person"]).assign(agency="X")
    truth = pairs_from_groups(truth_frame, "person")
    found = score(pairs_from_groups(result.clusters, "person_id"), truth)
    _emit(
        {
            "step": "dedupe encoded (tiphub on Splink/DuckDB)",
            "records": len(result.clusters),
            "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1),
            "timings": {k: round(v, 1) for k, v in result.timings.items()},
            "candidate_pairs_kept": result.n_candidate_pairs,
            "precision": round(found.precision, 4),
            "recall": round(found.recall, 4),
            "f1": round(found.f1, 4),
        }
    )


def step_peer_splink(data: str, threads: int) -> None:
    """Splink plaintext as its documentation sets it up: JW names, date comparisons, three
    blocking rules, u from 1e6 random pairs, EM on two rules; connected components."""
    import duckdb
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from tiphub.linkage.evaluate import pairs_from_groups, score

    frame = pd.read_parquet(data)
    frame["sex"] = frame["sex"].astype(str)
    wall, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    con.execute("SET memory_limit='4GB'")
    api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.92, 0.85, 0.7]),
            cl.JaroWinklerAtThresholds("family_name", [0.92, 0.85, 0.7]),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("family_name", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
        ],
    )
    clean = frame.drop(columns=["person"]).replace({"": None})
    linker = Linker(api.register(clean), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_name", "date_of_birth")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "date_of_birth")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.5)
    result = clusters.as_pandas_dataframe()[["record_id", "cluster_id"]]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    truth = pairs_from_groups(frame.assign(agency="X"), "person")
    found = score(pairs_from_groups(result.assign(agency="X"), "cluster_id"), truth)
    _emit(
        {
            "step": "dedupe plaintext (peer: Splink 5 + DuckDB, documented set-up)",
            "records": len(frame),
            "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1),
            "precision": round(found.precision, 4),
            "recall": round(found.recall, 4),
            "f1": round(found.f1, 4),
        }
    )


def step_febrl4(mode: str) -> None:
    from tiphub.linkage.datasets import FEBRL_SETTINGS, febrl4
    from tiphub.linkage.encoder import Encoder
    from tiphub.linkage.evaluate import pairs_from_predictions, score
    from tiphub.linkage.keys import generate_key
    from tiphub.linkage.linker import LinkConfig, link
    from tiphub.linkage.prepare import from_tables, plaintext_input

    a, b, links = febrl4(ROOT / "tests" / "data" / "linkage")
    truth = {(("A", x), ("B", y)) for x, y in links}
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "encoded":
        encoder = Encoder(generate_key(), FEBRL_SETTINGS)
        data = from_tables([encoder.encode(a, agency="A"), encoder.encode(b, agency="B")])
        values = None
    else:
        data, values = plaintext_input({"A": a, "B": b}, FEBRL_SETTINGS)
    encode_s = time.perf_counter() - wall
    result = link(data, LinkConfig(threshold=0.5, keep_pairs_above=0.0), plaintext=values)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    records = data.table.select(["agency", "record_id"]).to_pandas()
    scores = {
        str(t): str(score(pairs_from_predictions(result.pairs, records, t), truth))
        for t in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99)
    }
    blocked = score(pairs_from_predictions(result.pairs, records, 0.0), truth)
    _emit(
        {
            "step": f"FEBRL4 {mode} (tiphub, FEBRL_SETTINGS, no labels)",
            "candidate_pairs": result.n_candidate_pairs,
            "blocking_recall": round(blocked.recall, 4),
            "by_threshold": scores,
            "encode_s": round(encode_s, 2),
            "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1),
            "timings": {k: round(v, 1) for k, v in result.timings.items()},
        }
    )


# ---------------------------------------------------------------- driver


def _child(*args: str) -> dict:
    command = [sys.executable, __file__, "_step", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"step {args[0]} failed")
    result = json.loads(lines[-1])
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["encode", "dedupe", "febrl4", "_step"])
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--peer", action="store_true")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    if args.what == "_step":
        name, *params = args.rest
        steps = {
            "make": lambda: step_make(int(params[0]), params[1]),
            "encode": lambda: step_encode(params[0], params[1]),
            "link": lambda: step_link(params[0], params[1], int(params[2])),
            "peer_splink": lambda: step_peer_splink(params[0], int(params[1])),
            "febrl4": lambda: step_febrl4(params[0]),
        }
        steps[name]()
        return
    if args.what == "febrl4":
        print(f"# {' '.join(sys.argv)}  (cores {os.cpu_count()})", flush=True)
        _child("febrl4", "plaintext")
        _child("febrl4", "encoded")
        return
    work = Path(args.workdir or tempfile.mkdtemp(prefix="tiphub-linkage-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data, encoded = str(work / "people.parquet"), str(work / "encoded.parquet")
    print(f"# {' '.join(sys.argv)}  (workdir {work}, cores {os.cpu_count()})", flush=True)
    if not Path(data).exists():
        _child("make", str(args.records), data)
    _child("encode", data, encoded)
    if args.what == "dedupe":
        _child("link", encoded, data, str(args.threads))
        if args.peer:
            _child("peer_splink", data, str(args.threads))


if __name__ == "__main__":
    main()
