"""The field dictionary matches the intake contract (docs/contracts.md section 1)."""

import re
from pathlib import Path

from tiphub.standard import FieldType, Level, intake_fields

CONTRACTS = Path(__file__).parents[2] / "docs" / "contracts.md"


def _contract_rows() -> dict[str, tuple[str, str, str]]:
    """column -> (type, level, required) from the table of contracts.md section 1."""
    text = CONTRACTS.read_text(encoding="utf-8")
    section = text.split("## 1.")[1].split("## 2.")[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`"):
            continue
        for name in re.findall(r"`([a-z_]+)`", cells[0]):
            rows[name] = (cells[1], cells[2], cells[3])
    return rows


def test_dictionary_has_exactly_the_contract_columns_in_order() -> None:
    assert intake_fields().names == list(_contract_rows())


def test_levels_and_required_flags_match_the_contract() -> None:
    for name, (kind, level, required) in _contract_rows().items():
        spec = intake_fields()[name]
        assert spec.level == Level(level), name
        assert spec.required == required.startswith("yes"), name
        if kind.startswith("multi"):
            assert spec.type is FieldType.MULTICODE, name
            assert spec.multi_valued, name
        elif kind.startswith("code"):
            assert spec.type is FieldType.CODE, name
            assert spec.code_list_name in kind, name
        elif kind.startswith("date"):
            assert spec.type is FieldType.DATE, name


def test_identifying_fields_are_exactly_the_l_id_and_l_sc_ones() -> None:
    identifying = {spec.name for spec in intake_fields() if spec.identifying}
    assert identifying == {
        "given_name", "family_name", "other_names", "date_of_birth", "phone", "email",
        "address", "document_number", "narrative",
    }  # fmt: skip


def test_headers_resolve_by_name_alias_and_case() -> None:
    fields = intake_fields()
    assert fields.resolve("Record_ID").name == "record_id"  # type: ignore[union-attr]
    assert fields.resolve("sex").name == "gender"  # type: ignore[union-attr]
    assert fields.resolve("Date of birth").name == "date_of_birth"  # type: ignore[union-attr]
    assert fields.resolve("prs_FirstName").name == "given_name"  # type: ignore[union-attr]
    assert fields.resolve("nationalty") is None
    assert fields.suggest("nationalty") == ["citizenship"]


def test_every_field_documents_its_purpose_and_standards() -> None:
    for spec in intake_fields():
        assert len(spec.purpose) > 20, spec.name
        assert set(spec.labels) == {"en", "fr", "es"}, spec.name
