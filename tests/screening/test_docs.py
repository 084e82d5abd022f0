"""The documentation's tables are generated from the data and must be current."""

import re
from pathlib import Path

from tiphub.screening.catalogue import default_catalogue
from tiphub.screening.docs import catalogue_tables, verification_summary

DOCS = Path(__file__).parents[2] / "docs"
REGENERATE = "tiphub screen-catalogue --markdown > docs/screening-catalogue.md"


def test_the_catalogue_document_is_current() -> None:
    written = (DOCS / "screening-catalogue.md").read_text(encoding="utf-8")
    assert written == catalogue_tables(default_catalogue()) + "\n", f"run: {REGENERATE}"


def test_the_verification_summary_in_the_guide_is_current() -> None:
    guide = (DOCS / "screening.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- verification-summary:.*?-->\n(.*?)\n<!-- end verification-summary -->", guide, re.S
    )
    assert found, "docs/screening.md lost its verification-summary markers"
    assert found.group(1) == verification_summary(default_catalogue()), (
        "paste tiphub.screening.docs.verification_summary() into docs/screening.md"
    )
