"""Helpers of the casework tests: invented identities (canaries) and a decision builder."""

from __future__ import annotations

from datetime import UTC, datetime

from tiphub.web.casework.services import Decision, ScreeningOutcome

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday

#: Invented names found nowhere else, to prove they never reach a dump, a log or an export.
CANARY_GIVEN, CANARY_FAMILY = "Ozzelbrand", "Quintevaar-Mbeki"
CANARY_NARRATIVE = "Recruited at the Ozzelbrand farm gate with a promise of seasonal work."

LABOUR_PROFILE = {
    "gender": "Masculine",
    "age": 34,
    "citizenship": "MDA",
    "country_of_exploitation": "DEU",
    "exploitation_types": "ForcedLabour",
    "labour_sectors": "Agriculture",
    "region": "R01",
}

SCREENED = ScreeningOutcome(
    presumed_victim=True,
    indicators=("ILO-D1-deception-nature-of-job", "ILO-C3-withholding-of-wages"),
    urgent_needs=("accommodation",),
)


def decision(kind: str = "RG", outcome: str = "positive") -> Decision:
    return Decision(
        kind=kind,
        outcome=outcome,
        standard_applied="reasonable grounds to believe the person is a victim"
        if kind == "RG"
        else "balance of probabilities",
        reasons="consistent account corroborated by labour inspection report",
        authority="National anti-trafficking unit",
        evidence=("screening", "inspection-report-17"),
    )
