"""From the data standard's records to registry columns (the one place that knows both shapes).

`tiphub.standard` validates and normalises a file into `IntakeRecord`s (`record_id`, `fields`,
`derived`, `identifying`); this module turns one into the clear column values of a
`VictimRecord` and its identifying values, and turns stored rows back into the standard's
statistical rows for the CTDC export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

#: Clear columns of `VictimRecord` filled from an intake record's `fields` (statistical and
#: operational values) and `derived` (computed by the standard), in the dictionary's order.
FIELD_COLUMNS = (
    "case_id",
    "identification_date",
    "age",
    "gender",
    "citizenship",
    "country_of_exploitation",
    "region",
    "document_type",
    "trafficking_status",
    "status_decision_org",
    "exploitation_types",
    "labour_sectors",
    "sexual_exploitation_types",
    "means_of_control",
    "recruitment_methods",
    "recruiter_relationship",
    "exploitation_months",
)
DERIVED_COLUMNS = (
    "year",
    "age_years",
    "is_child",
    "sex",
    "age_group",
    "age_band",
    "form_sexual",
    "form_labour",
    "form_organ",
    "form_other",
)
CLEAR_COLUMNS = FIELD_COLUMNS + DERIVED_COLUMNS
MULTI_COLUMNS = frozenset(
    {
        "exploitation_types",
        "labour_sectors",
        "sexual_exploitation_types",
        "means_of_control",
        "recruitment_methods",
    }
)
_NULLABLE = frozenset(
    {"identification_date", "age", "exploitation_months", "year", "age_years", "is_child"}
)
_FLAGS = frozenset({"form_sexual", "form_labour", "form_organ", "form_other"})
_DEFAULTS = {"sex": "_U", "age_group": "_U"}


def _column_value(name: str, value: Any) -> Any:
    if value is None or value == "":
        if name in _FLAGS:
            return False
        if name in _NULLABLE:
            return None
        return _DEFAULTS.get(name, "")
    if name in MULTI_COLUMNS:
        if isinstance(value, str):
            return value
        return ";".join(str(v) for v in value)
    if name in _FLAGS:
        return bool(value)
    if name == "identification_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def clear_columns(record: Any) -> dict[str, Any]:
    """The clear column values of one standard record."""
    fields: Mapping[str, Any] = record.fields
    derived: Mapping[str, Any] = record.derived
    values = {name: _column_value(name, fields.get(name)) for name in FIELD_COLUMNS}
    values.update({name: _column_value(name, derived.get(name)) for name in DERIVED_COLUMNS})
    return values


def identifying_values(record: Any) -> dict[str, str]:
    """The L-ID / L-SC values of one standard record (as text, empty ones dropped)."""
    out: dict[str, str] = {}
    for name, value in (record.identifying or {}).items():
        if value is None or value == "":
            continue
        out[name] = value.isoformat() if isinstance(value, date) else str(value)
    return out


def identifying_names() -> frozenset[str]:
    """Names of the dictionary's L-ID and L-SC fields."""
    from tiphub.standard.dictionary import intake_fields

    return frozenset(spec.name for spec in intake_fields() if spec.identifying)


def detect_format(path: Path) -> str:
    """'ctdc' when the file's header has CTDC's `yearOfRegistration` column, else 'intake'."""
    return "ctdc" if "yearofregistration" in _header_text(path).lower() else "intake"


def _header_text(path: Path) -> str:
    """The first non-blank line of a CSV, or the first row of an XLSX ('' when unreadable)."""
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            try:
                sheet = workbook.worksheets[0]
                for row in sheet.iter_rows(max_row=1, values_only=True):
                    return ",".join(str(cell) for cell in row if cell is not None)
            finally:
                workbook.close()
            return ""
        with path.open("rb") as handle:
            head = handle.read(65536).decode("utf-8-sig", errors="replace")
        return next((line for line in head.splitlines() if line.strip()), "")
    except Exception:  # the standard's reader reports unreadable files properly
        return ""


def load(path: Path, file_format: str, display_name: str | None = None) -> Any:
    """Validate and normalise a file with the standard: an `IntakeBatch` (never raises)."""
    if file_format == "ctdc":
        from tiphub.standard.ctdc import load_ctdc

        return load_ctdc(path, display_name=display_name)
    from tiphub.standard import load_intake

    return load_intake(path, display_name=display_name)


def sanitised_report(report: Any) -> dict[str, Any]:
    """The report as JSON, with any value in an identifying column removed (belt and braces:
    the standard already hides them)."""
    data: dict[str, Any] = report.to_dict() if hasattr(report, "to_dict") else dict(report)
    secret = identifying_names()
    from tiphub.standard.dictionary import intake_fields

    dictionary = intake_fields()
    for issue in data.get("errors", []):
        column = issue.get("column")
        spec = dictionary.resolve(column) if column else None
        hidden = spec.identifying if spec is not None else column in secret
        if column and hidden:
            issue["value"] = None
    return data


def statistical_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored clear columns back into the standard's statistical-row shape (for `to_ctdc`)."""
    out = []
    for row in rows:
        item = {name: row.get(name) for name in CLEAR_COLUMNS}
        for name in MULTI_COLUMNS:
            text = item.get(name) or ""
            item[name] = [code for code in str(text).split(";") if code]
        item["record_id"] = row.get("record_id")
        item["agency"] = row.get("agency")
        out.append(item)
    return out
