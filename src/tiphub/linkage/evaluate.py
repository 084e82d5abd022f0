"""Pairwise quality of a link against known truth (benchmarks and tests only).

Precision, recall and F1 are counted over record pairs, with pairs lost in blocking counted as
missed (false negatives), which is the honest way to compare linkers.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import pandas as pd


@dataclass(frozen=True)
class PairScore:
    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return f"P={self.precision:.4f} R={self.recall:.4f} F1={self.f1:.4f}"


Pair = tuple[tuple[str, str], tuple[str, str]]


def _ordered(a: tuple[str, str], b: tuple[str, str]) -> Pair:
    return (a, b) if a <= b else (b, a)


def pairs_from_groups(frame: pd.DataFrame, group: str) -> set[Pair]:
    """All record pairs inside each group (`agency`, `record_id`, `group` columns)."""
    out: set[Pair] = set()
    for _, members in frame.groupby(group):
        keys = sorted(zip(members["agency"], members["record_id"], strict=True))
        out.update(combinations(keys, 2))
    return out


def pairs_from_predictions(
    pairs: pd.DataFrame, records: pd.DataFrame, threshold: float
) -> set[Pair]:
    """Record pairs whose match probability reaches `threshold`. `records` maps `uid` (row
    position) to agency and record_id."""
    kept = pairs[pairs["match_probability"] >= threshold]
    agency = records["agency"].to_numpy()
    record = records["record_id"].to_numpy()
    return {
        _ordered((agency[left], record[left]), (agency[right], record[right]))
        for left, right in zip(kept["uid_l"], kept["uid_r"], strict=True)
    }


def score(predicted: set[Pair], actual: set[Pair]) -> PairScore:
    return PairScore(len(predicted & actual), len(predicted), len(actual))
