"""Stratified estimates (by sex, age group, form of exploitation, year ...) and the SDG 16.2.2
rate: detected and undetected victims per 100,000 population.

Each stratum gets its own capture table and its own model: capture probabilities differ by sex,
age and form of exploitation, and pooling strata with different catchability biases the pooled
estimate downwards, so the strata are estimated separately and the sum of strata is reported
beside the pooled estimate. The interval of the sum assumes the strata are independent and adds
the delta-method variances of the dark figures (se = D x se(log D)); this is an approximation,
stated with the figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.stats import norm

from tiphub.estimation.estimator import MSE
from tiphub.estimation.model import ModelNotFittableError
from tiphub.estimation.results import MSEResults
from tiphub.estimation.table import (
    CaptureTable,
    CaptureTableError,
    histories_from_records,
    tables_from_mapping,
)

if TYPE_CHECKING:
    import pandas as pd

PER = 100_000
POPULATION_COLUMN = "population"


@dataclass(frozen=True)
class StratumResult:
    key: tuple[Any, ...]
    results: MSEResults | None
    dropped_lists: tuple[str, ...] = ()
    error: str | None = None
    population: float | None = None

    def label(self, by: Sequence[str]) -> dict[str, Any]:
        return {name: _plain(value) for name, value in zip(by, self.key, strict=True)}


@dataclass(frozen=True)
class StratifiedResults:
    """One estimate per stratum, their sum, and the SDG 16.2.2 rate where population is given."""

    by: tuple[str, ...]
    strata: list[StratumResult]
    level: float
    total_population: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> list[StratumResult]:
        return [s for s in self.strata if s.results is None]

    def sum_of_strata(self) -> dict[str, Any] | None:
        """Sum of the strata totals with an approximate interval (independent strata)."""
        fitted = [s.results for s in self.strata if s.results is not None]
        if not fitted or self.failed:
            return None
        total = sum(r.total for r in fitted)
        variance = sum((r.dark_figure * r.model.intercept_se) ** 2 for r in fitted)
        z = float(norm.ppf(0.5 + self.level / 2))
        observed = sum(r.observed for r in fitted)
        low = max(float(observed), total - z * math.sqrt(variance))
        out: dict[str, Any] = {
            "observed": observed,
            "total": total,
            "ci": {
                "method": "sum of strata, delta method (independent strata)",
                "level": self.level,
                "low": low,
                "high": total + z * math.sqrt(variance),
            },
        }
        if self.total_population:
            out["rate_per_100k"] = rate_block(out["total"], out["ci"], self.total_population)
        return out

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for stratum in self.strata:
            row: dict[str, Any] = stratum.label(self.by)
            r = stratum.results
            row |= {
                "observed": r.observed if r else None,
                "total": r.total if r else None,
                "low": r.ci.low if r else None,
                "high": r.ci.high if r else None,
                "terms": ", ".join(r.terms) if r else None,
                "error": stratum.error,
            }
            if stratum.population and r:
                row["rate_per_100k"] = r.total / stratum.population * PER
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        strata = []
        for stratum in self.strata:
            entry: dict[str, Any] = {"stratum": stratum.label(self.by)}
            if stratum.results is not None:
                entry |= stratum.results.to_dict()
                if stratum.population:
                    entry["population"] = stratum.population
                    entry["rate_per_100k"] = rate_block(
                        stratum.results.total, stratum.results.ci.to_dict(), stratum.population
                    )
            else:
                entry["error"] = stratum.error
            if stratum.dropped_lists:
                entry["dropped_lists"] = list(stratum.dropped_lists)
            strata.append(entry)
        return {
            "by": list(self.by),
            "strata": strata,
            "sum_of_strata": self.sum_of_strata(),
            "notes": list(self.notes),
        }


def rate_block(total: float, ci: Mapping[str, Any], population: float) -> dict[str, Any]:
    """SDG 16.2.2: victims per 100,000 population, with the interval scaled alike (the
    population is taken as known)."""
    high = ci.get("high")
    return {
        "population": population,
        "rate": total / population * PER,
        "low": ci["low"] / population * PER,
        "high": None if high is None else high / population * PER,
        "level": ci.get("level"),
    }


def fit_strata(
    tables: Mapping[Any, CaptureTable],
    estimator: MSE,
    *,
    by: Sequence[str],
    population: pd.DataFrame | None = None,
) -> StratifiedResults:
    """Fit `estimator` in every stratum. Lists empty in a stratum are dropped there (and named);
    a stratum whose model cannot be fitted is reported with the reason, not silently skipped."""
    normalised = tables_from_mapping(tables)
    populations = population_lookup(population, by) if population is not None else {}
    strata: list[StratumResult] = []
    for key, table in normalised.items():
        pop = populations.get(tuple(str(v) for v in key))
        try:
            reduced, dropped = table.drop_empty_lists()
            results = estimator.fit(reduced)
        except (ModelNotFittableError, CaptureTableError, ValueError) as error:
            strata.append(StratumResult(key, None, error=str(error), population=pop))
            continue
        strata.append(StratumResult(key, results, tuple(dropped), population=pop))
    total_population = None
    if populations:
        missing = [s.key for s in strata if s.population is None]
        if missing:
            raise CaptureTableError(
                f"population table has no row for stratum {dict(zip(by, missing[0], strict=True))}"
            )
        total_population = float(sum(s.population or 0.0 for s in strata))
    return StratifiedResults(tuple(by), strata, estimator.level, total_population)


def pool_tables(tables: Mapping[Any, CaptureTable], source: str) -> CaptureTable:
    """All strata added up into one table (the pooled estimate shown beside the strata)."""
    merged: dict[tuple[int, ...], int] = {}
    lists: tuple[str, ...] | None = None
    for table in tables.values():
        if lists is not None and table.lists != lists:
            raise CaptureTableError(f"{source}: strata have different lists")
        lists = table.lists
        for pattern, count in zip(table.patterns, table.counts, strict=True):
            key = tuple(int(v) for v in pattern)
            merged[key] = merged.get(key, 0) + int(count)
    if lists is None:
        raise CaptureTableError(f"{source}: no strata")
    return CaptureTable.from_counts(lists, merged.keys(), merged.values(), source)


def population_lookup(frame: pd.DataFrame, by: Sequence[str]) -> dict[tuple[str, ...], float]:
    """Population by stratum from a table with the `by` columns and `population`."""
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if POPULATION_COLUMN not in columns:
        raise CaptureTableError(
            f"population table: no `population` column (columns: "
            f"{', '.join(map(str, frame.columns))})"
        )
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise CaptureTableError(f"population table: no column(s) {', '.join(missing)}")
    out: dict[tuple[str, ...], float] = {}
    for position, record in enumerate(frame.to_dict("records"), start=2):
        value = record.get(columns[POPULATION_COLUMN])
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        if not number > 0 or not np.isfinite(number):
            raise CaptureTableError(
                f"population table, row {position}: population {value!r} is not a positive number"
            )
        key = tuple(str(record[c]) for c in by)
        if key in out:
            raise CaptureTableError(f"population table, row {position}: duplicate stratum {key}")
        out[key] = number
    return out


def stratum_tables_from_records(
    records: pd.DataFrame,
    by: Sequence[str],
    *,
    person: str = "person_id",
    list_column: str = "agency",
    lists: Sequence[str] | None = None,
    source: str = "<records>",
) -> dict[tuple[Any, ...], CaptureTable]:
    """Stratified capture tables from linked records. A person's stratum comes from their
    records, which must agree (linkage should have resolved conflicts; we do not guess)."""
    for column in by:
        if column not in records.columns:
            raise CaptureTableError(f"{source}: no stratum column {column!r}")
    distinct = records.groupby(person)[list(by)].nunique(dropna=False)
    conflicting = distinct[(distinct > 1).any(axis=1)]
    if len(conflicting):
        raise CaptureTableError(
            f"{source}: {len(conflicting)} linked person(s) have records that disagree on "
            f"{', '.join(by)} (e.g. person id {conflicting.index[0]!r}); resolve them first"
        )
    names = (
        [str(n) for n in lists]
        if lists is not None
        else sorted({str(v) for v in records[list_column].dropna()})
    )
    tables: dict[tuple[Any, ...], CaptureTable] = {}
    for key, group in records.groupby(list(by), sort=True):
        key_tuple = key if isinstance(key, tuple) else (key,)
        label = ", ".join(f"{c}={v}" for c, v in zip(by, key_tuple, strict=True))
        name = f"{source} [{label}]"
        rows, header = histories_from_records(group, person, list_column, names, name)
        tables[key_tuple] = CaptureTable.from_rows(
            [*header, "count"], rows, name, row_word="pattern", allow_empty_lists=True
        )
    return tables


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value
