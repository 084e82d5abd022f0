"""The user's other inputs to indicators: the population table and MSE estimates.

Population (for per-100,000 rates): CSV with `year, sex, age_group, population`, sex in F/M
(optionally `_T`), age_group in Y0T17/Y_GE18 (optionally `_T`).
Estimates: the JSON that `tiphub estimate --json` prints (keys `observed`, `dark_figure`, `total`,
`ci` {method, level, low, high}, ...), one object or a list of them, each optionally with `year`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tiphub.indicators.model import TOTAL


class InputError(ValueError):
    """A population or estimate file is unusable (the message names file, row, field)."""


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


def read_population(path: Path) -> Population:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({type(exc).__name__})") from None
    df.columns = [c.strip().lower() for c in df.columns]
    need = ["year", "sex", "age_group", "population"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    rows = []
    for i, rec in enumerate(df[need].to_dict("records")):
        line = i + 2
        try:
            year = int(rec["year"])
        except ValueError:
            raise InputError(f"{path}: row {line}, column year: not a year") from None
        try:
            pop = float(rec["population"])
        except ValueError:
            raise InputError(f"{path}: row {line}, column population: not a number") from None
        if not math.isfinite(pop) or pop <= 0:
            raise InputError(f"{path}: row {line}, column population: must be positive")
        rows.append(
            {
                "year": year,
                "sex": rec["sex"].strip() or TOTAL,
                "age_group": rec["age_group"].strip() or TOTAL,
                "population": pop,
            }
        )
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


def read_estimates(path: Path) -> list[Estimate]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not valid JSON ({type(exc).__name__})") from None
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for n, item in enumerate(items):
        where = f"{path}: estimate {n + 1}"
        if not isinstance(item, dict):
            raise InputError(f"{where}: expected an object")
        ci = item.get("ci")
        if not isinstance(ci, dict):
            raise InputError(f"{where}: field 'ci' must be an object with low, high, level")
        low, high = _number(ci, "low", f"{where}: ci"), _number(ci, "high", f"{where}: ci")
        total = _number(item, "total", where)
        if not low <= total <= high:
            raise InputError(f"{where}: total {total} lies outside its interval [{low}, {high}]")
        year = item.get("year")
        out.append(
            Estimate(
                year=None if year is None else int(str(year)),
                observed=_number(item, "observed", where),
                dark_figure=_number(item, "dark_figure", where),
                total=total,
                ci_low=low,
                ci_high=high,
                ci_level=float(str(ci.get("level", 0.95))),
                ci_method=str(ci.get("method", "")),
                model=str(item.get("model", item.get("terms", ""))),
            )
        )
    return out
