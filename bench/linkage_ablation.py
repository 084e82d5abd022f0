"""Each piece of the linkage model on and off, on synthetic countries (encoded mode).

    .venv/bin/python bench/linkage_ablation.py --countries 4 --victims 2000

For each seed: `tiphub synth`, `tiphub keygen` and `tiphub encode` per agency (as in
bench/linkage_e2e.py), once; then the same encodings are linked in this process under each
configuration: `full` (the defaults), `full` with one piece switched off, and `before` (every
piece off: the model before issue #4's end-to-end work). Prints, per configuration, pairwise
precision / recall / F1 on clusters against truth.csv and persons linked against true.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from linkage_e2e import f1, pairs, run
from tiphub.linkage.linker import LinkConfig, link
from tiphub.linkage.prepare import LSHConfig, read_encodings

#: LinkConfig arguments that switch each piece off.
PIECES: dict[str, dict[str, object]] = {
    "average clustering": {"clustering": "components"},
    "context comparisons": {"context": False},
    "EM on equal name / date": {"train_on_equal": False},
    "year superseded by date": {"supersede_year": False},
    "name-only LSH bands": {"lsh": LSHConfig(more_fields=())},
}


def configurations() -> dict[str, LinkConfig]:
    out = {"full": LinkConfig()}
    for piece, off in PIECES.items():
        out[f"full without {piece}"] = LinkConfig(**off)
    everything_off: dict[str, object] = {}
    for off in PIECES.values():
        everything_off.update(off)
    out["before (all off)"] = LinkConfig(**everything_off)
    return out


def encode_country(seed: int, victims: int, work: Path) -> Path:
    folder = work / f"country-{seed}"
    run("synth", "--out", str(folder), "--victims", str(victims), "--seed", str(seed))
    key = folder / "agencies.key"
    run("keygen", "--out", str(key))
    for path in sorted(p for p in folder.glob("*.csv") if p.stem.isupper()):
        out = folder / f"{path.stem}.parquet"
        run("encode", str(path), "--key-file", str(key), "--agency", path.stem, "--out", str(out))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--countries", type=int, default=4)
    parser.add_argument("--victims", type=int, default=2000)
    parser.add_argument("--first-seed", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tiphub-ablation-"))
    rows = []
    try:
        seeds = range(args.first_seed, args.first_seed + args.countries)
        folders = {seed: encode_country(seed, args.victims, work) for seed in seeds}
        for name, config in configurations().items():
            for seed, folder in folders.items():
                truth = pd.read_csv(folder / "truth.csv", dtype=str)
                data = read_encodings([str(p) for p in sorted(folder.glob("*.parquet"))])
                clusters = link(data, config).clusters.astype(str)
                precision, recall, score = f1(
                    pairs(clusters, "person_id"), pairs(truth, "person_id")
                )
                row = {
                    "configuration": name,
                    "seed": seed,
                    "persons_true": truth["person_id"].nunique(),
                    "persons_linked": clusters["person_id"].nunique(),
                    "precision": round(precision, 4),
                    "recall": round(recall, 4),
                    "f1": round(score, 4),
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = pd.DataFrame(rows).assign(excess=lambda t: t["persons_linked"] - t["persons_true"])
    summary = table.groupby("configuration", sort=False).agg(
        precision=("precision", "mean"),
        recall=("recall", "mean"),
        f1=("f1", "mean"),
        f1_min=("f1", "min"),
        excess_persons_mean=("excess", "mean"),
        excess_persons_abs_mean=("excess", lambda e: e.abs().mean()),
    )
    print(summary.round(4).to_string())


if __name__ == "__main__":
    main()
