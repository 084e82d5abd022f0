"""Reading Kobo / ODK submissions: every layout, and clear all-or-nothing errors."""

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiphub.screening import default_catalogue, screen
from tiphub.screening.submissions import SubmissionError, read_submissions

DATA = Path(__file__).parents[1] / "data" / "screening"
CATALOGUE = default_catalogue()
EXPORTS = [
    "kobo_adults_labour.csv",
    "kobo_adults_labour.json",
    "odk_central_adults_labour.csv",
    "odk_central_adults_labour.json",
]


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_layout_reads_the_same_screenings(name: str) -> None:
    batch = read_submissions(DATA / name, CATALOGUE)
    assert batch.set_key == "adults_labour"
    first, child, weak = batch.submissions
    assert first.instance_id == "uuid:5b2c1e0a-0d1c-4c5e-9a51-1f0e2b7d3a01"
    assert first.screening.indicators == (
        "AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02",
    )  # fmt: skip
    assert first.screening.unknown == ("VD",)  # "could not be assessed"
    assert first.screening.context["act"] is True
    assert first.record_ref == "NGO-2026-001"
    assert (first.gender, first.citizenship) == ("Feminine", "NGA")
    assert child.screening.child is True
    assert weak.citizenship == "UKR"
    verdicts = [screen(s.screening).verdict("presumed_victim") for s in batch.submissions]
    assert verdicts == ["yes", "yes", "no"]
    assert "differ from the current catalogue" in batch.warnings[0]


def _kobo_rows() -> tuple[list[str], list[dict[str, str]]]:
    with (DATA / "kobo_adults_labour.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def _write(tmp_path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def problems_of(path: Path, set_key: str | None = None) -> list[str]:
    with pytest.raises(SubmissionError) as caught:
        read_submissions(path, CATALOGUE, set_key)
    return [str(p) for p in caught.value.problems]


def test_an_unknown_column_is_refused_by_name(tmp_path: Path) -> None:
    header, rows = _kobo_rows()
    header.append("victim_name")
    found = problems_of(_write(tmp_path, header, rows))
    assert found == [
        "export.csv, header, column 'victim_name': not a question of the tiphub screening form"
    ]


def test_labels_instead_of_choice_names_are_explained(tmp_path: Path) -> None:
    header, rows = _kobo_rows()
    rows[1]["dim_ex/ind_ex"] = "Excessive working days or hours"
    found = problems_of(_write(tmp_path, header, rows))
    assert found[0].startswith("export.csv, line 3, column 'dim_ex/ind_ex': unknown choice(s)")
    assert "XML values" in found[0]


def test_all_problems_are_reported_with_row_and_column(tmp_path: Path) -> None:
    header, rows = _kobo_rows()
    rows[0]["age"] = "thirty"
    rows[1]["situation/ctx_act"] = "maybe"
    rows[2]["dim_cd/ind_cd"] = "none AL-CD-15"
    rows[2]["citizenship"] = "Ukraine"
    found = problems_of(_write(tmp_path, header, rows))
    assert "export.csv, line 2, column 'age': not a whole number" in found
    assert "export.csv, line 3, column 'situation/ctx_act': must be yes, no or dont_know" in found
    assert any(p.startswith("export.csv, line 4, column 'dim_cd/ind_cd': 'none'") for p in found)
    assert "export.csv, line 4, column 'citizenship': must be a three-letter ISO 3166 code" in found


def test_instance_ids_are_required_and_unique(tmp_path: Path) -> None:
    header, rows = _kobo_rows()
    rows[2]["meta/instanceID"] = rows[0]["meta/instanceID"]
    rows[2]["_uuid"] = rows[0]["_uuid"]
    rows[1]["meta/instanceID"] = ""
    rows[1]["_uuid"] = ""
    found = problems_of(_write(tmp_path, header, rows))
    assert "export.csv, line 4, column 'meta/instanceID': same submission as line 2" in found
    missing = "export.csv, line 3, column 'meta/instanceID': missing: each submission needs its"
    assert f"{missing} instance id" in found


def test_the_set_comes_from_the_file_or_the_caller(tmp_path: Path) -> None:
    header, rows = _kobo_rows()
    header.remove("tiphub_set")
    for row in rows:
        del row["tiphub_set"]
    path = _write(tmp_path, header, rows)
    assert "no tiphub_set column" in problems_of(path)[0]
    assert len(read_submissions(path, CATALOGUE, "AL").submissions) == 3
    assert (
        "not children_labour" in problems_of(DATA / "kobo_adults_labour.csv", "children_labour")[0]
    )


@pytest.mark.parametrize("content", ["", "{", "[1, 2]", "a;b\n1;2;3\n"])
def test_unreadable_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / ("export.json" if content.startswith(("{", "[")) else "export.csv")
    path.write_text(content, encoding="utf-8")
    assert problems_of(path, "AL")


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["age", "ind_ex", "meta/instanceID", "x", "tiphub_set"]),
            st.one_of(st.text(max_size=20), st.integers(), st.none()),
            max_size=5,
        ),
        max_size=4,
    )
)
def test_fuzzed_json_exports_never_crash(tmp_path: Path, items: list[dict[str, object]]) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    problems, read = None, None
    try:
        read = read_submissions(path, CATALOGUE, "AL")
    except SubmissionError as exc:
        problems = exc.problems
    if read is None:
        assert problems
    else:
        assert len(read.submissions) == len(items)
