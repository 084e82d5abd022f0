"""Capture tables: the CSV format, tables from linked records, and the errors users get."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiphub.estimation import CaptureTable, CaptureTableError, stratum_tables

from .data import DATA


def write(tmp_path: Path, text: str, name: str = "t.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_reads_the_format_and_fills_absent_patterns_with_zero() -> None:
    table = CaptureTable.from_csv(DATA / "Korea.csv")
    assert table.lists == ("b", "c", "d")
    assert table.observed == 123
    assert len(table.cell_counts) == 7  # all observable patterns, zeros included
    assert table.cell_counts.sum() == 123
    assert table.overlaps() == {"b:c": 66, "b:d": 18, "c:d": 12}
    assert table.nonoverlapping_pairs() == []


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_and_bom(tmp_path: Path, delimiter: str) -> None:
    text = (
        delimiter.join(["A", "B", "count"])
        + "\n"
        + "\n".join(delimiter.join(r) for r in [["1", "0", "5"], ["0", "1", "7"], ["1", "1", "2"]])
    )
    table = CaptureTable.from_csv(write(tmp_path, "\ufeff" + text))
    assert table.lists == ("A", "B")
    assert table.counts.tolist() == [5, 7, 2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,count\n1,2,5\n0,1,3\n1,1,1\n", "row 2, column 'B': '2' is not 0 or 1"),
        ("A,B,count\n1,x,5\n0,1,3\n1,1,1\n", "'x' is not 0 or 1"),
        ("A,B,count\n1,0,-5\n0,1,3\n1,1,1\n", "row 2, column 'count': -5 is negative"),
        ("A,B,count\n1,0,2.5\n0,1,3\n1,1,1\n", "'2.5' is not a whole number"),
        ("A,B,count\n1,0,many\n0,1,3\n1,1,1\n", "'many' is not a whole number"),
        ("A,B,count\n0,0,4\n0,1,3\n1,1,1\n", "all zeros"),
        ("A,B,count\n1,0,4\n0,1,3\n1,0,1\n", "row 4: duplicate pattern {A} (already on row 2)"),
        ("A,count\n1,4\n", "1 list column(s)"),
        ("A,B,C,count\n1,0,0,4\n0,1,0,3\n1,1,0,1\n", "list(s) C have no cases"),
        ("A,B\n1,0\n", "no `count` column"),
        ("A,B,count\n1,0,0\n0,1,0\n", "no one was observed"),
        ("A,B,count\n1,0,4,9\n", "has 4 fields but the header has 3"),
        ("A,A,count\n1,0,4\n", "duplicate column name(s) A"),
        ("", "the file is empty"),
    ],
)
def test_invalid_tables_say_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CaptureTableError) as raised:
        CaptureTable.from_csv(path)
    assert message in str(raised.value)
    if text:
        assert str(path) in str(raised.value)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"A,B,count\n\xff\xfe,0,1\n")
    with pytest.raises(CaptureTableError, match="not UTF-8"):
        CaptureTable.from_csv(path)


def test_from_linked_records() -> None:
    records = pd.DataFrame(
        {
            "person_id": [1, 1, 2, 3, 3, 3, 4, 5],
            "agency": ["police", "ngo", "police", "police", "ngo", "ngo", "ngo", "labour"],
        }
    )
    table = CaptureTable.from_records(records, lists=["police", "ngo", "labour"])
    frame = table.to_frame().set_index(["police", "ngo", "labour"])["count"].to_dict()
    assert frame == {(1, 1, 0): 2, (1, 0, 0): 1, (0, 1, 0): 1, (0, 0, 1): 1}
    assert table.observed == 5


def test_from_records_errors() -> None:
    records = pd.DataFrame({"person_id": [1, None], "agency": ["a", "b"]})
    with pytest.raises(CaptureTableError, match="record 2"):
        CaptureTable.from_records(records)
    records = pd.DataFrame({"person_id": [1, 2], "agency": ["a", "x"]})
    with pytest.raises(CaptureTableError, match="x not among the lists"):
        CaptureTable.from_records(records, lists=["a", "b"])
    with pytest.raises(CaptureTableError, match="list\\(s\\) b have no cases"):
        CaptureTable.from_records(
            pd.DataFrame({"person_id": [1], "agency": ["a"]}), lists=["a", "b"]
        )


def test_from_frame_matches_from_csv() -> None:
    frame = pd.read_csv(DATA / "UKdat.csv")
    a = CaptureTable.from_frame(frame)
    b = CaptureTable.from_csv(DATA / "UKdat.csv")
    assert a.lists == b.lists
    np.testing.assert_array_equal(a.cell_counts, b.cell_counts)


def test_stratum_tables_keep_file_row_numbers() -> None:
    frame = pd.DataFrame(
        {
            "sex": ["F", "M", "F", "M"],
            "A": [1, 1, 0, 1],
            "B": [0, 0, 1, 7],
            "count": [3, 4, 5, 6],
        }
    ).astype(str)
    with pytest.raises(CaptureTableError, match=r"\[sex=M\], row 5, column 'B'"):
        stratum_tables(frame, ["sex"], "s.csv")


def test_parse_terms() -> None:
    table = CaptureTable.from_csv(DATA / "Korea.csv")
    assert table.parse_terms(["c:b", "b:d"]) == ((0, 1), (0, 2))
    with pytest.raises(CaptureTableError, match="not a two-list term"):
        table.parse_terms(["b:z"])


cells = st.text(alphabet='01 ,;\t-.ax2\n"', max_size=60)


@settings(max_examples=300, deadline=None)
@given(text=cells)
def test_fuzz_parser_only_raises_capture_table_errors(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    """Whatever the bytes, reading either gives a valid table or a CaptureTableError."""
    path = tmp_path_factory.mktemp("fuzz") / "t.csv"
    path.write_text("A,B,count\n" + text, encoding="utf-8")
    try:
        table = CaptureTable.from_csv(path)
    except CaptureTableError:
        return
    assert table.observed > 0
    assert all(t > 0 for t in table.list_totals().values())
