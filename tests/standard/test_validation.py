"""Worked examples of `load_intake`: what is accepted, normalised, and how each error reads."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tiphub.standard import ValidationIssue, load_intake, statistical_row
from tiphub.standard.reading import DEFAULT_MAX_ROWS

from .conftest import HEADER, TODAY, WriteCsv

GOOD_ROW = ("A-1", "2023-04-05", "F", "2001-05-06", "Ana")


def only_issue(path: Path, **kwargs: object) -> ValidationIssue:
    batch = load_intake(path, today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert not batch.ok
    assert batch.records == []
    assert len(batch.report.errors) == 1, batch.report.errors
    return batch.report.errors[0]


# --- valid files and normalisation ---------------------------------------------------------


def test_a_valid_file_gives_normalised_records(write_csv: WriteCsv) -> None:
    path = write_csv(
        [
            ("Record_ID", "identification_date", "Sex", "date_of_birth", "given_name",
             "citizenship", "exploitation_types", "means_of_control", "age", "family_name"),
            ("A-1", "05/04/2023", " woman ", "2001-05-06", "  Nguyê\u0303n  Thi ", "vn",
             "sexual | labour;sexual", "DebtBondage;threats", "", "Lê"),
        ]
    )  # fmt: skip
    batch = load_intake(path, today=TODAY)
    assert batch.ok, batch.report.errors
    assert batch.report.n_rows == 1
    (record,) = batch.records
    assert record.record_id == "A-1"
    assert record.row == 2
    assert record.identifying == {
        "date_of_birth": "2001-05-06",
        "given_name": "Nguyễn Thi",  # trimmed, inner spaces collapsed, NFC
        "family_name": "Lê",
    }
    assert record.fields["identification_date"] == dt.date(2023, 4, 5)
    assert record.fields["gender"] == "Feminine"
    assert record.fields["citizenship"] == "VNM"
    assert record.fields["exploitation_types"] == ["SexualExploitation", "ForcedLabour"]
    assert record.fields["means_of_control"] == ["DebtBondage", "PhysicalThreats"]
    assert record.fields["labour_sectors"] == []
    assert record.fields["trafficking_status"] == "PossibleVictimOfTrafficking"  # the default
    assert record.fields["age"] is None
    assert record.derived == {
        "year": 2023, "age_years": 21, "is_child": False, "sex": "F", "age_group": "Y_GE18",
        "age_band": "21--23", "form_sexual": True, "form_labour": True, "form_organ": False,
        "form_other": False,
    }  # fmt: skip


def test_identifying_values_never_reach_fields_or_statistics(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, GOOD_ROW])
    (record,) = load_intake(path, today=TODAY).records
    assert "given_name" not in record.fields
    assert "date_of_birth" not in record.fields
    row = statistical_row(record)
    assert "Ana" not in map(str, row.values())
    assert set(row) == {
        "year", "sex", "age_group", "age_band", "is_child", "citizenship",
        "country_of_exploitation", "region", "trafficking_status", "exploitation_types",
        "form_sexual", "form_labour", "form_organ", "form_other",
    }  # fmt: skip


def test_statistical_row_joins_forms_and_keeps_unknowns(write_csv: WriteCsv) -> None:
    path = write_csv(
        [("record_id", "identification_date", "exploitation_types", "labour_sectors"),
         ("x", "2022-01-01", "OrganRemoval;ForcedBegging", "Agriculture")]
    )  # fmt: skip
    (record,) = load_intake(path, today=TODAY).records
    row = statistical_row(record)
    assert row["exploitation_types"] == "OrganRemoval;ForcedBegging"
    assert row["form_organ"]
    assert row["form_other"]
    assert row["form_labour"]
    assert not row["form_sexual"]
    assert (row["sex"], row["age_group"], row["age_band"], row["is_child"]) == (
        "_U",
        "_U",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("dob", "age", "expected_years", "child", "band"),
    [
        ("2005-04-06", "", 17, True, "9--17"),  # birthday tomorrow: still 17
        ("2005-04-05", "", 18, False, "18--20"),  # birthday today: 18
        ("", "8", 8, True, "0--8"),
        ("", "48", 48, False, "48+"),
        ("1990-01-01", "50", 33, False, "30--38"),  # the date of birth wins over a recorded age
    ],
)
def test_age_is_derived_from_date_of_birth_else_recorded_age(
    write_csv: WriteCsv, dob: str, age: str, expected_years: int, child: bool, band: str
) -> None:
    path = write_csv(
        [
            ("record_id", "identification_date", "date_of_birth", "age"),
            ("r", "2023-04-05", dob, age),
        ]
    )
    (record,) = load_intake(path, today=TODAY).records
    assert record.derived["age_years"] == expected_years
    assert record.derived["is_child"] is child
    assert record.derived["age_group"] == ("Y0T17" if child else "Y_GE18")
    assert record.derived["age_band"] == band


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", False), (",", True), (";", False), (";", True), ("\t", False)]
)
def test_utf8_with_or_without_bom_and_any_common_delimiter(
    write_csv: WriteCsv, delimiter: str, bom: bool
) -> None:
    path = write_csv([HEADER, GOOD_ROW, ("A-2", "2023-04-05", "M", "", "Ştefan, Ion")],
                     delimiter=delimiter, bom=bom)  # fmt: skip
    batch = load_intake(path, today=TODAY)
    assert batch.ok, batch.report.errors
    assert [r.identifying.get("given_name") for r in batch.records] == ["Ana", "Ştefan, Ion"]


def test_blank_rows_are_skipped_but_counted_in_row_numbers(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, GOOD_ROW, (), ("A-2", "2023-02-30", "", "", "")])
    issue = only_issue(path)
    assert issue.row == 4


def test_xlsx_first_sheet_with_real_dates_and_numbers(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["record_id", "identification_date", "age", "gender", None])
    sheet.append([1234, dt.datetime(2023, 4, 5), 17.0, "girl", None])
    sheet.append([None, None, None, None, None])
    sheet.append(["B-7", "2023-04-06", 30, "Masculine", None])
    workbook.create_sheet("notes").append(["ignored"])
    path = tmp_path / "intake.xlsx"
    workbook.save(path)
    batch = load_intake(path, today=TODAY)
    assert batch.ok, batch.report.errors
    first, second = batch.records
    assert first.record_id == "1234"
    assert first.fields["identification_date"] == dt.date(2023, 4, 5)
    assert first.fields["age"] == 17
    assert first.derived["is_child"] is True
    assert first.fields["gender"] == "Feminine"
    assert second.row == 4


def test_xlsx_errors_name_the_spreadsheet_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["record_id", "identification_date"])
    sheet.append(["a", "2023-13-01"])
    path = tmp_path / "intake.xlsx"
    workbook.save(path)
    issue = only_issue(path)
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "intake.xlsx",
        2,
        "identification_date",
        "2023-13-01",
    )
    assert "no month 13" in issue.reason


# --- each kind of error, as the user reads it ----------------------------------------------


def test_impossible_date(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "2023-02-30", "", "", "")]))
    assert (issue.row, issue.column, issue.value) == (2, "identification_date", "2023-02-30")
    assert issue.reason == "not a real date: February 2023 has 28 days"


def test_month_and_day_swapped_gets_a_hint(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "04/13/2023", "", "", "")]))
    assert "no month 13" in issue.reason
    assert "swapped" in issue.reason


def test_not_a_date(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "last spring", "", "", "")]))
    assert issue.reason.startswith("not a date")


def test_date_in_the_future(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "2025-07-01", "", "", "")]))
    assert (issue.column, issue.value, issue.reason) == (
        "identification_date",
        "2025-07-01",
        "date is in the future",
    )


def test_date_of_birth_after_identification_hides_the_value(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "2023-04-05", "", "2023-04-06", "")]))
    assert (issue.column, issue.value) == ("date_of_birth", None)
    assert issue.reason == "date of birth is after the identification date"


def test_impossible_date_of_birth_is_reported_without_the_value(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "2023-04-05", "", "1999-02-29", "")]))
    assert (issue.column, issue.value) == ("date_of_birth", None)
    assert "February 1999 has 28 days" in issue.reason
    assert "1999-02-29" not in str(issue)


def test_age_out_of_range(write_csv: WriteCsv) -> None:
    path = write_csv([("record_id", "identification_date", "age"), ("a", "2023-01-01", "130")])
    issue = only_issue(path)
    assert (issue.column, issue.value) == ("age", "130")
    assert issue.reason == "out of range: must be between 0 and 120"


def test_age_not_a_whole_number(write_csv: WriteCsv) -> None:
    path = write_csv([("record_id", "identification_date", "age"), ("a", "2023-01-01", "17.5")])
    assert only_issue(path).reason == "not a whole number"


def test_date_of_birth_giving_an_impossible_age(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "2023-04-05", "", "1901-01-01", "")]))
    assert "over 120 years" in issue.reason
    assert issue.value is None


def test_unknown_code_suggests_the_nearest_and_lists_the_allowed(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("A-1", "2023-04-05", "Femle", "", "")]))
    assert (issue.column, issue.value) == ("gender", "Femle")
    assert "did you mean 'Feminine'" in issue.reason
    assert "allowed: Feminine, Masculine, TransgenderFeminine" in issue.reason


def test_unknown_codes_in_a_multi_valued_column_are_named(write_csv: WriteCsv) -> None:
    path = write_csv(
        [("record_id", "identification_date", "means_of_control"),
         ("a", "2023-01-01", "DebtBondage;Threatz;Foo")]
    )  # fmt: skip
    issue = only_issue(path)
    assert issue.reason.startswith("'Threatz', 'Foo' are not in the code list 'means_of_control'")


def test_long_code_lists_are_not_dumped_in_the_message(write_csv: WriteCsv) -> None:
    path = write_csv(
        [("record_id", "identification_date", "citizenship"), ("a", "2023-01-01", "Rumania")]
    )
    issue = only_issue(path)
    assert "did you mean 'ROU'" in issue.reason
    assert "ZWE" not in issue.reason


def test_unknown_column_with_did_you_mean(write_csv: WriteCsv) -> None:
    path = write_csv([(*HEADER, "nationalty"), (*GOOD_ROW, "RO")])
    issue = only_issue(path)
    assert (issue.row, issue.column) == (1, "nationalty")
    assert "unknown column" in issue.reason
    assert "did you mean 'citizenship'" in issue.reason


def test_missing_required_column(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([("record_id", "gender"), ("a", "F")]))
    assert (issue.row, issue.column, issue.reason) == (
        1,
        "identification_date",
        "required column is missing",
    )


def test_column_given_twice_under_name_and_alias(write_csv: WriteCsv) -> None:
    path = write_csv(
        [("record_id", "identification_date", "gender", "sex"), ("a", "2023-01-01", "F", "F")]
    )
    issue = only_issue(path)
    assert issue.column == "sex"
    assert "column D and column C are both 'gender'" in issue.reason


def test_missing_required_value(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, ("", "2023-01-01", "", "", "")]))
    assert (issue.row, issue.column, issue.reason) == (2, "record_id", "required value is missing")


def test_duplicate_record_ids_name_the_first_row(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, GOOD_ROW, ("B", "2023-01-01", "", "", ""), GOOD_ROW]))
    assert (issue.row, issue.column, issue.value) == (4, "record_id", "A-1")
    assert "already used in row 2" in issue.reason


def test_too_many_cells_in_a_row(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([HEADER, (*GOOD_ROW, "extra")]))
    assert issue.row == 2
    assert issue.column is None
    assert "6 cells but the header has 5 columns" in issue.reason


def test_values_under_a_column_without_header(write_csv: WriteCsv) -> None:
    issue = only_issue(write_csv([(*HEADER, ""), (*GOOD_ROW, "something")]))
    assert "column F has values but no header" in issue.reason


def test_wrong_separator_leaves_the_header_in_one_column(write_csv: WriteCsv) -> None:
    path = write_csv([("record_id|identification_date",), ("a|2023-01-01",)])
    batch = load_intake(path, today=TODAY)
    reasons = [e.reason for e in batch.report.errors]
    assert any("separator was not recognised" in r for r in reasons)


def test_bad_email_and_phone_are_reported_without_values(write_csv: WriteCsv) -> None:
    path = write_csv(
        [("record_id", "identification_date", "email", "phone"),
         ("a", "2023-01-01", "ana.example.org", "call me")]
    )  # fmt: skip
    batch = load_intake(path, today=TODAY)
    assert [(e.column, e.value) for e in batch.report.errors] == [("email", None), ("phone", None)]


def test_all_errors_of_a_file_are_collected(write_csv: WriteCsv) -> None:
    rows = [HEADER] + [(f"id{i}", "2023-02-30", "Femle", "", "") for i in range(5)]
    batch = load_intake(write_csv(rows), today=TODAY)
    assert batch.report.n_errors == 10
    assert {e.row for e in batch.report.errors} == {2, 3, 4, 5, 6}


def test_error_list_is_capped_and_says_how_many_more(write_csv: WriteCsv) -> None:
    rows = [HEADER] + [(f"id{i}", "2023-02-30", "", "", "") for i in range(30)]
    report = load_intake(write_csv(rows), max_errors=10, today=TODAY).report
    assert (len(report.errors), report.n_errors, report.errors_not_shown) == (10, 30, 20)
    assert "20 more not listed" in report.summary()
    assert report.to_dict()["errors_not_shown"] == 20


def test_identifying_values_never_appear_in_any_message(write_csv: WriteCsv) -> None:
    secrets = ("Zoltan-Secret", "1999-02-29", "+40 7x7", "zoltan@@example")
    header = ("record_id", "identification_date", "given_name", "date_of_birth", "phone", "email")
    rows = [
        (*header, "narrative"),
        ("a", "2023-01-01", secrets[0] * 40, secrets[1], secrets[2], secrets[3], "x" * 60000),
    ]
    report = load_intake(write_csv(rows), today=TODAY).report
    assert report.n_errors == 5
    text = str(report.to_dict()) + "".join(str(e) for e in report.errors)
    for secret in secrets:
        assert secret not in text
    assert "Zoltan" not in text
    assert "xxxxx" not in text


# --- whole-file problems --------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    issue = only_issue(path)
    assert (issue.file, issue.row) == ("empty.csv", None)
    assert issue.reason.startswith("the file is empty")


def test_file_with_only_a_bom_and_blank_lines_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xef\xbb\xbf\n\n  \n")
    assert only_issue(path).reason.startswith("the file is empty")


def test_header_only_file(write_csv: WriteCsv) -> None:
    assert only_issue(write_csv([HEADER])).reason == "the file has a header row but no data rows"


def test_windows_1252_file_gets_a_clear_message_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "record_id,identification_date,given_name\na,2023-01-01,Jos\u00e9\n".encode("cp1252")
    )
    issue = only_issue(path)
    assert "line 2 of the file is not valid UTF-8" in issue.reason
    assert "Windows-1252" in issue.reason
    assert "CSV UTF-8" in issue.reason
    assert "Jos" not in str(issue)


def test_utf16_file_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    path.write_bytes("record_id\tidentification_date\na\t2023-01-01\n".encode("utf-16"))
    assert "UTF-16" in only_issue(path).reason


def test_binary_file_is_not_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "NUL bytes" in only_issue(path).reason


def test_damaged_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert "cannot be opened as an Excel workbook" in only_issue(path).reason


@pytest.mark.parametrize("name", ["intake.xls", "intake.ods", "intake"])
def test_unsupported_file_types(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"record_id\n")
    assert only_issue(path).reason.startswith("unsupported file type")


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in only_issue(tmp_path / "nowhere.csv").reason


def test_too_many_rows_stops_with_a_clear_message(write_csv: WriteCsv) -> None:
    rows = [HEADER] + [(f"id{i}", "2023-01-01", "", "", "") for i in range(6)]
    issue = only_issue(write_csv(rows), max_rows=5)
    assert issue.reason.startswith("the file has more than 5 data rows")
    assert "split it" in issue.reason
    assert DEFAULT_MAX_ROWS == 2_000_000


def test_unclosed_quote_is_explained(write_csv: WriteCsv, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('record_id,identification_date\na,"2023-01-01\n' + "b,2023-01-01\n" * 20000)
    batch = load_intake(path, today=TODAY)
    assert not batch.ok
    assert any("never closed" in e.reason for e in batch.report.errors)


def test_display_name_is_used_in_messages(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, ("A-1", "2023-02-30", "", "", "")])
    issue = only_issue(path, display_name="upload from NGO.csv")
    assert issue.file == "upload from NGO.csv"


def test_report_prints_as_a_rich_table(write_csv: WriteCsv) -> None:
    from rich.console import Console

    report = load_intake(write_csv([HEADER, ("A-1", "2023-02-30", "", "", "")]), today=TODAY).report
    console = Console(width=120, record=True)
    console.print(report)
    text = console.export_text()
    assert "identification_date" in text
    assert "February 2023 has 28 days" in text
    assert "1 error(s) in 1 data row(s)" in text


def test_classic_mac_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"record_id,identification_date\rA,2023-01-01\rB,2023-01-02\r")
    batch = load_intake(path, today=TODAY)
    assert batch.ok, batch.report.errors
    assert [r.record_id for r in batch.records] == ["A", "B"]


def test_xlsx_with_wrongly_recorded_dimensions_is_read_whole(tmp_path: Path) -> None:
    import re
    import zipfile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["record_id", "identification_date", "gender"])
    sheet.append(["A", "2023-01-01", "F"])
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            target.writestr(item, data)
    batch = load_intake(bad, today=TODAY)
    assert batch.ok, batch.report.errors
    assert batch.records[0].fields["gender"] == "Feminine"
