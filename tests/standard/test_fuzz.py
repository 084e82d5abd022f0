"""Property-based tests: the readers never fail with anything but a reported problem, and valid
generated files come back exactly as written."""

import csv
import datetime as dt
import io
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiphub.standard import code_list, load_intake
from tiphub.standard.ctdc import load_ctdc

from .conftest import TODAY

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KNOWN_HEADERS = ["record_id", "identification_date", "gender", "date_of_birth", "age",
                 "citizenship", "exploitation_types", "given_name", "Sex", "bogus", ""]  # fmt: skip
cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
awkward = ['"', '""', ",", ";", "\t", "\n", "\r\n", "2023-02-30", "F", "ROU", "1e9", "-1", "  "]
awkward_cells = st.one_of(cells, st.sampled_from(awkward))


def _write(data: bytes, suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    with handle:
        handle.write(data)
    return Path(handle.name)


def _assert_reported_not_crashed(path: Path, loader: object = load_intake) -> None:
    try:
        batch = loader(path, today=TODAY, max_rows=500)  # type: ignore[operator]
    finally:
        path.unlink()
    assert not any("internal error" in e.reason for e in batch.report.errors), batch.report.errors
    assert batch.ok == (batch.report.n_errors == 0)
    if not batch.ok:
        assert batch.records == []


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([".csv", ".xlsx", ".tsv"]))
def test_random_bytes_are_reported_never_raised(data: bytes, suffix: str) -> None:
    _assert_reported_not_crashed(_write(data, suffix))


@FUZZ
@given(st.binary(max_size=1000))
def test_random_bytes_after_a_valid_header(data: bytes) -> None:
    _assert_reported_not_crashed(_write(b"record_id,identification_date\n" + data, ".csv"))


@FUZZ
@given(
    header=st.lists(st.sampled_from(KNOWN_HEADERS), min_size=1, max_size=8),
    rows=st.lists(st.lists(awkward_cells, max_size=10), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    bom=st.booleans(),
)
def test_random_csv_shapes_and_values(
    header: list[str], rows: list[list[str]], delimiter: str, bom: bool
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    data = (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")
    _assert_reported_not_crashed(_write(data, ".csv"))
    _assert_reported_not_crashed(_write(data, ".csv"), load_ctdc)


genders = st.sampled_from(code_list("gender").code_values)
countries = st.sampled_from(["ROU", "UKR", "VNM", "NGA", "XKX", "PHL"])
forms = st.lists(
    st.sampled_from(code_list("exploitation_type").code_values), max_size=3, unique=True
)
names = (
    st.text(alphabet=string.ascii_letters + "ăîșțéñ' -", min_size=1, max_size=15)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=TODAY)


@st.composite
def valid_records(draw: st.DrawFn) -> dict[str, object]:
    identified = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY))
    born = draw(
        st.one_of(st.none(), st.dates(min_value=shift(identified, -100), max_value=identified))
    )
    return {
        "identification_date": identified,
        "date_of_birth": born,
        "gender": draw(st.one_of(st.none(), genders)),
        "citizenship": draw(st.one_of(st.none(), countries)),
        "exploitation_types": draw(forms),
        "given_name": draw(st.one_of(st.none(), names)),
        "age": None if born else draw(st.one_of(st.none(), st.integers(0, 120))),
    }


def shift(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


@FUZZ
@given(st.lists(valid_records(), min_size=1, max_size=15), st.sampled_from([",", ";", "\t"]),
       st.booleans(), st.booleans())  # fmt: skip
def test_valid_generated_files_round_trip(
    records: list[dict[str, object]], delimiter: str, bom: bool, day_first: bool
) -> None:
    header = ["record_id", *records[0]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for number, record in enumerate(records):
        writer.writerow([f"id-{number}", *(_cell(v, day_first) for v in record.values())])
    data = (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")
    path = _write(data, ".csv")
    try:
        batch = load_intake(path, today=TODAY)
    finally:
        path.unlink()
    assert batch.ok, batch.report.errors
    for number, (record, loaded) in enumerate(zip(records, batch.records, strict=True)):
        assert loaded.record_id == f"id-{number}"
        assert loaded.fields["identification_date"] == record["identification_date"]
        assert loaded.fields["gender"] == record["gender"]
        assert loaded.fields["citizenship"] == record["citizenship"]
        assert loaded.fields["exploitation_types"] == record["exploitation_types"]
        assert loaded.fields["age"] == record["age"]
        born = record["date_of_birth"]
        assert loaded.identifying.get("date_of_birth") == (born.isoformat() if born else None)  # type: ignore[attr-defined]
        assert loaded.identifying.get("given_name") == record["given_name"]


def _cell(value: object, day_first: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if day_first else value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return str(value)
