"""Generated XLSForms: every set converts with pyxform in English, French and Spanish."""

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from tiphub.screening.catalogue import default_catalogue
from tiphub.screening.forms import form_schema
from tiphub.screening.xlsform import FormError, parse_languages, write_xlsform

CATALOGUE = default_catalogue()
SETS = [s.key for s in CATALOGUE.sets]


@pytest.mark.parametrize("set_key", SETS)
def test_every_set_converts_with_pyxform_in_three_languages(tmp_path: Path, set_key: str) -> None:
    out = tmp_path / f"{set_key}.xlsx"
    write_xlsform(CATALOGUE, set_key, ["en", "fr", "es"], out)
    warnings: list[str] = []
    xform = convert(xlsform=str(out), warnings=warnings).xform
    assert warnings == []
    for lang in ("English (en)", "Français (fr)", "Español (es)"):
        assert f'<translation lang="{lang}"' in xform
    # Every indicator of the set is a choice, by its catalogue id.
    for indicator in CATALOGUE.set_indicators(CATALOGUE.indicator_set(set_key).code):
        assert f"<name>{indicator.id}</name>" in xform
    assert f"'{set_key}'" in xform  # the set travels with each submission


def test_unverified_items_are_marked_in_the_form(tmp_path: Path) -> None:
    out = tmp_path / "as.xlsx"
    write_xlsform(CATALOGUE, "adults_sexual", ["en"], out)
    choices = load_workbook(out)["choices"]
    labels = {row[1]: row[2] for row in choices.iter_rows(min_row=2, values_only=True)}
    assert labels["AS-DR-01"].endswith("†")  # recalled, unverified
    assert not labels["AS-CD-07"].endswith("†")  # corroborated


def test_the_form_asks_no_identifying_question() -> None:
    names = {q.name for q in form_schema(CATALOGUE, "AL").questions}
    assert not names & {"name", "given_name", "family_name", "phone", "address", "date_of_birth"}


def test_one_language_form_converts(tmp_path: Path) -> None:
    out = tmp_path / "es.xlsx"
    write_xlsform(CATALOGUE, "CL", ["es"], out)
    assert 'lang="Español (es)"' in convert(xlsform=str(out)).xform


def test_languages_are_checked() -> None:
    assert parse_languages("en, FR") == ["en", "fr"]
    with pytest.raises(FormError):
        parse_languages("en,de")


@pytest.mark.skipif(
    shutil.which("java") is None, reason="ODK Validate needs Java (.ci/run installs it)"
)
def test_odk_validate_accepts_the_form(tmp_path: Path) -> None:
    """ODK Validate (shipped with pyxform) checks the XPath of relevance and constraints."""
    out = tmp_path / "cs.xlsx"
    write_xlsform(CATALOGUE, "children_sexual", ["en", "fr", "es"], out)
    warnings: list[str] = []
    convert(xlsform=str(out), warnings=warnings, validate=True)
    assert warnings == []
