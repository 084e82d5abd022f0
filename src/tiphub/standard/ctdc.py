"""CTDC 2024 "global synthetic" layout: export of records (`to_ctdc`) and import (`load_ctdc`).

The Counter Trafficking Data Collaborative (IOM) publishes victim-level data in 27 variables
(codebook v2, February 2024; `data/ctdc_2024.yaml`). Our intake keeps finer categories than CTDC
(e.g. debt bondage and takes-earnings separately), so export merges them per the codebook's
Appendix II, and import maps each CTDC flag back to the code that stands for it (a merged
`Ctdc*` means-of-control code where the sub-type cannot be known). Flags are NULL (empty) or 1.

Known losses, documented in docs/data-standard.md: CTDC has bands, not values, for age and
duration (imported as the band's lower bound so that export gives the same band); a year, not a
date (imported as 1 January); one recruiter relation per record on our side (the first flag set,
in codebook order, is kept); Kosovo (XKX) is exported as Serbia, as CTDC counts it.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tiphub.standard.codelists import CodeList, code_list, match_key
from tiphub.standard.derive import DERIVED_FIELDS, ctdc_months_band, derive
from tiphub.standard.dictionary import FieldType, intake_fields
from tiphub.standard.reading import DEFAULT_MAX_ROWS, open_table
from tiphub.standard.records import IntakeBatch, IntakeRecord
from tiphub.standard.report import DEFAULT_MAX_ERRORS, ValidationReport
from tiphub.standard.validation import run_guarded, shown

if TYPE_CHECKING:
    import pandas as pd

MISSING = frozenset({"", "null", "na", "n/a", "nan", "none", "-", "-99", "unknown"})
TRUE_FLAGS = frozenset({"1", "1.0", "true", "yes", "y"})
FALSE_FLAGS = frozenset({"0", "0.0", "false", "no", "n"})
EXPORTED_AS = {"XKX": "SRB"}  # CTDC: "Serbia includes Kosovo"


@dataclass(frozen=True)
class CtdcVariable:
    name: str
    kind: str  # year | code | country | flag
    source_field: str
    code_list_name: str | None
    aliases: tuple[str, ...]


@cache
def ctdc_variables() -> tuple[CtdcVariable, ...]:
    """The 27 CTDC 2024 variables in codebook order."""
    resource = files("tiphub.standard").joinpath("data", "ctdc_2024.yaml")
    raw = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return tuple(
        CtdcVariable(
            name=v["name"],
            kind=v["kind"],
            source_field=v["from"],
            code_list_name=v.get("code_list"),
            aliases=tuple(v.get("aliases") or ()),
        )
        for v in raw["variables"]
    )


CTDC_COLUMNS: tuple[str, ...] = tuple(v.name for v in ctdc_variables())


# --- export ---------------------------------------------------------------------------------


def to_ctdc(rows: Iterable[IntakeRecord | Mapping[str, Any]]) -> "pd.DataFrame":
    """CTDC 2024 table (27 columns, codebook order) of intake records or mappings of their fields.

    A mapping holds the normalised field values as in `IntakeRecord.fields` (multi-valued fields
    as lists or `;`-joined text), optionally with the derived fields; missing derived fields are
    computed from it. `df.to_csv(path, index=False)` writes the CTDC CSV (NULL as empty cells).
    """
    import pandas as pd

    table = [ctdc_row(_values(row)) for row in rows]
    frame = pd.DataFrame(table, columns=list(CTDC_COLUMNS))
    for variable in ctdc_variables():
        if variable.kind in ("flag", "year"):
            frame[variable.name] = frame[variable.name].astype("Int64")
        else:
            frame[variable.name] = frame[variable.name].astype("string")
    return frame


def ctdc_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """One CTDC row (variable -> value, None for NULL) from a record's fields and derived fields."""
    flags = _flags_set(values)
    row: dict[str, Any] = {}
    for variable in ctdc_variables():
        match variable.kind:
            case "flag":
                row[variable.name] = 1 if variable.name in flags else None
            case "year":
                row[variable.name] = values.get("year")
            case "country":
                code = values.get(variable.source_field)
                row[variable.name] = EXPORTED_AS.get(code, code) if code else None
            case _:
                row[variable.name] = _coded_value(variable, values)
    return row


def _coded_value(variable: CtdcVariable, values: Mapping[str, Any]) -> str | None:
    if variable.name == "gender":
        return code_list("gender").mapping("ctdc_gender").get(values.get("gender") or "")
    if variable.name == "ageBroad":
        band = values.get("age_band")
        return str(band) if band else None
    if variable.name == "traffickMonths":
        months = values.get("exploitation_months")
        return ctdc_months_band(months if isinstance(months, int) else None)
    raise AssertionError(variable.name)  # pragma: no cover - the YAML lists exactly these


def _flags_set(values: Mapping[str, Any]) -> set[str]:
    flags: set[str] = set()
    for field_name in ("means_of_control", "labour_sectors", "sexual_exploitation_types"):
        flags |= _mapped_flags(field_name, _as_list(values.get(field_name)))
    relationship = values.get("recruiter_relationship")
    if relationship:
        flags |= _mapped_flags("recruiter_relationship", [relationship])
    if values.get("form_labour"):
        flags.add("isForcedLabour")
    if values.get("form_sexual"):
        flags.add("isSexualExploit")
    if values.get("form_other") or values.get("form_organ"):
        flags.add("isOtherExploit")  # CTDC 2024 has no organ-removal flag
    return flags


def _mapped_flags(field_name: str, codes: Iterable[str]) -> set[str]:
    mapping = intake_fields()[field_name].codes.mapping("ctdc_flag")
    return {mapping[c] for c in codes if c in mapping}


def _values(row: IntakeRecord | Mapping[str, Any]) -> dict[str, Any]:
    values = {**row.fields, **row.derived} if isinstance(row, IntakeRecord) else dict(row)
    if any(name not in values for name in DERIVED_FIELDS):
        values = {**derive(values), **values}
    return values


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part for part in value.replace("|", ";").split(";") if part]
    return [str(v) for v in value]


# --- import ---------------------------------------------------------------------------------


def load_ctdc(
    path: Path | str,
    *,
    max_errors: int = DEFAULT_MAX_ERRORS,
    max_rows: int = DEFAULT_MAX_ROWS,
    today: dt.date | None = None,
    display_name: str | None = None,
) -> IntakeBatch:
    """Read a CTDC 2024 file (2024 or `sectorOf*` names) as intake records `ctdc-<row>`.

    The records have no identities; their fields are what the CTDC variables say (see the module
    docstring for what is lost). Same reporting contract as `load_intake`: never raises.
    """
    path = Path(path)
    report = ValidationReport(file=display_name or path.name, max_errors=max_errors)
    reader = _CtdcReader(report, today or dt.date.today())
    return run_guarded(report, lambda: reader.run(path, max_rows))


def _header_lookup() -> dict[str, CtdcVariable]:
    lookup = {}
    for variable in ctdc_variables():
        for name in (variable.name, *variable.aliases):
            lookup[match_key(name)] = variable
    return lookup


class _CtdcReader:
    def __init__(self, report: ValidationReport, today: dt.date) -> None:
        self.report = report
        self.today = today
        self.lookup = _header_lookup()
        self.records: list[IntakeRecord] | None = []

    def run(self, path: Path, max_rows: int) -> IntakeBatch:
        table = open_table(
            path,
            self.report,
            max_rows=max_rows,
            header_score=lambda cells: sum(match_key(c) in self.lookup for c in cells),
        )
        if table is None:
            return IntakeBatch(self.report)
        columns = self._header(table.header)
        for row_number, cells in table.rows:
            self.report.n_rows += 1
            errors_before = self.report.n_errors
            values = self._row(row_number, cells, columns)
            if self.report.n_errors > errors_before or not self.report.ok:
                self.records = None
            elif self.records is not None:
                self.records.append(self._record(row_number, values))
        if self.report.n_rows == 0 and self.report.ok:
            self.report.add("the file has a header row but no data rows")
        records = self.records if self.report.ok and self.records is not None else []
        return IntakeBatch(self.report, records)

    def _header(self, header: list[str]) -> list[tuple[int, CtdcVariable, str]]:
        columns: list[tuple[int, CtdcVariable, str]] = []
        seen: set[str] = set()
        for position, cell in enumerate(header):
            name = cell.strip()
            if not name:
                continue
            variable = self.lookup.get(match_key(name))
            if variable is None:
                self.report.add("not a CTDC 2024 variable", row=1, column=name)
            elif variable.name in seen:
                self.report.add(f"column given twice (as {variable.name})", row=1, column=name)
            else:
                seen.add(variable.name)
                columns.append((position, variable, name))
        if "yearOfRegistration" not in seen:
            self.report.add("required column is missing", row=1, column="yearOfRegistration")
        return columns

    def _row(
        self, row_number: int, cells: list[str], columns: list[tuple[int, CtdcVariable, str]]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for position, variable, header in columns:
            raw = cells[position].strip() if position < len(cells) else ""
            value, error = self._parse(variable, raw)
            if error:
                self.report.add(error, row=row_number, column=header, value=shown(None, raw))
            elif value is not None:
                values[variable.name] = value
            elif variable.name == "yearOfRegistration":
                self.report.add("required value is missing", row=row_number, column=header)
        return values

    def _parse(self, variable: CtdcVariable, raw: str) -> tuple[Any, str | None]:
        if raw.casefold() in MISSING:
            return None, None
        match variable.kind:
            case "flag":
                key = raw.casefold()
                if key in TRUE_FLAGS:
                    return True, None
                if key in FALSE_FLAGS:
                    return None, None
                return None, "a CTDC flag must be 1 or empty (NULL)"
            case "year":
                text = raw.removesuffix(".0")
                if not text.isdigit() or not 1900 <= int(text) <= self.today.year:
                    return None, f"not a year between 1900 and {self.today.year}"
                return int(text), None
            case "country":
                code = code_list("country").normalise(raw)
                if code is None:
                    return None, "not an ISO 3166 country code"
                return code, None
            case _:
                codes: CodeList = code_list(str(variable.code_list_name))
                code = codes.normalise(raw)
                if code is None:
                    return None, f"not a value of {variable.name}; allowed: " + ", ".join(
                        codes.code_values
                    )
                return code, None

    def _record(self, row_number: int, values: dict[str, Any]) -> IntakeRecord:
        fields: dict[str, object] = {}
        for spec in intake_fields():
            if spec.name != "record_id" and not spec.identifying:
                fields[spec.name] = [] if spec.type is FieldType.MULTICODE else spec.default
        fields["identification_date"] = dt.date(values["yearOfRegistration"], 1, 1)
        fields["citizenship"] = values.get("citizenship")
        fields["country_of_exploitation"] = values.get("CountryOfExploitation")
        if "gender" in values:
            fields["gender"] = code_list("ctdc_gender").get(values["gender"]).maps["gender"]
        if "ageBroad" in values:
            band = code_list("ctdc_age_band").get(values["ageBroad"])
            fields["age"] = int(band.maps["min_age"])
        if "traffickMonths" in values:
            band = code_list("ctdc_traffick_months").get(values["traffickMonths"])
            fields["exploitation_months"] = int(band.maps["min_months"])
        for variable in ctdc_variables():
            if variable.kind == "flag" and values.get(variable.name):
                self._set_flag(fields, variable)
        return IntakeRecord(
            record_id=f"ctdc-{row_number}",
            identifying={},
            fields=fields,
            derived=derive(fields),
            row=row_number,
        )

    @staticmethod
    def _set_flag(fields: dict[str, object], variable: CtdcVariable) -> None:
        """Set the intake code that stands for a CTDC flag (found through its synonyms)."""
        spec = intake_fields()[variable.source_field]
        code = spec.codes.normalise(variable.name)
        if code is None:  # pragma: no cover - guarded by a test over all flags
            raise AssertionError(f"no code stands for {variable.name}")
        if spec.type is FieldType.MULTICODE:
            current = fields[spec.name]
            assert isinstance(current, list)
            if code not in current:
                current.append(code)
        elif fields.get(spec.name) is None:
            fields[spec.name] = code  # one recruiter relation: the first flag in codebook order
