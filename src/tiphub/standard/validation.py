"""`load_intake`: read, validate and normalise an agency's intake file in one pass.

The contract with users: every problem of a file is reported at once (up to a cap), each naming
file, row, column, value and reason; identifying values are never echoed; a file with any problem
yields no records, so an import is all or nothing. The contract with callers: this function
returns a report for any input (a missing file, random bytes, a 3 GB spreadsheet) and never
raises.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tiphub.standard.derive import age_at_identification, derive
from tiphub.standard.dictionary import FieldDictionary, FieldSpec, FieldType, intake_fields
from tiphub.standard.reading import DEFAULT_MAX_ROWS, RawTable, open_table
from tiphub.standard.records import IntakeBatch, IntakeRecord
from tiphub.standard.report import DEFAULT_MAX_ERRORS, ValidationReport
from tiphub.standard.values import parse_cell

logger = logging.getLogger(__name__)

MAX_AGE = 120
SHOWN_VALUE_LENGTH = 80
RECORD_ID = "record_id"


def load_intake(
    path: Path | str,
    *,
    max_errors: int = DEFAULT_MAX_ERRORS,
    max_rows: int = DEFAULT_MAX_ROWS,
    today: dt.date | None = None,
    display_name: str | None = None,
) -> IntakeBatch:
    """Validate an intake CSV/XLSX file and return its report and (if valid) its records.

    `display_name` is the file name used in messages (e.g. the name of an uploaded file stored
    under a temporary path); `today` fixes the date for "in the future" checks (tests).
    """
    path = Path(path)
    report = ValidationReport(file=display_name or path.name, max_errors=max_errors)
    validator = _IntakeValidator(report, today or dt.date.today())
    return run_guarded(report, lambda: validator.run(path, max_rows))


def run_guarded(report: ValidationReport, run: Callable[[], IntakeBatch]) -> IntakeBatch:
    """Run a reader; a bug in it becomes a reported issue, never a traceback for users.

    Only the exception's type is logged or reported: its message could quote a cell value.
    """
    try:
        return run()
    except Exception as exc:
        logger.error("internal error reading %s: %s", report.file, type(exc).__name__)
        report.add(
            f"internal error while reading the file ({type(exc).__name__}); please report it"
        )
        return IntakeBatch(report)


def column_letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def shown(spec: FieldSpec | None, raw: str) -> str | None:
    """The value as it may appear in a message: never for identifying fields, cut when long."""
    if spec is not None and spec.identifying:
        return None
    text = raw.strip()
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[: SHOWN_VALUE_LENGTH - 1] + "…"


@dataclass
class _Columns:
    """Which field each header position holds."""

    active: list[tuple[int, FieldSpec]] = field(default_factory=list)
    unnamed: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field name -> header as written


class _IntakeValidator:
    def __init__(self, report: ValidationReport, today: dt.date) -> None:
        self.report = report
        self.today = today
        self.dictionary: FieldDictionary = intake_fields()
        self.records: list[IntakeRecord] | None = []
        self.first_row_of_id: dict[str, int] = {}
        self.identifying_names = [spec.name for spec in self.dictionary if spec.identifying]
        # Value of each statistical field when its cell is empty (a tuple stands for a new list).
        self.statistical_defaults: list[tuple[str, object]] = [
            (spec.name, () if spec.type is FieldType.MULTICODE else spec.default)
            for spec in self.dictionary
            if not spec.identifying and spec.name != RECORD_ID
        ]

    def run(self, path: Path, max_rows: int) -> IntakeBatch:
        table = open_table(path, self.report, max_rows=max_rows, header_score=self._known_headers)
        if table is None:
            return IntakeBatch(self.report)
        columns = self._check_header(table)
        self._check_rows(table.rows, columns, len(table.header))
        if self.report.n_rows == 0 and self.report.ok:
            self.report.add("the file has a header row but no data rows")
        records = self.records if self.report.ok and self.records is not None else []
        return IntakeBatch(self.report, records)

    def _known_headers(self, cells: list[str]) -> int:
        return sum(self.dictionary.resolve(cell) is not None for cell in cells)

    # --- header ---------------------------------------------------------------------------

    def _check_header(self, table: RawTable) -> _Columns:
        columns = _Columns()
        seen: dict[str, int] = {}
        for position, cell in enumerate(table.header):
            name = cell.strip()
            if not name:
                columns.unnamed.append(position)
                continue
            spec = self.dictionary.resolve(name)
            if spec is None:
                self.report.add(self._unknown_column_reason(name, table), row=1, column=name)
                continue
            if spec.name in seen:
                first = seen[spec.name]
                self.report.add(
                    f"column given twice: column {column_letter(position)} and column "
                    f"{column_letter(first)} are both '{spec.name}'",
                    row=1,
                    column=name,
                )
                continue
            seen[spec.name] = position
            columns.active.append((position, spec))
            columns.headers[spec.name] = name
        for spec in self.dictionary.required:
            if spec.name not in seen:
                self.report.add("required column is missing", row=1, column=spec.name)
        return columns

    def _unknown_column_reason(self, name: str, table: RawTable) -> str:
        if len(table.header) == 1 and any(sep in name for sep in (",", ";", "\t", "|")):
            return (
                "the whole header is one column: the separator was not recognised; separate "
                "columns with commas, semicolons or tabs"
            )
        reason = "unknown column (a misspelt column would lose its data)"
        suggestions = self.dictionary.suggest(name)
        if suggestions:
            reason += f"; did you mean {' or '.join(repr(s) for s in suggestions)}?"
        return reason + "; `tiphub template` writes a file with every column"

    # --- rows -----------------------------------------------------------------------------

    def _check_rows(
        self, rows: Iterator[tuple[int, list[str]]], columns: _Columns, n_header: int
    ) -> None:
        unnamed_reported: set[int] = set()
        for row_number, cells in rows:
            self.report.n_rows += 1
            errors_before = self.report.n_errors
            if len(cells) > n_header and any(c.strip() for c in cells[n_header:]):
                self.report.add(
                    f"this row has {len(cells)} cells but the header has {n_header} columns "
                    "(a separator inside a value that is not in quotes?)",
                    row=row_number,
                )
            for position in columns.unnamed:
                has_value = position < len(cells) and bool(cells[position].strip())
                if has_value and position not in unnamed_reported:
                    unnamed_reported.add(position)
                    self.report.add(
                        f"column {column_letter(position)} has values but no header "
                        "(first one in this row)",
                        row=row_number,
                    )
            values = self._parse_row(row_number, cells, columns)
            self._check_consistency(row_number, values, columns.headers)
            if self.report.n_errors > errors_before or not self.report.ok:
                self.records = None  # all or nothing: stop keeping records once anything fails
            elif self.records is not None:
                self.records.append(self._record(row_number, values))

    def _parse_row(self, row_number: int, cells: list[str], columns: _Columns) -> dict[str, object]:
        values: dict[str, object] = {}
        for position, spec in columns.active:
            raw = cells[position] if position < len(cells) else ""
            if not raw.strip():
                if spec.required:
                    self.report.add(
                        "required value is missing",
                        row=row_number,
                        column=columns.headers[spec.name],
                    )
                continue
            parsed = parse_cell(spec, raw)
            if parsed.error is not None:
                self.report.add(
                    parsed.error,
                    row=row_number,
                    column=columns.headers[spec.name],
                    value=shown(spec, raw),
                )
            else:
                values[spec.name] = parsed.value
        return values

    def _check_consistency(
        self, row_number: int, values: dict[str, object], headers: dict[str, str]
    ) -> None:
        identified = values.get("identification_date")
        born = values.get("date_of_birth")
        if isinstance(identified, dt.date) and identified > self.today:
            self.report.add(
                "date is in the future",
                row=row_number,
                column=headers["identification_date"],
                value=identified.isoformat(),
            )
        if isinstance(born, dt.date):
            if born > self.today:
                self.report.add(
                    "date is in the future", row=row_number, column=headers["date_of_birth"]
                )
            elif isinstance(identified, dt.date) and born > identified:
                self.report.add(
                    "date of birth is after the identification date",
                    row=row_number,
                    column=headers["date_of_birth"],
                )
            else:
                on = identified if isinstance(identified, dt.date) else self.today
                age = age_at_identification(born, on, None)
                if age is not None and age > MAX_AGE:
                    self.report.add(
                        f"date of birth gives an age over {MAX_AGE} years: probably a typo",
                        row=row_number,
                        column=headers["date_of_birth"],
                    )
        record_id = values.get(RECORD_ID)
        if isinstance(record_id, str):
            first = self.first_row_of_id.setdefault(record_id, row_number)
            if first != row_number:
                self.report.add(
                    f"record_id already used in row {first} (ids must be unique within a file)",
                    row=row_number,
                    column=headers[RECORD_ID],
                    value=record_id,
                )

    def _record(self, row_number: int, values: dict[str, object]) -> IntakeRecord:
        identifying: dict[str, str] = {}
        for name in self.identifying_names:
            value = values.get(name)
            if value is not None:
                identifying[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        fields: dict[str, object] = {}
        for name, empty in self.statistical_defaults:
            value = values.get(name)
            fields[name] = (
                (list(empty) if isinstance(empty, tuple) else empty) if value is None else value
            )
        born = values.get("date_of_birth")
        return IntakeRecord(
            record_id=str(values[RECORD_ID]),
            identifying=identifying,
            fields=fields,
            derived=derive(fields, born if isinstance(born, dt.date) else None),
            row=row_number,
        )
