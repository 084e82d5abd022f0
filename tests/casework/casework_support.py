"""Helpers of the casework tests: invented identities (canaries) and a decision builder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.test import Client

from tiphub.web.casework import models as m
from tiphub.web.casework import services
from tiphub.web.casework.services import Decision, ScreeningOutcome
from tiphub.workflow import ConsentScope

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


def client_for(user: Any) -> Client:
    """A test client logged in as `user` (no password, no two-factor step)."""
    client = Client()
    client.force_login(user)
    return client


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


CHILD = {
    "gender": "Feminine",
    "age": 15,
    "presumed_child": True,
    "unaccompanied": True,
    "citizenship": "NGA",
    "exploitation_types": "SexualExploitation",
}
GUARDIAN = "Wendeline Oosterkamp-Abara"  # invented, found nowhere else


def child_case(cpo: Any) -> m.Case:
    return services.open_case(
        cpo, profile_fields=dict(CHILD), identity={"given_name": "Adaeze"}, screening=SCREENED
    )


def appointed_child(cpo: Any) -> m.Case:
    case = child_case(cpo)
    services.appoint_guardian(
        cpo, case, guardian={"person": GUARDIAN}, authority="Family court", named_person=True,
        conflict_checked=True,
    )  # fmt: skip
    case.refresh_from_db()
    return case


def identified_adult(people: dict[str, Any], agencies: dict[str, Any], caseworker: Any) -> m.Case:
    """An adult labour case at POL with a positive RG (recovery period running), referred to
    the return partner (IOM) with the return view."""
    police, authority = people["police"], people["authority"]
    case = services.open_case(police, profile_fields=dict(LABOUR_PROFILE), screening=SCREENED)
    services.record_consent(police, case, ConsentScope.REFER_TO_NRM)
    services.record_consent(police, case, ConsentScope.share_with("ATU"))
    services.respond(authority, services.refer(police, case, agencies["ATU"], "nrm_decision"),
                     "accept")  # fmt: skip
    case.refresh_from_db()
    services.apply_transition(authority, case, "identification", "rg_positive", decision=decision())
    services.record_consent(caseworker, case, ConsentScope.share_with("IOM"))
    services.respond(people["iom"], services.refer(caseworker, case, agencies["IOM"], "return"),
                     "accept")  # fmt: skip
    case.refresh_from_db()
    return case
