"""Turn screened submissions into presumed-victim rows of the intake format.

The registry stores victim records only through its own import (validation by the data standard,
all or nothing, audited), so a screening import writes an ordinary intake file (docs/contracts.md
section 1) and hands it over. This module builds those rows: no Django here.

Which submissions become records: those the presumed-victim policy says "yes" to (and, on
request, those it cannot decide yet). The record id is derived from the form's instance id, so
importing the same export again updates the same records instead of duplicating them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tiphub.screening.catalogue import Catalogue, data_dir
from tiphub.screening.engine import ScreeningResult
from tiphub.screening.submissions import Submission

INTAKE_COLUMNS = (
    "record_id",
    "case_id",
    "identification_date",
    "age",
    "gender",
    "citizenship",
    "trafficking_status",
    "exploitation_types",
    "means_of_control",
    "recruitment_methods",
)
PRESUMED_STATUS = "PossibleVictimOfTrafficking"
RECORD_PREFIX = "scr-"


@cache
def htcds_mapping() -> dict[str, Any]:
    """data/htcds_mapping.yaml: screening concepts -> HTCDS codes of the data standard."""
    content: dict[str, Any] = yaml.safe_load(
        (data_dir() / "htcds_mapping.yaml").read_text(encoding="utf-8")
    )
    return content


def record_id_for(instance_id: str) -> str:
    """`uuid:5b2c...` -> `scr-5b2c...` (stable across re-imports; at most 100 characters)."""
    return (RECORD_PREFIX + instance_id.removeprefix("uuid:"))[:100]


def should_store(result: ScreeningResult, include_insufficient: bool = False) -> bool:
    verdict = result.verdict("presumed_victim")
    return verdict == "yes" or (include_insufficient and verdict == "insufficient")


def _codes(result: ScreeningResult, catalogue: Catalogue, section: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    by_concept = section.get("by_concept", {})
    by_icls = section.get("by_icls_element", {})
    for item in result.person.indicators:
        indicator = catalogue.indicators.get(item)
        code = by_concept.get(indicator.concept) if indicator else by_icls.get(item)
        if code and code not in found:
            found.append(code)
    return found


def exploitation_types(result: ScreeningResult, catalogue: Catalogue) -> list[str]:
    section = htcds_mapping()["exploitation_types"]
    found: list[str] = []
    person = result.person
    exploited = (
        result.dimensions["EX"].has() is True
        or person.context.get("exploitative_purpose") is True
        or result.verdict("trafficking") == "yes"
    )
    if person.set_key and exploited:
        purpose = catalogue.indicator_set(person.set_key).purpose
        found.append(section["by_set_purpose"][purpose])
    for form in catalogue.other_forms:
        if any(i.id in person.indicators for i in form.indicators):
            found.append(section["by_other_form"][form.key])
    for code in _codes(result, catalogue, section):
        found.append(code)
    return list(dict.fromkeys(found))


def intake_row(
    submission: Submission, result: ScreeningResult, catalogue: Catalogue, today: date
) -> dict[str, str]:
    """The intake row of one presumed victim (statistical fields only: no identity)."""
    mapping = htcds_mapping()
    day = submission.screening_date
    if day is None and submission.submitted_at:
        try:
            day = date.fromisoformat(submission.submitted_at[:10])
        except ValueError:
            day = None
    person = submission.screening
    return {
        "record_id": record_id_for(submission.instance_id),
        "case_id": submission.record_ref or "",
        "identification_date": (day or today).isoformat(),
        "age": "" if person.age is None else str(person.age),
        "gender": submission.gender or "",
        "citizenship": submission.citizenship or "",
        "trafficking_status": PRESUMED_STATUS,
        "exploitation_types": ";".join(exploitation_types(result, catalogue)),
        "means_of_control": ";".join(_codes(result, catalogue, mapping["means_of_control"])),
        "recruitment_methods": ";".join(_codes(result, catalogue, mapping["recruitment_methods"])),
    }


def write_intake(rows: Iterable[Mapping[str, str]], path: Path) -> Path:
    """Write intake rows as a UTF-8 CSV the registry imports."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=INTAKE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path
