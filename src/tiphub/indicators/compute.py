"""Indicator computation on DuckDB over the statistical frame.

Two steps, so that disclosure control sits between them:

1. `count_cells()` computes every victim count any agreed indicator needs, as one table of
   *cells*: a year, one option (or `_T`) per dimension, and the count. An SDG series cell and the
   GLOTIP cell with the same disaggregation are the same cell (so a figure has one value across
   all publications, and disclosure control sees every place it appears).
2. `derive()` turns (protected) cells into indicator values: counts, per-100,000 rates and MSE
   estimates, each with its unit, numerator, denominator and interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from tiphub.indicators.frame import FORM_FLAGS
from tiphub.indicators.inputs import Estimate, Population
from tiphub.indicators.model import TOTAL, Indicator
from tiphub.indicators.registry import Registry

FORM = "form"
_NON_DIMS = ("year", "value", "status", "display")
VALUE_COLUMNS = (
    "indicator",
    "version",
    "year",
    "disaggregation",
    "value",
    "lower",
    "upper",
    "unit",
    "kind",
    "numerator",
    "denominator",
    "status",
    "display",
)


def cell_dimensions(registry: Registry) -> list[str]:
    """The cell key's dimensions, in registry order (form first when present)."""
    return list(registry.dimensions)


def cell_key_columns(registry: Registry) -> list[str]:
    return ["year", *cell_dimensions(registry)]


def _cell_specs(indicators: Iterable[Indicator]) -> set[frozenset[tuple[str, str | None]]]:
    """Each needed cell group as a set of (dimension, fixed option or None = grouped)."""
    specs: set[frozenset[tuple[str, str | None]]] = set()
    for ind in indicators:
        if ind.kind != "count":
            continue
        for group in ind.grouping_sets():
            spec: dict[str, str | None] = dict(ind.computation.filter.items())
            for dim in group:
                spec[dim] = None
            specs.add(frozenset(spec.items()))
    return specs


def _base_sql(registry: Registry, columns: Iterable[str]) -> str:
    """The detected-victim universe, one row per person when `person_id` is present.

    SQL is assembled from registry identifiers (checked against IDENTIFIER in the registry
    loader) and quoted literals; no frame value is ever spliced into a query.
    """
    conditions = []
    for column, excluded in registry.universe_exclude.items():
        values = ", ".join("'" + v.replace("'", "''") + "'" for v in excluded)
        conditions.append(f"coalesce({column}, '') NOT IN ({values})")
    where = " AND ".join(conditions) or "TRUE"
    dims = [registry.dimensions[d].column for d in registry.dimensions if d != FORM]
    flags = list(FORM_FLAGS.values())
    if "person_id" in columns:
        # Unduplicate: one row per person and year; codes from the person's first record,
        # forms from any of the person's records.
        picks = ", ".join(f"arg_min({c}, record_pk) AS {c}" for c in dims)
        ors = ", ".join(f"bool_or({f}) AS {f}" for f in flags)
        return (
            f"SELECT year, {picks}, {ors} FROM frame WHERE {where} "  # noqa: S608
            "GROUP BY coalesce(person_id, 'record:' || record_pk), year"
        )
    return f"SELECT year, {', '.join(dims + flags)} FROM frame WHERE {where}"  # noqa: S608


def count_cells(
    frame: pd.DataFrame,
    registry: Registry,
    indicators: Iterable[Indicator] | None = None,
    years: Iterable[int] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """Every count cell the indicators need, with true values (internal: never publish as is).

    Returns columns year, <dimensions...>, value (int). Empty groups are absent (zero).
    """
    indicators = list(indicators if indicators is not None else registry.agreed())
    specs = _cell_specs(indicators)
    dims = cell_dimensions(registry)
    key = ["year", *dims]
    own = con is None
    con = con or duckdb.connect()
    try:
        con.register("frame", frame)
        base = _base_sql(registry, frame.columns)
        year_filter = ""
        if years is not None:
            year_list = sorted({int(y) for y in years})
            year_filter = f" WHERE year IN ({', '.join(map(str, year_list or [-1]))})"
        con.execute(f"CREATE OR REPLACE TEMP TABLE victims AS SELECT * FROM ({base}){year_filter}")  # noqa: S608
        if FORM in registry.dimensions:
            unions = " UNION ALL ".join(
                f"SELECT *, '{opt}' AS form FROM victims WHERE {flag}"  # noqa: S608
                for opt, flag in FORM_FLAGS.items()
            )
            con.execute(f"CREATE OR REPLACE TEMP TABLE victim_forms AS {unions}")
        frames = []
        for spec in sorted(specs, key=lambda s: sorted((k, v or "") for k, v in s)):
            spec_d = dict(spec)
            uses_form = FORM in spec_d
            source = "victim_forms" if uses_form else "victims"
            grouped = [registry.dimensions[d].column for d, v in spec_d.items() if v is None]
            fixed = {registry.dimensions[d].column: v for d, v in spec_d.items() if v is not None}
            where = " AND ".join(
                f"{col} = '{val.replace(chr(39), chr(39) * 2)}'" for col, val in fixed.items()
            )
            select_cols = ", ".join(["year", *grouped]) if grouped else "year"
            sql = (
                f"SELECT {select_cols}, count(*) AS value FROM {source}"  # noqa: S608
                f"{' WHERE ' + where if where else ''} GROUP BY {select_cols}"
            )
            part = con.execute(sql).df()
            for dim in dims:
                col = registry.dimensions[dim].column
                if col in fixed:
                    part[dim] = fixed[col]
                elif col in grouped:
                    part = part.rename(columns={col: dim}) if col != dim else part
                else:
                    part[dim] = TOTAL
            frames.append(part[[*key, "value"]])
    finally:
        con.unregister("frame")
        if own:
            con.close()
    if not frames:
        return pd.DataFrame(columns=[*key, "value"])
    cells = pd.concat(frames, ignore_index=True).drop_duplicates(key)
    cells["year"] = cells["year"].astype("int64")
    cells["value"] = cells["value"].astype("int64")
    for dim in dims:
        cells[dim] = cells[dim].astype(str)
    return cells.sort_values(key).reset_index(drop=True)


def disaggregation_text(row: dict[str, str], dims: Iterable[str]) -> str:
    """Dimension=option pairs of the non-total dimensions, e.g. `sex=F|age_group=Y0T17`."""
    return "|".join(f"{d}={row[d]}" for d in dims if row.get(d, TOTAL) != TOTAL)


def parse_disaggregation(text: str) -> dict[str, str]:
    if not text:
        return {}
    return dict(pair.split("=", 1) for pair in text.split("|"))


def _matches(ind: Indicator, cell: dict[str, str], dims: list[str]) -> bool:
    """Whether a cell belongs to one of the indicator's grouping sets under its filter."""
    fixed = ind.computation.filter
    for dim, opt in fixed.items():
        if cell[dim] != opt:
            return False
    varying = {d for d in dims if d not in fixed and cell[d] != TOTAL}
    return any(varying == set(g) - set(fixed) and set(g) >= varying for g in ind.grouping_sets())


@dataclass(frozen=True)
class PublishedCells:
    """Count cells after disclosure control: `value` is None where suppressed."""

    table: pd.DataFrame  # key columns + value (float|None) + status + display
    dims: list[str]


def derive(
    registry: Registry,
    cells: PublishedCells,
    population: Population | None = None,
    estimates: Iterable[Estimate] = (),
    estimate_year: int | None = None,
    min_cell: int = 5,
) -> pd.DataFrame:
    """Indicator values from published cells: counts, rates and estimates (long format)."""
    dims = cells.dims
    rows: list[dict[str, object]] = []
    records: list[dict[str, object]] = [
        {str(k): v for k, v in r.items()} for r in cells.table.to_dict("records")
    ]
    by_indicator: dict[str, list[dict[str, object]]] = {}
    for ind in registry.agreed():
        if ind.kind != "count":
            continue
        mine = [r for r in records if _matches(ind, {d: str(r[d]) for d in dims}, dims)]
        by_indicator[ind.id] = mine
        for r in mine:
            rows.append(
                {
                    "indicator": ind.id,
                    "version": ind.version,
                    "year": int(str(r["year"])),
                    "disaggregation": disaggregation_text(
                        {d: str(r[d]) for d in dims if d not in ind.computation.filter}, dims
                    ),
                    "value": r["value"],
                    "lower": None,
                    "upper": None,
                    "unit": ind.unit,
                    "kind": "count",
                    "numerator": r["value"],
                    "denominator": None,
                    "status": r["status"],
                    "display": r["display"],
                }
            )
    for ind in registry.agreed():
        if ind.kind == "rate" and population is not None:
            rows.extend(_rates(ind, by_indicator.get(ind.computation.numerator, []), population))
    for est in estimates:
        year = est.year if est.year is not None else estimate_year
        if year is None:
            continue
        rows.extend(_estimate_rows(registry, est, year, population, min_cell))
    out = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    return out.sort_values(["indicator", "year", "disaggregation"]).reset_index(drop=True)


def _rates(
    ind: Indicator, numerators: list[dict[str, object]], population: Population
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    allowed = {frozenset(g) for g in ind.grouping_sets()}
    for r in numerators:
        sex, age = str(r.get("sex", TOTAL)), str(r.get("age_group", TOTAL))
        used = frozenset(d for d, v in (("sex", sex), ("age_group", age)) if v != TOTAL)
        other_dims = [k for k in r if k not in _NON_DIMS and k not in ("sex", "age_group", FORM)]
        if used not in allowed or any(str(r[k]) != TOTAL for k in other_dims):
            continue
        pop = population.get(int(r["year"]), sex, age)  # type: ignore[call-overload]
        if pop is None:
            continue
        value = r["value"]
        rate = None if value is None else float(value) / pop * ind.computation.factor  # type: ignore[arg-type]
        out.append(
            {
                "indicator": ind.id,
                "version": ind.version,
                "year": int(r["year"]),  # type: ignore[call-overload]
                "disaggregation": "|".join(
                    f"{d}={v}" for d, v in (("sex", sex), ("age_group", age)) if v != TOTAL
                ),
                "value": None if rate is None else round(rate, 4),
                "lower": None,
                "upper": None,
                "unit": ind.unit,
                "kind": "rate",
                "numerator": value,
                "denominator": pop,
                "status": r["status"],
                "display": r["display"] if rate is None else f"{rate:.2f}",
            }
        )
    return out


def _estimate_rows(
    registry: Registry, est: Estimate, year: int, population: Population | None, min_cell: int
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    # `observed` counts identified people: below the threshold it is suppressed like any count.
    observed_ok = est.observed == 0 or est.observed >= min_cell
    base = {"year": year, "disaggregation": "", "kind": "estimate", "denominator": None}
    if "MSE_TOTAL" in registry.indicators:
        ind = registry.indicators["MSE_TOTAL"]
        out.append(
            {
                **base,
                "indicator": ind.id,
                "version": ind.version,
                "value": round(est.total, 1),
                "lower": round(est.ci_low, 1),
                "upper": round(est.ci_high, 1),
                "unit": ind.unit,
                "numerator": est.observed if observed_ok else None,
                "status": "estimate",
                "display": f"{est.total:,.0f} ({est.ci_level:.0%} CI {est.ci_low:,.0f}"
                f"-{est.ci_high:,.0f})",
            }
        )
    if "MSE_RATE" in registry.indicators and population is not None:
        ind = registry.indicators["MSE_RATE"]
        pop = population.get(year, TOTAL, TOTAL)
        if pop:
            f = ind.computation.factor / pop
            out.append(
                {
                    **base,
                    "indicator": ind.id,
                    "version": ind.version,
                    "value": round(est.total * f, 4),
                    "lower": round(est.ci_low * f, 4),
                    "upper": round(est.ci_high * f, 4),
                    "unit": ind.unit,
                    "numerator": round(est.total, 1),
                    "denominator": pop,
                    "status": "estimate",
                    "display": f"{est.total * f:.2f}",
                }
            )
    return out
