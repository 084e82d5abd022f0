"""Capture histories: the table that multiple systems estimation reads (contracts.md section 3).

One 0/1 column per list (agency), then `count`: how many persons were seen by exactly that set
of agencies. The all-zero pattern (persons no agency saw) is what estimation infers; it is never
a row. Strata (e.g. `sex`, `year`) add leading columns; a person's stratum is taken from their
records (the most frequent value among them, ties broken by the first record).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def _commonest(values: pd.Series) -> object:
    modes = values.mode(dropna=True)
    return modes.iloc[0] if len(modes) else pd.NA


def capture_histories(
    clusters: pd.DataFrame,
    agencies: Sequence[str],
    *,
    strata: Sequence[str] | None = None,
    stats: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Histories from `clusters` (agency, record_id, person_id); `stats` (agency, record_id and
    the strata columns) is needed when `strata` are asked for."""
    lists = list(agencies)
    seen = clusters[["person_id", "agency"]].drop_duplicates()
    wide = (
        seen.assign(flag=1)
        .pivot_table(index="person_id", columns="agency", values="flag", fill_value=0)
        .reindex(columns=lists, fill_value=0)
        .astype(int)
    )
    strata = list(strata or [])
    if strata:
        if stats is None:
            raise ValueError("strata need the statistical columns of the records")
        merged = clusters.merge(stats, on=["agency", "record_id"], how="left")
        person_strata = merged.groupby("person_id")[strata].agg(_commonest)
        wide = person_strata.join(wide)
    table = wide.groupby([*strata, *lists], dropna=False).size().rename("count").reset_index()
    table = table.sort_values([*strata, *lists], ascending=True, kind="stable")
    return table.reset_index(drop=True)
