"""DHIS2 dataValueSets JSON: export published indicator values, import them back.

Identifiers use DHIS2's `code` id scheme (import with `dataElementIdScheme=CODE`,
`categoryOptionComboIdScheme=CODE`, `orgUnitIdScheme=CODE`): the data element is the indicator
id, the category option combination is the disaggregation's dimension=option pairs
(`sex=F|age_group=Y0T17`, or `default` for the total), the period is the ISO year. Suppressed
values are not exported (DHIS2 stores numbers only); the release report lists them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from tiphub.exchange.publication import Publication

DEFAULT_COC = "default"
DATA_SET = "TIPHUB_TIP_INDICATORS"


class DHIS2FormatError(ValueError):
    """A dataValueSets file tiphub cannot read (the message names the value and field)."""


def to_data_value_set(pub: Publication, org_unit: str, year: int | None = None) -> dict[str, Any]:
    year = pub.year if year is None else year
    values = []
    for rec in pub.values_for(year).to_dict("records"):
        if rec["value"] is None or pd.isna(rec["value"]):
            continue
        value = float(rec["value"])
        text = str(int(value)) if rec["kind"] == "count" else f"{value:.4f}".rstrip("0").rstrip(".")
        dv: dict[str, Any] = {
            "dataElement": rec["indicator"],
            "period": str(year),
            "orgUnit": org_unit,
            "categoryOptionCombo": rec["disaggregation"] or DEFAULT_COC,
            "value": text,
        }
        if rec["kind"] == "estimate" and rec["lower"] is not None and not pd.isna(rec["lower"]):
            dv["comment"] = f"interval {rec['lower']}-{rec['upper']}"
        values.append(dv)
    return {
        "dataSet": DATA_SET,
        "completeDate": dt.date.today().isoformat(),
        "period": str(year),
        "orgUnit": org_unit,
        "dataValues": values,
    }


def write_dhis2(pub: Publication, out: Path, org_unit: str, year: int | None = None) -> int:
    doc = to_data_value_set(pub, org_unit, year)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return len(doc["dataValues"])


def read_dhis2(path: Path) -> pd.DataFrame:
    """Import a dataValueSets JSON (code id scheme) into indicator, year, disaggregation, value."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DHIS2FormatError(f"{path}: not a JSON file ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("dataValues"), list):
        raise DHIS2FormatError(f"{path}: expected an object with a 'dataValues' list")
    rows = []
    for n, dv in enumerate(doc["dataValues"]):
        where = f"{path}: dataValues[{n}]"
        if not isinstance(dv, dict):
            raise DHIS2FormatError(f"{where}: expected an object")
        period = dv.get("period", doc.get("period"))
        if not (isinstance(period, str) and period.isdigit() and len(period) == 4):
            raise DHIS2FormatError(f"{where}: period must be a yearly ISO period like 2024")
        try:
            value = float(dv["value"])
        except (KeyError, TypeError, ValueError):
            raise DHIS2FormatError(f"{where}: value must be a number") from None
        element = dv.get("dataElement")
        if not isinstance(element, str) or not element:
            raise DHIS2FormatError(f"{where}: missing dataElement")
        coc = dv.get("categoryOptionCombo") or DEFAULT_COC
        if coc != DEFAULT_COC and any("=" not in p for p in str(coc).split("|")):
            raise DHIS2FormatError(f"{where}: categoryOptionCombo must be dimension=option pairs")
        rows.append(
            {
                "indicator": element,
                "year": int(period),
                "org_unit": dv.get("orgUnit", doc.get("orgUnit", "")),
                "disaggregation": "" if coc == DEFAULT_COC else str(coc),
                "value": value,
            }
        )
    return pd.DataFrame(rows, columns=["indicator", "year", "org_unit", "disaggregation", "value"])
