"""`tiphub demo`'s casework scenario: a few NRM cases at different stages, made through the same
service commands as the pages (so every guard, timer, audit event and statistic is real).

The demo's accounts (one per role) work at the first agency, the police (POL); a caseworker and
a supervisor of the NGO shelter (NGO) receive the police's shelter referral in their inbox. The
clock is set back while the cases are walked, so their timelines are dated in the past and the
deadlines show as they would today:

1. an adult returned home after positive reasonable- and conclusive-grounds decisions: the first
   follow-up visit done, the second missed (an alert);
2. an adult with a positive RG (recovery period running) referred by the police to the NGO
   shelter, the referral awaiting the shelter's answer;
3. an unaccompanied child: guardian appointed, best-interests assessment done, a BID to come;
4. an adult screened yesterday: presumed victim, emergency services not yet started.

Names are invented. Idempotent: once the demo's first responder has opened cases, nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from tiphub.web.casework import models as m
from tiphub.web.casework import services
from tiphub.web.casework.services import Decision, ScreeningOutcome
from tiphub.web.registry.models import Agency
from tiphub.workflow import ConsentScope, FrozenClock, SystemClock

#: the demo accounts the scenario acts as (tiphub.cli.demo: one per role, named demo-<role>).
CAST = {
    "police": "demo-first-responder",
    "authority": "demo-competent-authority",
    "caseworker": "demo-caseworker",
    "cpo": "demo-child-protection-officer",
    "returns": "demo-return-coordinator",
}
SHELTER = "NGO"
DAYS_BACK = 150

Say = Callable[[str], None]


def _decision(kind: str) -> Decision:
    return Decision(
        kind=kind,
        outcome="positive",
        standard_applied="reasonable grounds to believe"
        if kind == "RG"
        else "balance of probabilities",
        reasons="consistent account; corroborated by the labour inspectorate (demo)",
        authority="National anti-trafficking unit (demo)",
        evidence=("screening", "inspection-report-demo"),
    )


def _screened(*indicators: str, needs: tuple[str, ...] = ()) -> ScreeningOutcome:
    return ScreeningOutcome(presumed_victim=True, indicators=indicators, urgent_needs=needs)


def run_scenario(say: Say = print) -> list[m.Case]:
    """Walk the demo's cases once; returns the cases made ([] when they exist already)."""
    users = get_user_model().objects
    cast = {key: users.filter(username=name).first() for key, name in CAST.items()}
    missing = sorted(CAST[k] for k, user in cast.items() if user is None)
    if missing:
        say(f"casework scenario skipped: no demo account {', '.join(missing)}")
        return []
    if m.Case.objects.filter(created_by=cast["police"]).exists():
        say("casework scenario already in place")
        return []
    shelter = Agency.objects.filter(code=SHELTER).first()
    start = datetime.combine(date.today() - timedelta(days=DAYS_BACK), time(9), tzinfo=UTC)
    timeline = Timeline(start)
    services.set_clock(timeline.clock)
    try:
        cases = [
            _returned_victim(cast, timeline),
            _shelter_referral(cast, timeline, shelter),
            _child_with_guardian(cast, timeline),
            _just_screened(cast, timeline),
        ]
    finally:
        services.set_clock(SystemClock())
    for case in cases:
        case.refresh_from_db()
        services.refresh_tasks(case)
        say(
            f"  {case.reference}: identification {case.identification_state}, "
            f"child {case.child_state}, return {case.return_state}"
        )
    return cases


class Timeline:
    """The frozen clock of the scenario, set to a day counted from its start."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.clock = FrozenClock(start)

    def day(self, number: int) -> None:
        self.clock.set(self.start + timedelta(days=number))


def _identified(cast: dict[str, Any], t: Timeline, day: int, **opening: Any) -> m.Case:
    """Screened by the police on `day`, referred to the NRM with consent, positive RG 2 days
    later (the competent authority sits in the police in this demo country)."""
    police = cast["police"]
    t.day(day)
    case = services.open_case(police, **opening)
    services.record_consent(police, case, ConsentScope.REFER_TO_NRM)
    services.apply_transition(police, case, "identification", "refer")
    t.day(day + 2)
    case.refresh_from_db()
    services.apply_transition(
        cast["authority"], case, "identification", "rg_positive", decision=_decision("RG")
    )
    case.refresh_from_db()
    return case


def _returned_victim(cast: dict[str, Any], t: Timeline) -> m.Case:
    authority, caseworker, returns = cast["authority"], cast["caseworker"], cast["returns"]
    case = _identified(
        cast, t, 0,
        profile_fields={"gender": "Masculine", "age": 34, "citizenship": "MDA",
                        "country_of_exploitation": "DEU", "exploitation_types": "ForcedLabour",
                        "labour_sectors": "Agriculture", "region": "R01"},
        identity={"given_name": "Ion", "family_name": "Demoscu"},
        narrative="Recruited for seasonal farm work; passport taken on arrival (demo).",
        screening=_screened("AL-DR-01", "AL-DR-02", needs=("accommodation",)),
    )  # fmt: skip
    t.day(35)
    case.refresh_from_db()
    services.apply_transition(authority, case, "identification", "cg_positive",
                              decision=_decision("CG"))  # fmt: skip
    t.day(40)
    services.record_consent(caseworker, case, ConsentScope.CROSS_BORDER)
    case.refresh_from_db()
    services.apply_transition(caseworker, case, "return", "request", person_requested=True)
    t.day(42)
    case.refresh_from_db()
    services.assess_return_risk(
        returns, case, destination="MDA", risks={"re_trafficking": "low", "refoulement": "none"},
        result="safe", then="clear",
    )  # fmt: skip
    case.refresh_from_db()
    services.plan_return(
        returns, case, voluntary=True, receiving_agency="Reintegration partner, Chisinau (demo)",
        receiving_agency_confirmed=True, cross_border_consent=True, plan_now=True,
        person_requested=True,
    )  # fmt: skip
    t.day(45)
    for name in ("depart", "reintegrate"):
        case.refresh_from_db()
        services.apply_transition(returns, case, "return", name)
    t.day(78)
    case.refresh_from_db()
    services.apply_transition(returns, case, "return", "follow_up")
    first = case.followups.order_by("scheduled_for").first()
    if first is not None:
        services.record_follow_up(
            returns, case, first, mode="visit", re_trafficking_indicator=False, wellbeing=4,
            needs="vocational training",
        )  # fmt: skip
    return case


def _shelter_referral(cast: dict[str, Any], t: Timeline, shelter: Agency | None) -> m.Case:
    police = cast["police"]
    case = _identified(
        cast, t, 130,
        profile_fields={"gender": "Feminine", "age": 27, "citizenship": "UKR",
                        "country_of_exploitation": "DEU",
                        "exploitation_types": "SexualExploitation", "region": "R02"},
        identity={"given_name": "Olena", "family_name": "Demchenko-Example"},
        narrative="Offered a job as a waitress; forced into prostitution (demo).",
        screening=_screened("AS-DR-01", "AS-CD-01", needs=("accommodation", "medical_emergency")),
    )  # fmt: skip
    if shelter is not None:
        t.day(147)
        services.record_consent(police, case, ConsentScope.share_with(shelter.code))
        case.refresh_from_db()
        services.refer(police, case, shelter, "shelter")
    return case


def _child_with_guardian(cast: dict[str, Any], t: Timeline) -> m.Case:
    cpo = cast["cpo"]
    t.day(140)
    case = services.open_case(
        cpo,
        profile_fields={"gender": "Feminine", "age": 15, "presumed_child": True,
                        "unaccompanied": True, "citizenship": "NGA",
                        "exploitation_types": "ForcedLabour", "region": "R03"},
        identity={"given_name": "Adaeze", "family_name": "Demo-Okafor"},
        screening=_screened("CL-EX-01", "CL-EX-02", needs=("accommodation",)),
    )  # fmt: skip
    t.day(141)
    services.appoint_guardian(
        cpo, case, guardian={"person": "Grace Example (demo guardian)"},
        authority="Family court (demo)", named_person=True, conflict_checked=True,
    )  # fmt: skip
    t.day(143)
    case.refresh_from_db()
    services.record_best_interests(
        cpo, case, "BIA", childs_views_recorded=True,
        childs_views="wants to stay at school and to find her mother (demo)",
        recommendation="trace the family; a BID before any reunification",
        options_considered=("local_integration", "cross_border_reunification"),
    )  # fmt: skip
    return case


def _just_screened(cast: dict[str, Any], t: Timeline) -> m.Case:
    t.day(DAYS_BACK - 1)
    return services.open_case(
        cast["police"],
        profile_fields={"gender": "Masculine", "age": 41, "citizenship": "VNM",
                        "exploitation_types": "ForcedCriminalActivity", "region": "R01"},
        screening=_screened("AL-CD-02", needs=("interpretation",)),
    )  # fmt: skip
