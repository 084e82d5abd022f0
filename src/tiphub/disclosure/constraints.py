"""The linear relations an attacker knows between the cells of a release.

A release is a set of count cells keyed by year and one option (or `_T`, total) per dimension.
For an *additive* dimension (every victim has exactly one option, unknown included) a total
equals the sum of its children; for a multi-valued dimension (form of exploitation) each child is
at most the total. These relations are all the arithmetic "recovery by subtraction" can use, so
the audit and the secondary suppression work on exactly this system.

Completeness: cells come from GROUP BY over the whole frame, so every non-empty child of a total
is in the release; absent children are zero. The equations are therefore exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

TOTAL = "_T"


@dataclass(frozen=True)
class Relation:
    """`parent = sum(children)` (equality) or `child <= parent` for each child (bound)."""

    parent: int
    children: tuple[int, ...]
    equality: bool


def build_relations(cells: pd.DataFrame, dims: dict[str, bool]) -> list[Relation]:
    """All relations among `cells` (row positions), given each dimension's additivity."""
    key_cols = ["year", *dims]
    keys = cells[key_cols].astype(str)
    index = {tuple(row): pos for pos, row in enumerate(keys.itertuples(index=False, name=None))}
    relations: list[Relation] = []
    for d_pos, (dim, additive) in enumerate(dims.items()):
        col = keys[dim].to_numpy()
        groups: dict[int, list[int]] = defaultdict(list)
        for pos, row in enumerate(keys.itertuples(index=False, name=None)):
            if col[pos] == TOTAL:
                continue
            parent_key = list(row)
            parent_key[1 + d_pos] = TOTAL
            parent = index.get(tuple(parent_key))
            if parent is not None:
                groups[parent].append(pos)
        for parent, children in groups.items():
            relations.append(Relation(parent, tuple(sorted(children)), additive))
    return relations
