"""Helpers for the data-standard tests: write small intake files the way agencies send them."""

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

TODAY = dt.date(2025, 6, 30)
HEADER = ("record_id", "identification_date", "gender", "date_of_birth", "given_name")

WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write rows as a CSV file (UTF-8, optional BOM and delimiter) and return its path."""

    def write(
        rows: Sequence[Sequence[str]],
        *,
        name: str = "intake.csv",
        delimiter: str = ",",
        bom: bool = False,
    ) -> Path:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
        data = buffer.getvalue().encode("utf-8")
        path = tmp_path / name
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return write
