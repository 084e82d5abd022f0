"""Reading CSV and XLSX files into header + rows of text cells, never raising on bad input.

Agencies send what their tools produce: Excel's "CSV UTF-8" (with a byte-order mark), semicolon
CSV from a French or Spanish locale, tab-separated exports, XLSX workbooks. The reader accepts all
of these and turns everything else (another encoding, binary junk, a file too large) into a
reported issue naming the row, so that the user learns what to change and nothing crashes.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tiphub.standard.report import ValidationReport

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SUPPORTED_SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
DEFAULT_MAX_ROWS = 2_000_000
DELIMITERS = (",", ";", "\t")
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
LONE_CR = re.compile(r"(?<=\r)(?!\n)")
SAVE_AS_UTF8 = "save it again as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8)"


@dataclass
class RawTable:
    """The header cells and a stream of (row number, cells) for the data rows.

    Problems met while streaming (an undecodable line, too many rows) are added to `report`; the
    stream then stops. Blank rows are skipped but still counted in the row numbers.
    """

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    delimiter: str | None = None  # None for XLSX


HeaderScore = Callable[[list[str]], int]


def open_table(
    path: Path,
    report: ValidationReport,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    header_score: HeaderScore = len,
) -> RawTable | None:
    """Open a CSV or XLSX file; None (with issues in `report`) when it cannot be read at all.

    `header_score` rates a candidate header (e.g. how many known column names it has) so the CSV
    delimiter that yields the most recognisable header wins.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        report.add(
            f"unsupported file type '{path.suffix or '(none)'}': use .csv (UTF-8) or .xlsx"
            + ("; save the .xls workbook as .xlsx" if suffix == ".xls" else "")
        )
        return None
    if not path.is_file():
        report.add("the file does not exist or is not a regular file")
        return None
    try:
        if suffix in XLSX_SUFFIXES:
            return _open_xlsx(path, report, max_rows)
        return _open_csv(path, report, max_rows, header_score)
    except OSError as exc:
        report.add(f"the file cannot be read ({exc.strerror or type(exc).__name__})")
        return None


# --- CSV -----------------------------------------------------------------------------------


def _open_csv(
    path: Path, report: ValidationReport, max_rows: int, header_score: HeaderScore
) -> RawTable | None:
    with path.open("rb") as probe:
        head = probe.read(65536)
    if head.startswith(UTF16_BOMS):
        report.add(f"the file is encoded as UTF-16, not UTF-8: {SAVE_AS_UTF8}")
        return None
    if not head.removeprefix(UTF8_BOM).strip():
        report.add("the file is empty: it has no header row and no data")
        return None
    if b"\x00" in head:
        report.add(
            "the file contains NUL bytes: it is not a UTF-8 text file (a binary file, or "
            f"UTF-16 without a byte-order mark); {SAVE_AS_UTF8}"
        )
        return None

    handle = path.open("rb")
    lines = _decoded_lines(handle, report)
    first = _first_nonblank(lines)
    if first is None:
        handle.close()
        if report.ok:
            report.add("the file is empty: it has no header row and no data")
        return None
    blank_lines_before, header_line = first
    delimiter = _sniff_delimiter(header_line, header_score)
    reader = csv.reader(_chain([header_line], lines), delimiter=delimiter, strict=False)
    header = _next_row(reader, report, blank_lines_before + 1)
    if header is None:
        handle.close()
        return None
    return RawTable(
        header=header,
        rows=_csv_rows(reader, handle, report, max_rows, blank_lines_before + 1),
        delimiter=delimiter,
    )


def _decoded_lines(handle: IO[bytes], report: ValidationReport) -> Iterator[str]:
    """UTF-8 text lines; stops with an issue naming the physical line of a bad byte."""
    for number, raw in enumerate(handle, start=1):
        if number == 1:
            raw = raw.removeprefix(UTF8_BOM)
        if b"\x00" in raw:
            report.add(f"line {number} of the file contains a NUL byte: {SAVE_AS_UTF8}")
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            report.add(
                f"line {number} of the file is not valid UTF-8 ({_guess_encoding(raw)}): "
                f"{SAVE_AS_UTF8}"
            )
            return
        if "\r" in text.rstrip("\r\n"):  # classic Mac OS line ends (CR alone)
            yield from LONE_CR.split(text)
        else:
            yield text


def _guess_encoding(raw: bytes) -> str:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return "unknown encoding or binary data"
    return "it looks like Windows-1252 / Latin-1"


def _first_nonblank(lines: Iterator[str]) -> tuple[int, str] | None:
    """The first non-blank line (the header) and how many blank lines came before it."""
    for skipped, line in enumerate(lines):
        if line.strip():
            return skipped, line
    return None


def _chain(*parts: Iterable[str]) -> Iterator[str]:
    for part in parts:
        yield from part


def _sniff_delimiter(header_line: str, header_score: HeaderScore) -> str:
    """The delimiter giving the best-scoring header; ties go to the one giving more columns."""
    best, best_key = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter, strict=False), [])
        except csv.Error:
            continue
        key = (header_score(cells), len(cells))
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _next_row(reader: Any, report: ValidationReport, row_number: int) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as exc:
        report.add(_csv_error_reason(exc), row=row_number)
        return None


def _csv_rows(
    reader: Any, handle: IO[bytes], report: ValidationReport, max_rows: int, header_row: int
) -> Iterator[tuple[int, list[str]]]:
    return _data_rows(_csv_records(reader, handle, report, header_row), report, max_rows)


def _csv_records(
    reader: Any, handle: IO[bytes], report: ValidationReport, header_row: int
) -> Iterator[tuple[int, list[str]]]:
    """Every record after the header, numbered; stops at the first unreadable one."""
    row_number = header_row
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                report.add(_csv_error_reason(exc), row=row_number + 1)
                return
            row_number += 1
            yield row_number, cells
    finally:
        handle.close()


def _data_rows(
    rows: Iterator[tuple[int, list[str]]], report: ValidationReport, max_rows: int
) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows, stopping with an issue after `max_rows` of them."""
    n_data = 0
    for row_number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        n_data += 1
        if n_data > max_rows:
            report.add(_too_many_rows(max_rows))
            return
        yield row_number, cells


def _csv_error_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            'a cell is longer than the CSV reader accepts: most often a quote (") that is '
            "opened and never closed, which swallows the rest of the file"
        )
    return f"this row cannot be read as CSV ({text})"


def _too_many_rows(max_rows: int) -> str:
    return (
        f"the file has more than {max_rows:,} data rows, the most accepted in one file: "
        "split it into several files"
    )


# --- XLSX ----------------------------------------------------------------------------------


def _open_xlsx(path: Path, report: ValidationReport, max_rows: int) -> RawTable | None:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        report.add(
            "the file cannot be opened as an Excel workbook (.xlsx): it is damaged, protected "
            "by a password, or not really an XLSX file"
        )
        return None
    if not workbook.worksheets:
        workbook.close()
        report.add("the workbook has no worksheet")
        return None
    sheet = workbook.worksheets[0]
    # Read-only mode trusts the sheet's recorded dimensions, which some tools write wrongly
    # (e.g. "A1"): forget them so that every cell present is read.
    sheet.reset_dimensions()
    rows = _xlsx_rows(sheet.iter_rows(values_only=True), workbook, report)
    first = next((row for row in rows if any(cell.strip() for cell in row[1])), None)
    if first is None:
        if report.ok:
            report.add("the first worksheet is empty: it has no header row and no data")
        workbook.close()
        return None
    _, header = first
    return RawTable(header=header, rows=_data_rows(rows, report, max_rows))


def _xlsx_rows(
    source: Iterator[tuple[Any, ...]], workbook: Any, report: ValidationReport
) -> Iterator[tuple[int, list[str]]]:
    """All rows of the sheet as text cells, numbered as Excel numbers them."""
    row_number = 0
    try:
        for values in source:
            row_number += 1
            cells = [xlsx_cell_text(v) for v in values]
            yield row_number, cells
    except Exception:
        report.add("the workbook could not be read to the end (it may be damaged)", row=row_number)
    finally:
        workbook.close()


def xlsx_cell_text(value: Any) -> str:
    """A cell value as the text the validator expects (dates ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
