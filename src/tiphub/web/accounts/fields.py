"""Protection level of every field a page or the API may show (docs/contracts.md, section 1).

The intake fields take their level from the data standard's dictionary
(`tiphub.standard.dictionary.intake_fields()`); the derived statistical columns the registry
stores are L-QI and the bookkeeping fields L-OP. Anything else is `UNCLASSIFIED`, a level no field
profile includes, so a new field is hidden from every role until the dictionary classifies it,
never leaked by accident.
"""

from __future__ import annotations

from functools import cache

#: The level of a field the dictionary does not know: no field profile reveals it.
UNCLASSIFIED = "unclassified"

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


@cache
def intake_levels() -> dict[str, str]:
    """Field name -> level, from the data standard's machine-readable dictionary."""
    from tiphub.standard.dictionary import intake_fields

    return {spec.name: str(spec.level) for spec in intake_fields().fields}


@cache
def derived_columns() -> frozenset[str]:
    """The derived statistical columns stored with each record (never identifying)."""
    from tiphub.web.registry.intake import DERIVED_COLUMNS

    return frozenset(DERIVED_COLUMNS)


def level_of(name: str) -> str:
    """The protection level of a field name as pages and the API use it."""
    if name in OPERATIONAL:
        return "L-OP"
    if name in derived_columns():
        return "L-QI"
    return intake_levels().get(name, UNCLASSIFIED)


@cache
def protected_fields() -> tuple[str, ...]:
    """The L-ID and L-SC fields (encrypted at rest), in the dictionary's order."""
    from tiphub.standard.dictionary import intake_fields

    return tuple(spec.name for spec in intake_fields().fields if spec.identifying)
