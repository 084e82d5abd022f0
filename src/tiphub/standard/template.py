"""Empty intake files for agencies to fill in: CSV (header only) or XLSX with drop-downs.

The XLSX template is what most agency data officers will use: the first sheet holds the columns,
coded columns offer a drop-down of their codes (multi-valued ones too, without refusing a typed
`A;B` list), whole-number columns refuse out-of-range values, and two more sheets list the code
lists and explain every column (label, protection level, purpose, HTCDS and CTDC names).
"""

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tiphub.standard.codelists import CodeList
from tiphub.standard.dictionary import FieldSpec, FieldType, intake_fields

TEMPLATE_SUFFIXES = (".csv", ".xlsx")
DATA_SHEET = "intake"
CODES_SHEET = "code lists"
NOTES_SHEET = "columns"
VALIDATED_ROWS = 10000
NOTE_COLUMNS = (
    "column", "label (en)", "label (fr)", "label (es)", "type", "protection level", "required",
    "multi-valued", "code list", "HTCDS 2.0", "CTDC 2024", "purpose",
)  # fmt: skip


def write_template(path: Path) -> Path:
    """Write an empty intake file; the format follows the suffix (.csv or .xlsx)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _write_csv(path)
    if suffix == ".xlsx":
        return _write_xlsx(path)
    raise ValueError(f"a template is .csv or .xlsx, not {path.suffix or '(no suffix)'}")


def _write_csv(path: Path) -> Path:
    # A byte-order mark makes Excel open the file as UTF-8 (accents in names survive).
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(intake_fields().names)
    return path


def _write_xlsx(path: Path) -> Path:
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = DATA_SHEET
    codes_sheet = workbook.create_sheet(CODES_SHEET)
    notes = workbook.create_sheet(NOTES_SHEET)

    code_ranges = _write_code_lists(codes_sheet)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    identifying_font = Font(bold=True, color="9C0006")
    for index, spec in enumerate(intake_fields(), start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=spec.name)
        cell.font = identifying_font if spec.identifying else bold
        if spec.required:
            cell.fill = required_fill
        cell.comment = Comment(_header_note(spec), "tiphub")
        data.column_dimensions[letter].width = max(14, len(spec.name) + 4)
        validation = _validation(spec, code_ranges)
        if validation is not None:
            data.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
    data.freeze_panes = "A2"

    notes.append(NOTE_COLUMNS)
    for cell in notes[1]:
        cell.font = bold
    for spec in intake_fields():
        notes.append(_note_row(spec))
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["L"].width = 80
    notes.freeze_panes = "A2"
    workbook.save(path)
    return path


def _write_code_lists(sheet: Worksheet) -> dict[str, str]:
    """Two columns per code list used by the intake (code, English label); returns ranges."""
    ranges: dict[str, str] = {}
    used: list[CodeList] = []
    for spec in intake_fields():
        if spec.code_list_name and spec.codes not in used:
            used.append(spec.codes)
    for number, codes in enumerate(used):
        code_column = 2 * number + 1
        sheet.cell(row=1, column=code_column, value=codes.name).font = Font(bold=True)
        sheet.cell(row=1, column=code_column + 1, value=f"{codes.name} (label)").font = Font(
            bold=True
        )
        for row, code in enumerate(codes, start=2):
            sheet.cell(row=row, column=code_column, value=code.code)
            sheet.cell(row=row, column=code_column + 1, value=code.label("en"))
        letter = get_column_letter(code_column)
        ranges[codes.name] = f"'{CODES_SHEET}'!${letter}$2:${letter}${len(codes) + 1}"
        sheet.column_dimensions[letter].width = 28
    return ranges


def _validation(spec: FieldSpec, code_ranges: dict[str, str]) -> DataValidation | None:
    if spec.code_list_name:
        multi = spec.type is FieldType.MULTICODE
        return DataValidation(
            type="list",
            formula1=f"={code_ranges[spec.code_list_name]}",
            allow_blank=True,
            showErrorMessage=not multi,  # a typed "A;B" list must stay possible
            errorTitle="Not in the code list",
            error=f"Choose a code of the '{spec.code_list_name}' list (sheet '{CODES_SHEET}').",
            showInputMessage=True,
            promptTitle=spec.name[:32],
            prompt=("Several codes allowed, separated by ;" if multi else "Choose from the list"),
        )
    if spec.type is FieldType.INTEGER:
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(spec.minimum if spec.minimum is not None else 0),
            formula2=str(spec.maximum if spec.maximum is not None else 10**9),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not a whole number in range",
            error=f"{spec.name}: a whole number from {spec.minimum} to {spec.maximum}.",
        )
    return None


def _header_note(spec: FieldSpec) -> str:
    parts = [spec.label("en"), f"{spec.type.value}, {spec.level.value}"]
    if spec.required:
        parts.append("required")
    if spec.type is FieldType.DATE:
        parts.append("date: YYYY-MM-DD or DD/MM/YYYY")
    if spec.identifying:
        parts.append("identifying: encrypted when stored")
    parts.append(spec.purpose)
    return "\n".join(parts)


def _note_row(spec: FieldSpec) -> tuple[str, ...]:
    return (
        spec.name,
        spec.label("en"),
        spec.label("fr"),
        spec.label("es"),
        spec.type.value,
        spec.level.value,
        "yes" if spec.required else "no",
        "yes" if spec.multi_valued else "no",
        spec.code_list_name or "",
        spec.htcds,
        ", ".join(spec.ctdc),
        spec.purpose,
    )
