"""The user's other inputs to indicators: the population table and MSE estimates.

Population (for per-100,000 rates): CSV with `year, sex, age_group, population`, sex in F/M
(optionally `_T`), age_group in Y0T17/Y_GE18 (optionally `_T`).
Estimates: the JSON that `tiphub estimate --json` prints (keys `observed`, `dark_figure`, `total`,
`ci` {method, level, low, high}, ...), one object or a list of them, each optionally with `year`.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from tiphub.indicators.model import TOTAL


class InputError(ValueError):
    """A population or estimate file is unusable (the message names file, row, field)."""


Source = Path | IO[bytes]
"""A file on disk, or an open binary file (an upload) with `name` naming it in messages."""

POPULATION_SEX = ("F", "M", TOTAL)
POPULATION_AGE = ("Y0T17", "Y_GE18", TOTAL)
MAX_INPUT_BYTES = 20 * 1024 * 1024


def _read_bytes(source: Source, where: str) -> bytes:
    if isinstance(source, Path):
        try:
            with source.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"{where}: no such file") from None
        except OSError as exc:
            raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    else:
        data = source.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{where}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    return data


@dataclass(frozen=True)
class Population:
    """Resident population by year, sex and age group; totals are summed when not given."""

    table: pd.DataFrame  # columns year, sex, age_group, population

    def get(self, year: int, sex: str, age_group: str) -> float | None:
        t = self.table[self.table["year"] == year]
        if t.empty:
            return None
        exact = t[(t["sex"] == sex) & (t["age_group"] == age_group)]
        if not exact.empty:
            return float(exact["population"].iloc[0])
        detail = t[(t["sex"] != TOTAL) & (t["age_group"] != TOTAL)]
        if sex != TOTAL:
            detail = detail[detail["sex"] == sex]
        if age_group != TOTAL:
            detail = detail[detail["age_group"] == age_group]
        if detail.empty:
            return None
        return float(detail["population"].sum())


def read_population(source: Source, name: str | None = None) -> Population:
    """Read a population CSV (year, sex, age_group, population); `name` names an upload.

    sex is F, M or _T (both), age_group Y0T17, Y_GE18 or _T (all ages); blank means _T.
    """
    path = name or str(getattr(source, "name", source))
    data = _read_bytes(source, path)
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot read as CSV ({type(exc).__name__})") from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    need = ["year", "sex", "age_group", "population"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    if df.empty:
        raise InputError(f"{path}: no rows")
    rows = []
    for i, rec in enumerate(df[need].to_dict("records")):
        line = i + 2
        try:
            year = int(rec["year"].strip())
        except ValueError:
            raise InputError(f"{path}: row {line}, column year: not a year") from None
        if not 1900 <= year <= 2200:
            raise InputError(f"{path}: row {line}, column year: not a year")
        try:
            pop = float(rec["population"])
        except ValueError:
            raise InputError(f"{path}: row {line}, column population: not a number") from None
        if not math.isfinite(pop) or pop <= 0:
            raise InputError(f"{path}: row {line}, column population: must be positive")
        sex = rec["sex"].strip() or TOTAL
        if sex not in POPULATION_SEX:
            raise InputError(f"{path}: row {line}, column sex: expected F, M or _T (both)")
        age = rec["age_group"].strip() or TOTAL
        if age not in POPULATION_AGE:
            raise InputError(
                f"{path}: row {line}, column age_group: expected Y0T17, Y_GE18 or _T (all ages)"
            )
        rows.append({"year": year, "sex": sex, "age_group": age, "population": pop})
    table = pd.DataFrame(rows, columns=need)
    dup = table.duplicated(["year", "sex", "age_group"])
    if dup.any():
        line = int(dup.to_numpy().nonzero()[0][0]) + 2
        raise InputError(f"{path}: row {line}: duplicate year/sex/age_group")
    return Population(table)


@dataclass(frozen=True)
class Estimate:
    """One MSE result: detected (`observed`), hidden (`dark_figure`) and `total` with its CI."""

    year: int | None
    observed: float
    dark_figure: float
    total: float
    ci_low: float
    ci_high: float
    ci_level: float
    ci_method: str
    model: str


def _number(obj: dict[str, object], key: str, where: str) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where}: field {key!r} must be a finite number")
    return float(value)


def _by_year(items: list[object]) -> list[object]:
    """Output of `tiphub estimate --by year`: one estimate per year (its strata), not the
    pooled estimate over all years. Strata that could not be fitted are left out."""
    out: list[object] = []
    for item in items:
        strata = item.get("strata") if isinstance(item, dict) else None
        if isinstance(item, dict) and item.get("by") == ["year"] and isinstance(strata, list):
            for stratum in strata:
                if isinstance(stratum, dict) and "error" not in stratum:
                    key = stratum.get("stratum")
                    year = key.get("year") if isinstance(key, dict) else None
                    out.append({**stratum, "year": year})
        else:
            out.append(item)
    return out


def read_estimates(source: Source, name: str | None = None) -> list[Estimate]:
    """Read `tiphub estimate --json` output (one object, a list, or `--by year` strata);
    `name` names an upload."""
    path = name or str(getattr(source, "name", source))
    data = _read_bytes(source, path)
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({type(exc).__name__})") from None
    items = _by_year(raw if isinstance(raw, list) else [raw])
    if not items:
        raise InputError(f"{path}: no estimate in the file")
    out: list[Estimate] = []
    for n, item in enumerate(items):
        where = f"{path}: estimate {n + 1}"
        if not isinstance(item, dict):
            raise InputError(f"{where}: expected an object")
        ci = item.get("ci")
        if not isinstance(ci, dict):
            raise InputError(f"{where}: field 'ci' must be an object with low, high, level")
        if ci.get("high", 0) is None:
            raise InputError(
                f"{where}: the interval is open (ci.high is null): an estimate without an upper "
                "bound is not published"
            )
        low, high = _number(ci, "low", f"{where}: ci"), _number(ci, "high", f"{where}: ci")
        total = _number(item, "total", where)
        if not low <= total <= high:
            raise InputError(f"{where}: total {total} lies outside its interval [{low}, {high}]")
        year = item.get("year")
        if year is not None:
            try:
                year = int(str(year))
            except ValueError:
                raise InputError(f"{where}: field 'year' must be a year like 2024") from None
        level = _number(ci, "level", f"{where}: ci") if "level" in ci else 0.95
        if not 0 < level < 1:
            raise InputError(f"{where}: ci: field 'level' must lie between 0 and 1")
        observed = _number(item, "observed", where)
        if observed < 0 or low < 0:
            raise InputError(f"{where}: counts and interval bounds cannot be negative")
        if any(e.year == year for e in out):
            raise InputError(f"{where}: a second estimate for the same year")
        out.append(
            Estimate(
                year=year,
                observed=observed,
                dark_figure=_number(item, "dark_figure", where),
                total=total,
                ci_low=low,
                ci_high=high,
                ci_level=level,
                ci_method=str(ci.get("method", "")),
                model=str(item.get("model", item.get("terms", ""))),
            )
        )
    return out
