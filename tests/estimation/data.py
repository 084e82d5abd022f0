"""Paths and loaders for the MSE test data (tests/data/mse, see its README)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from tiphub.estimation import CaptureTable

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"
DATASETS = sorted(p.stem for p in DATA.glob("*.csv") if not p.stem.startswith("replicates_"))


@cache
def table(name: str) -> CaptureTable:
    return CaptureTable.from_csv(DATA / f"{name}.csv")


@cache
def reference_r() -> dict[str, Any]:
    return json.loads((DATA / "reference_r.json").read_text())


@cache
def reference_public() -> dict[str, Any]:
    return json.loads((DATA / "reference_public.json").read_text())


def as_list(value: Any) -> list[str]:
    """R's JSON writes a one-element character vector as a string and an empty one as []."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def rel(ours: float, theirs: float) -> float:
    return abs(ours - theirs) / abs(theirs) if theirs else abs(ours)
