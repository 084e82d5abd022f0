"""docs/data-standard.md shows what the data files say (its tables are generated from them)."""

from pathlib import Path

from tiphub.standard.docs import render

DOC = Path(__file__).parents[2] / "docs" / "data-standard.md"


def test_generated_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m tiphub.standard.docs docs/data-standard.md"


def test_every_intake_column_and_ctdc_variable_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("`record_id`", "`narrative`", "`meansDenyBasicNeeds`", "`recruiterRelationOther`"):
        assert name in text
