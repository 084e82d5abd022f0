"""Reading identities for the encoder and the plaintext linker.

Two input shapes are accepted:

- the **linkage CSV**: `record_id, given_name, family_name, date_of_birth, sex, citizenship` plus
  any of the statistical columns (contracts.md section 2), e.g. what an agency exports from its
  own system;
- the **intake format** of `tiphub.standard` (contracts.md section 1), read and validated by
  `tiphub.standard.load_intake`, whose derived fields give the statistical columns.

A file is read as the linkage CSV when all its columns belong to it; otherwise it goes to the
intake reader. Unknown columns are an error either way: a typo must not silently drop a field.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tiphub.linkage.settings import STATISTICAL_COLUMNS

if TYPE_CHECKING:
    from tiphub.standard import IntakeRecord

IDENTITY_COLUMNS: tuple[str, ...] = (
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "citizenship",
)
_ALIASES = {"gender": "sex", "surname": "family_name", "first_name": "given_name", "dob": None}
_KNOWN = set(IDENTITY_COLUMNS) | set(STATISTICAL_COLUMNS) | {"age"}


class InputFileError(ValueError):
    """A file that cannot be read as identities. The message names the file (and row/column
    where there is one) but never an identifying value."""


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _header(path: Path) -> tuple[list[str], str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text") from None
    delimiter = _sniff_delimiter(first)
    names = next(csv.reader([first], delimiter=delimiter), [])
    return [n.strip().lower() for n in names], delimiter


def read_identities(path: str | Path) -> pd.DataFrame:
    """Identities and statistical columns of one agency file, as text (missing = '')."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_intake(path)
    header, delimiter = _header(path)
    if not header or header == [""]:
        raise InputFileError(f"{path}: the file is empty")
    renamed = [_ALIASES.get(n, n) or n for n in header]
    if "record_id" in renamed and set(renamed) <= _KNOWN:
        return _read_linkage_csv(path, delimiter, renamed)
    return _read_intake(path)


def _read_linkage_csv(path: Path, delimiter: str, names: list[str]) -> pd.DataFrame:
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise InputFileError(f"{path}: column(s) {', '.join(sorted(duplicated))} appear twice")
    try:
        frame = pd.read_csv(
            path,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            header=0,
            names=names,
        )
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputFileError(f"{path}: not a well-formed CSV ({type(error).__name__})") from None
    return frame.map(str.strip)


def _read_intake(path: Path) -> pd.DataFrame:
    from tiphub.standard import load_intake

    batch = load_intake(path)
    if not batch.ok:
        issues = "; ".join(str(issue) for issue in list(batch.report)[:5])
        raise InputFileError(f"{batch.report.summary()} {issues}".strip())
    return intake_frame(batch.records)


def intake_frame(records: Iterable[IntakeRecord]) -> pd.DataFrame:
    """The encoder's frame from validated intake records: identities from `identifying`,
    statistical columns as `tiphub.standard.statistical_row` gives them."""
    from tiphub.standard import statistical_row

    rows: list[dict[str, Any]] = []
    for record in records:
        row: dict[str, Any] = {"record_id": record.record_id}
        for name in ("given_name", "family_name", "date_of_birth"):
            row[name] = record.identifying.get(name, "")
        row.update(statistical_row(record))
        row["age_years"] = record.derived.get("age_years")  # estimates the year of birth
        rows.append(row)
    columns = ["record_id", "given_name", "family_name", "date_of_birth", *STATISTICAL_COLUMNS]
    frame = pd.DataFrame(rows, columns=[*columns, "age_years"])
    return frame.astype(object).where(frame.notna(), "").astype(str)
