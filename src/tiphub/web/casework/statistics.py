"""Cases feed the registry's statistics: one statistical record per case, no identity.

Each case that reached presumed-victim status keeps a `VictimRecord` of its owner agency in step
(record id = the case reference): sex, age, citizenship, form of exploitation and trafficking
status (presumed -> possible victim; positive conclusive grounds -> actual victim; a negative
decision -> not a victim). The statistical frame, capture histories and SDG 16.2.2 indicators
then count NRM cases like any agency record, and the identity never leaves the case.
"""

from __future__ import annotations

from typing import Any

from tiphub.web.casework import models as m
from tiphub.web.registry.services import upsert_statistical_record

STATUS = {
    "presumed_victim": "PossibleVictimOfTrafficking",
    "referred": "PossibleVictimOfTrafficking",
    "rg_positive": "PossibleVictimOfTrafficking",
    "reconsideration": "PossibleVictimOfTrafficking",
    "cg_positive": "ActualVictimOfTrafficking",
    "rg_negative": "NotAVictimOfTrafficking",
    "cg_negative": "NotAVictimOfTrafficking",
}


def statistical_fields(case: m.Case) -> dict[str, Any]:
    return {
        "case_id": case.reference,
        "identification_date": case.first_contact_date,
        "age": case.age,
        "gender": case.gender,
        "citizenship": case.citizenship,
        "country_of_exploitation": case.country_of_exploitation,
        "region": case.region,
        "trafficking_status": STATUS[case.identification_state],
        "status_decision_org": "",
        "exploitation_types": case.exploitation_types,
        "labour_sectors": case.labour_sectors,
    }


def sync_statistics(case: m.Case, actor: Any = None) -> None:
    """Create or update the case's statistical record (no-op before presumed-victim status)."""
    if case.identification_state not in STATUS:
        return  # contact only, or withdrawn before presumption: no victim record
    record = upsert_statistical_record(
        case.agency, case.reference, statistical_fields(case), actor, purpose="casework statistics"
    )
    if case.registry_record_id != record.pk:
        case.registry_record = record
        case.save(update_fields=["registry_record"])
