"""The linkage service: what `tiphub link` does, callable from Python and the web app.

    run = link_encoded_files(["POL.parquet", "NGO.parquet"], threshold=0.5)
    run = link_identities({"POL": frame_pol, "NGO": frame_ngo}, threshold=0.5)
    summary = write_outputs(run, out=Path("clusters.csv"), histories=Path("h.csv"))

A `LinkRun` holds the `LinkResult` (clusters, pairs, model, diagnostics data) and the records'
statistical columns (for stratified capture histories). Errors are `LinkServiceError` with a
message in plain words (file, row, column; never an identifying value).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd

from tiphub.linkage.clustering import ClusterMethod
from tiphub.linkage.linker import LinkConfig, LinkError, LinkResult, link
from tiphub.linkage.prepare import InputError, plaintext_input, read_encodings
from tiphub.linkage.settings import DEFAULT_SETTINGS, EncoderSettings


class LinkServiceError(ValueError):
    """The inputs cannot be linked; the message says which and why."""


@dataclass
class LinkRun:
    result: LinkResult
    stats: pd.DataFrame
    mode: str
    engine: str


def _config(threshold: float, engine: str, clustering: str) -> LinkConfig:
    try:
        method = cast(ClusterMethod, clustering)  # LinkConfig refuses an unknown method
        return LinkConfig(threshold=threshold, engine=engine, clustering=method)
    except ValueError as error:
        raise LinkServiceError(str(error)) from None


def link_encoded_files(
    paths: Sequence[str | Path],
    *,
    threshold: float = 0.5,
    engine: str = "duckdb",
    clustering: str = "average",
) -> LinkRun:
    """Link the agencies' encoded Parquet files (from `tiphub encode`)."""
    config = _config(threshold, engine, clustering)
    try:
        data = read_encodings([str(p) for p in paths])
        result = link(data, config)
    except (InputError, LinkError) as error:
        raise LinkServiceError(str(error)) from None
    hidden = [c for c in data.table.column_names if c.endswith(("_bf", "_bf1")) or c[:3] == "bk_"]
    stats = data.table.drop_columns(hidden).to_pandas()
    return LinkRun(result, stats, "encoded", engine)


def link_identities(
    frames: Mapping[str, pd.DataFrame],
    *,
    threshold: float = 0.5,
    engine: str = "duckdb",
    settings: EncoderSettings = DEFAULT_SETTINGS,
    clustering: str = "average",
) -> LinkRun:
    """Plaintext mode: link identities (agency code -> frame in the linkage CSV shape, as
    `tiphub.linkage.inputs.read_identities` gives it) for agencies that may share them."""
    config = _config(threshold, engine, clustering)
    try:
        data, values = plaintext_input(dict(frames), settings)
        result = link(data, config, plaintext=values)
    except (InputError, LinkError, ValueError) as error:
        raise LinkServiceError(str(error)) from None
    stats = pd.concat([f.assign(agency=code) for code, f in frames.items()], ignore_index=True)
    keep = [c for c in stats.columns if c not in {"given_name", "family_name", "date_of_birth"}]
    return LinkRun(result, stats[keep], "plaintext", engine)


def write_outputs(
    run: LinkRun,
    *,
    out: Path,
    histories: Path | None = None,
    strata: Sequence[str] = (),
    pictures: Path | None = None,
    model_out: Path | None = None,
) -> dict[str, Any]:
    """Write clusters.csv, the capture histories, the two pictures (and the model); return a
    summary of the run (counts, files, seconds)."""
    from tiphub.linkage.diagnostics import cluster_sizes_png, weight_histogram_png

    result = run.result
    missing = [s for s in strata if s not in run.stats.columns]
    if missing:
        raise LinkServiceError(f"no column {', '.join(missing)} in the inputs to stratify by")
    out.parent.mkdir(parents=True, exist_ok=True)
    result.clusters.to_csv(out, index=False)
    if histories is not None:
        table = result.histories(strata=list(strata) or None, stats=run.stats)
        histories.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(histories, index=False)
    folder = pictures or out.parent
    folder.mkdir(parents=True, exist_ok=True)
    weights_png = weight_histogram_png(
        result.weight_histogram, result.threshold, folder / f"{out.stem}_match_weights.png"
    )
    sizes_png = cluster_sizes_png(result.cluster_sizes(), folder / f"{out.stem}_cluster_sizes.png")
    if model_out is not None:
        model_out.write_text(json.dumps(result.model, indent=1), encoding="utf-8")
    return {
        "records": len(result.clusters),
        "persons": int(result.clusters["person_id"].nunique()),
        "agencies": {a: int(n) for a, n in result.clusters.groupby("agency").size().items()},
        "candidate_pairs": result.n_candidate_pairs,
        "threshold": result.threshold,
        "engine": run.engine,
        "mode": run.mode,
        "clusters": str(out),
        "histories": str(histories) if histories else None,
        "pictures": [str(weights_png), str(sizes_png)],
        "seconds": {k: round(v, 2) for k, v in result.timings.items()},
    }
