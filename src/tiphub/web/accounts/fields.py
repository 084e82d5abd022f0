"""Protection level of every field a page or the API may show (docs/contracts.md, section 1).

The intake fields take their level from the data standard's dictionary
(`tiphub/standard/data/intake_fields.yaml`); the derived statistical fields are L-QI and the
bookkeeping fields L-OP. Anything else is treated as L-ID, the most protected level, so an
unclassified field is hidden rather than leaked.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

#: Derived, non-identifying statistical fields (contracts section 1, "Derived statistical fields").
DERIVED_QI = frozenset(
    {
        "year",
        "age_years",
        "is_child",
        "sex",
        "age_group",
        "age_band",
        "form_sexual",
        "form_labour",
        "form_organ",
        "form_other",
    }
)

#: Bookkeeping fields of a stored record: ids and provenance, no content about the person.
OPERATIONAL = frozenset(
    {
        "id",
        "pk",
        "record_pk",
        "agency",
        "agency_code",
        "agency_name",
        "submission",
        "created_at",
        "updated_at",
        "url",
    }
)

#: Used only when the standard's dictionary cannot be read: the contract's L-ID and L-SC columns.
_FALLBACK_PROTECTED = {
    "given_name": "L-ID",
    "family_name": "L-ID",
    "other_names": "L-ID",
    "date_of_birth": "L-ID",
    "phone": "L-ID",
    "email": "L-ID",
    "address": "L-ID",
    "document_number": "L-ID",
    "narrative": "L-SC",
}


def _iter_entries(data: Any) -> list[tuple[str, str]]:
    """(name, level) pairs from the dictionary, which lists fields as a list or a mapping."""
    fields = data.get("fields", data) if isinstance(data, dict) else data
    pairs: list[tuple[str, str]] = []
    if isinstance(fields, dict):
        for name, spec in fields.items():
            if isinstance(spec, dict) and spec.get("level"):
                pairs.append((str(name), str(spec["level"])))
    elif isinstance(fields, list):
        for spec in fields:
            if isinstance(spec, dict) and spec.get("name") and spec.get("level"):
                pairs.append((str(spec["name"]), str(spec["level"])))
    return pairs


@cache
def intake_levels() -> dict[str, str]:
    """Field name -> level, read from the data standard's machine-readable dictionary."""
    try:
        text = (
            resources.files("tiphub.standard")
            .joinpath("data/intake_fields.yaml")
            .read_text(encoding="utf-8")
        )
    except (FileNotFoundError, ModuleNotFoundError):
        return dict(_FALLBACK_PROTECTED)
    levels = dict(_iter_entries(yaml.safe_load(text)))
    return {**_FALLBACK_PROTECTED, **levels} if levels else dict(_FALLBACK_PROTECTED)


def level_of(name: str) -> str:
    """The protection level of a field name as pages and the API use it."""
    if name in OPERATIONAL:
        return "L-OP"
    if name in DERIVED_QI:
        return "L-QI"
    return intake_levels().get(name, "L-ID")


def identifying_fields() -> frozenset[str]:
    """Names of the fields at L-ID or L-SC (the encrypted ones)."""
    return frozenset(n for n, lvl in intake_levels().items() if lvl in {"L-ID", "L-SC"})
