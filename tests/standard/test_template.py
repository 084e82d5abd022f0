"""The intake template: every column, drop-downs per coded column, notes; filled in, valid."""

import datetime as dt
from pathlib import Path

import openpyxl

from tiphub.standard import intake_fields, load_intake
from tiphub.standard.template import write_template


def test_xlsx_template_has_columns_code_lists_and_notes(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["intake", "code lists", "columns"]
    sheet = workbook["intake"]
    assert [c.value for c in sheet[1]] == intake_fields().names
    validated = {
        str(v.sqref).split(":")[0].rstrip("0123456789"): v
        for v in sheet.data_validations.dataValidation
    }
    letters = {
        spec.name: openpyxl.utils.get_column_letter(i) for i, spec in enumerate(intake_fields(), 1)
    }
    gender = validated[letters["gender"]]
    assert gender.type == "list"
    assert "'code lists'!" in str(gender.formula1)
    assert gender.showErrorMessage
    assert not validated[letters["means_of_control"]].showErrorMessage  # "A;B" stays possible
    assert validated[letters["age"]].type == "whole"
    codes = workbook["code lists"]
    header = [c.value for c in codes[1]]
    assert "gender" in header
    assert "country" in header
    notes = workbook["columns"]
    assert notes.max_row == len(intake_fields().names) + 1


def test_a_filled_in_template_validates(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["intake"]
    names = intake_fields().names
    values = {"record_id": "R1", "identification_date": dt.datetime(2022, 5, 1),
              "gender": "Feminine", "citizenship": "ROU", "age": 16,
              "exploitation_types": "SexualExploitation;ForcedLabour"}  # fmt: skip
    for name, value in values.items():
        sheet.cell(row=2, column=names.index(name) + 1, value=value)
    workbook.save(path)
    batch = load_intake(path)
    assert batch.ok, batch.report.errors
    assert batch.records[0].derived["age_group"] == "Y0T17"


def test_csv_template_is_a_header_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").strip() == ",".join(intake_fields().names)
