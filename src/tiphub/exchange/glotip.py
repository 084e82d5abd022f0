"""A GLOTIP-style workbook (openpyxl): the UNODC long format plus readable tables.

Sheet "Data" follows the public GLOTIP export's columns (Iso3_code, Country, Region, Subregion,
Indicator, Dimension, Category, Sex, Age, Year, Unit of measurement, VALUE, txtVALUE, Source);
suppressed cells have an empty VALUE and txtVALUE "<5" (primary) or "x" (secondary), as UNODC
shows small counts. Only the 'Total' dimension is unduplicated: a victim exploited in two forms
appears under both.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tiphub.exchange.publication import Publication
from tiphub.indicators.compute import parse_disaggregation
from tiphub.indicators.model import TOTAL

SEX_LABEL = {"_T": "Total", "F": "Female", "M": "Male", "_O": "Other", "_U": "Unknown"}
AGE_LABEL = {"_T": "Total", "Y0T17": "0 to 17 years", "Y_GE18": "18 years or over", "_U": "Unknown"}
INDICATOR = "Detected trafficking victims"
COLUMNS = [
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "VALUE",
    "txtVALUE",
    "Source",
]
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def long_rows(pub: Publication, year: int | None = None) -> list[dict[str, object]]:
    """GLOTIP long-format rows for detected victims: Total, by form, by citizenship."""
    year = pub.year if year is None else year
    form_dim = pub.registry.dimensions.get("form")
    rows = []
    country = pub.plan.country
    cells = pub.cells.published()
    cells = cells[cells["year"] == year]
    for rec in cells.to_dict("records"):
        others = {d: str(rec[d]) for d in pub.cells.dims if d not in ("sex", "age_group")}
        varying = {d: v for d, v in others.items() if v != TOTAL}
        if not varying:
            dimension, category = "Total", "Total"
        elif list(varying) == ["form"] and form_dim is not None:
            dimension, category = "by form of exploitation", form_dim.label(varying["form"])
        elif list(varying) == ["citizenship"] and rec["sex"] == TOTAL and rec["age_group"] == TOTAL:
            dimension, category = "by citizenship", varying["citizenship"]
        else:
            continue
        sex, age = str(rec["sex"]), str(rec["age_group"])
        if sex not in SEX_LABEL or age not in AGE_LABEL:
            continue
        published = rec["value"] is not None and not pd.isna(rec["value"])
        rows.append(
            {
                "Iso3_code": country.iso3,
                "Country": country.name,
                "Region": "",
                "Subregion": "",
                "Indicator": INDICATOR,
                "Dimension": dimension,
                "Category": category,
                "Sex": SEX_LABEL[sex],
                "Age": AGE_LABEL[age],
                "Year": year,
                "Unit of measurement": "Counts",
                "VALUE": int(rec["value"]) if published else None,
                "txtVALUE": str(rec["display"]),
                "Source": "National authorities (tiphub national evidence base)",
            }
        )
    return rows


def _sheet_table(ws, header: list[str], rows: list[list[object]]) -> None:  # type: ignore[no-untyped-def]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    for i, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[i - 1] or "")) for r in rows]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(width, 60)
    ws.freeze_panes = "A2"


def write_glotip(pub: Publication, out: Path, year: int | None = None) -> int:
    year = pub.year if year is None else year
    rows = long_rows(pub, year)
    wb = Workbook()
    about = wb.create_sheet("About", 0)
    wb.remove(wb.worksheets[1])
    rep = pub.report
    about_rows: list[list[object]] = [
        ["Country", pub.plan.country.name],
        ["Reference year", year],
        ["Indicator", INDICATOR],
        ["Registry version", pub.registry.version],
        ["Minimum published count", pub.policy.min_cell],
        [
            "Suppression",
            f"Counts from 1 to {pub.policy.min_cell - 1} are shown as "
            f"'{rep['policy']['primary_label']}'; cells marked 'x' are suppressed so that the "
            "small ones cannot be recovered from totals. Zero = no victim.",
        ],
        ["Duplication", "Only the 'Total' dimension is unduplicated (multi-form victims)."],
        [
            "Cells suppressed (primary/secondary)",
            f"{rep['cells']['primary']}/{rep['cells']['secondary']}",
        ],
    ]
    _sheet_table(about, ["Item", "Value"], about_rows)
    data = wb.create_sheet("Data")
    _sheet_table(data, COLUMNS, [[r[c] for c in COLUMNS] for r in rows])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for title, dimension in (
        ("By sex and age", "Total"),
        ("By form", "by form of exploitation"),
        ("By citizenship", "by citizenship"),
    ):
        sub = frame[frame["Dimension"] == dimension]
        ws = wb.create_sheet(title)
        if sub.empty:
            _sheet_table(ws, ["Category", "Sex", "Age", "Victims"], [])
            continue
        table = [[r["Category"], r["Sex"], r["Age"], r["txtVALUE"]] for r in sub.to_dict("records")]
        _sheet_table(ws, ["Category", "Sex", "Age", "Victims"], table)
    est = pub.value("MSE_TOTAL", year)
    ws = wb.create_sheet("Estimate")
    if est is not None:
        _sheet_table(
            ws,
            ["Indicator", "Year", "Estimate", "Lower", "Upper", "Detected"],
            [
                [
                    "Estimated total victims (MSE)",
                    year,
                    est["value"],
                    est["lower"],
                    est["upper"],
                    est["numerator"],
                ]
            ],
        )
    else:
        _sheet_table(ws, ["Indicator", "Year", "Estimate", "Lower", "Upper", "Detected"], [])
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return len(rows)


def read_glotip(path: Path) -> pd.DataFrame:
    """The 'Data' sheet back as a DataFrame (for checks and round trips)."""
    return pd.read_excel(path, sheet_name="Data", dtype={"txtVALUE": str})


def parse_category(pub: Publication, dimension: str, category: str) -> dict[str, str]:
    """Inverse of the Dimension/Category labels (used by tests and importers)."""
    if dimension == "by form of exploitation":
        dim = pub.registry.dimensions["form"]
        return {"form": next(k for k, v in dim.options.items() if v == category)}
    if dimension == "by citizenship":
        return {"citizenship": category}
    return {}


__all__ = ["long_rows", "parse_category", "parse_disaggregation", "read_glotip", "write_glotip"]
