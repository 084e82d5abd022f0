"""The tracing track, transition by transition: each allowed when its rule holds, refused with
its reason when it does not (consent, risk check, borders, four eyes, assessment, BID)."""

from dataclasses import replace
from datetime import timedelta

import pytest
from workflow_builders import Driver, actor, new_case

from tiphub.workflow import (
    BestInterestsDetermination,
    Consent,
    ConsentScope,
    FrozenClock,
    Role,
    TracingFacts,
    Track,
    Workflow,
)

TR = Track.TRACING
cpo = actor(Role.CHILD_PROTECTION_OFFICER, agency="childcare")
cpo2 = actor(Role.CHILD_PROTECTION_OFFICER, user="cpo-2", agency="childcare")
police = actor(Role.FIRST_RESPONDER)

SAFE = TracingFacts("t1", "open", family_contact_safe=True)


def _consents(clock: FrozenClock, *scopes: str) -> tuple[Consent, ...]:
    return tuple(Consent(scope, clock.now(), given_by="guardian") for scope in scopes)


def _bid(clock: FrozenClock, *solutions: str) -> BestInterestsDetermination:
    return BestInterestsDetermination(
        decided_at=clock.now(), solutions_in_best_interests=frozenset(solutions), members=3,
        guardian_consulted=True, childs_views_recorded=True,
        review_date=(clock.now() + timedelta(days=180)).date(),
    )  # fmt: skip


def _driver(workflow: Workflow, clock: FrozenClock, **facts: object) -> Driver:
    given: dict[str, object] = {"consents": _consents(clock, ConsentScope.TRACING), **facts}
    return Driver(workflow, clock, new_case(is_child=True, **given))


# (name, tracing facts, case facts, actor, reason) of every refusal on the track
REFUSALS = [
    ("search", replace(SAFE, family_contact_safe=None), {}, cpo,
     "the risk check (could contacting the family endanger the person?) is due"),
    ("search", replace(SAFE, family_contact_safe=False), {}, cpo,
     "the risk check found contacting the family unsafe"),
    ("search", SAFE, {"consents": ()}, cpo, "no consent to tracing is recorded"),
    ("search", replace(SAFE, cross_border=True), {}, cpo,
     "cross-border tracing needs consent to share across borders; cross-border tracing needs a "
     "data-sharing agreement on file"),
    ("search", SAFE, {}, police, "'search' is done by: case_worker, child_protection_officer"),
    ("propose_match", replace(SAFE, state="searching"), {}, cpo, "no candidate match was found"),
    ("propose_match", replace(SAFE, state="open", candidate_matches=2), {}, cpo,
     "'propose_match' is not possible from 'open' on the tracing track"),
    ("verify", replace(SAFE, state="potential_match", match_proposed_by=cpo.user_id), {}, cpo,
     "a family relationship is verified by a second user, not the one who proposed the match"),
    ("reject_match", replace(SAFE, state="potential_match"), {}, cpo2,
     "a reason must be recorded"),
    ("assess_reunification", replace(SAFE, state="verified"), {}, cpo,
     "record the reunification assessment (both sides' willingness, safety) first"),
    ("reunify", replace(SAFE, state="reunification_assessed", reunification_assessed=True),
     {"bid": "local_reunification"}, cpo,
     "the reunification assessment did not find both sides willing and reunification safe "
     "(Inter-agency Guiding Principles on Unaccompanied and Separated Children)"),
    ("reunify", replace(SAFE, state="reunification_assessed", reunification_assessed=True,
                        reunification_recommended=True), {"bid": "return"}, cpo,
     "a child is reunified only after a best-interests determination (BID) found local "
     "reunification in the child's best interests"),
    ("not_in_best_interests", replace(SAFE, state="reunification_assessed"), {}, cpo,
     "a reason must be recorded"),
    ("close", replace(SAFE, state="reunified"), {}, cpo,
     "'close' is not possible from 'reunified' on the tracing track"),
]  # fmt: skip

# (name, tracing facts, case facts, actor, reason given, state reached)
ALLOWED = [
    ("search", SAFE, {}, cpo, "", "searching"),
    ("propose_match", replace(SAFE, state="searching", candidate_matches=1), {}, cpo, "",
     "potential_match"),
    ("reject_match", replace(SAFE, state="potential_match"), {}, cpo2, "not the mother",
     "searching"),
    ("verify", replace(SAFE, state="potential_match", match_proposed_by=cpo.user_id), {}, cpo2,
     "", "verified"),
    ("assess_reunification", replace(SAFE, state="verified", reunification_assessed=True), {},
     cpo, "", "reunification_assessed"),
    ("reunify", replace(SAFE, state="reunification_assessed", reunification_assessed=True,
                        reunification_recommended=True), {"bid": "local_reunification"}, cpo, "",
     "reunified"),
    ("not_in_best_interests", replace(SAFE, state="reunification_assessed"), {}, cpo,
     "the father was involved in the recruitment", "not_in_best_interests"),
    ("close", replace(SAFE, state="searching"), {}, cpo, "no trace after a year", "closed"),
]  # fmt: skip


def _case_facts(clock: FrozenClock, extra: dict[str, object]) -> dict[str, object]:
    facts = dict(extra)
    if "bid" in facts:
        facts["bid"] = _bid(clock, str(facts["bid"]))
    return facts


@pytest.mark.parametrize(("name", "tracing", "facts", "who", "reason"), REFUSALS)
def test_tracing_refusals_say_why(
    workflow: Workflow, clock: FrozenClock, name: str, tracing: TracingFacts,
    facts: dict[str, object], who: object, reason: str,
) -> None:  # fmt: skip
    case = _driver(workflow, clock, **_case_facts(clock, facts))
    assert case.refused(TR, name, who, tracing=tracing) == [reason]  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "tracing", "facts", "who", "reason", "reached"), ALLOWED)
def test_tracing_transitions_allowed_when_their_rule_holds(
    workflow: Workflow, clock: FrozenClock, name: str, tracing: TracingFacts,
    facts: dict[str, object], who: object, reason: str, reached: str,
) -> None:  # fmt: skip
    case = _driver(workflow, clock, **_case_facts(clock, facts))
    outcome = case.step(TR, name, who, tracing=tracing, reason=reason)  # type: ignore[arg-type]
    assert outcome.to_state == reached


def test_an_adult_is_reunified_without_a_bid(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, new_case(is_child=False))
    tracing = replace(SAFE, state="reunification_assessed", reunification_assessed=True,
                      reunification_recommended=True)  # fmt: skip
    assert case.step(TR, "reunify", cpo, tracing=tracing).to_state == "reunified"


def test_cross_border_search_with_consent_and_agreement(
    workflow: Workflow, clock: FrozenClock
) -> None:
    consents = _consents(clock, ConsentScope.TRACING, ConsentScope.CROSS_BORDER)
    case = Driver(workflow, clock, new_case(is_child=True, consents=consents))
    tracing = replace(SAFE, cross_border=True, data_sharing_agreement="DSA-NGA-3")
    assert case.step(TR, "search", cpo, tracing=tracing).to_state == "searching"
