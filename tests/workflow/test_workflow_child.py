"""Worked case: an unaccompanied child with a guardian, a BIA, a BID and family reunification."""

from dataclasses import replace
from datetime import date, timedelta

from workflow_builders import Driver, actor, new_case

from tiphub.workflow import (
    BestInterestsDetermination,
    Consent,
    ConsentScope,
    Effect,
    FrozenClock,
    Guardian,
    Role,
    TracingFacts,
    Track,
    Workflow,
    evaluate,
)
from tiphub.workflow.deadlines import TaskStatus

ID, CH, TR = Track.IDENTIFICATION, Track.CHILD, Track.TRACING
police = actor(Role.FIRST_RESPONDER)
social = actor(Role.CASE_WORKER, agency="childcare")
cpo = actor(Role.CHILD_PROTECTION_OFFICER, agency="childcare")
cpo2 = actor(Role.CHILD_PROTECTION_OFFICER, user="cpo-2", agency="childcare")
panel = actor(Role.BID_PANEL_MEMBER, agency="childcare")


def _bid(clock: FrozenClock, *solutions: str, members: int = 3) -> BestInterestsDetermination:
    return BestInterestsDetermination(
        decided_at=clock.now(),
        solutions_in_best_interests=frozenset(solutions),
        members=members,
        guardian_consulted=True,
        childs_views_recorded=True,
        review_date=(clock.now() + timedelta(days=180)).date(),
        dissent="one member preferred foster care in the country of destination",
    )


def test_unaccompanied_child_to_cross_border_reunification(
    workflow: Workflow, clock: FrozenClock
) -> None:
    facts = new_case(is_child=True, unaccompanied=True, date_of_birth=date(2012, 6, 1))
    case = Driver(workflow, clock, facts)

    presumed = case.step(ID, "presume", police)
    # the child track opens and a guardian is requested automatically (CETS 197 art. 10(4))
    assert [o.transition for o in presumed.follow_on] == ["open", "request_guardian"]
    assert Effect.REQUEST_GUARDIAN in presumed.all_effects()
    assert case.facts.state(CH) == "guardian_requested"

    # no consent is needed to refer a child; the guardian is informed
    referred = case.step(ID, "refer", police)
    assert Effect.INFORM_GUARDIAN in referred.effects

    # guardian timer: 3 working days (Monday -> Thursday)
    def tasks(rule: str) -> list:
        found = evaluate(case.events, workflow.profile, clock.now(), is_child=True)
        return [t for t in found if t.rule_id == rule]

    clock.advance(days=3, hours=1)
    assert tasks("T7")[0].status == TaskStatus.OVERDUE
    assert Role.CHILD_PROTECTION_OFFICER in tasks("T7")[0].roles

    # an organisation guardian without a named person, and no conflict check: refused
    case.facts = replace(
        case.facts, guardian=Guardian(appointed_at=clock.now(), authority="", is_organisation=True)
    )
    reasons = case.refused(CH, "appoint_guardian", cpo)
    assert reasons == [
        "the appointing authority is not recorded; no conflict-of-interest check was recorded; an "
        "organisation appointed as guardian must name a natural person"
    ]
    case.facts = replace(
        case.facts,
        guardian=Guardian(
            requested_at=clock.now(),
            appointed_at=clock.now(),
            authority="District family court",
            conflict_checked=True,
            is_organisation=True,
            named_person=True,
        ),
    )
    case.step(CH, "appoint_guardian", cpo)
    assert tasks("T7") == []

    # BIA needs the child's views
    assert case.refused(CH, "assess_best_interests", social) == [
        "a best-interests assessment must record the child's views (right to be heard)"
    ]
    case.facts = replace(case.facts, bia_childs_views_recorded=True)
    case.step(CH, "assess_best_interests", social)
    assert tasks("T8") == []

    # cross-border reunification needs a BID first
    reasons = case.refused(CH, "implement_solution", social, solution="cross_border_reunification")
    assert any("needs a best-interests determination" in r for r in reasons)
    case.step(CH, "require_bid", social)
    # a panel below quorum is refused
    case.facts = replace(case.facts, bid=_bid(clock, "cross_border_reunification", members=2))
    assert any("below the quorum of 3" in r for r in case.refused(CH, "decide_bid", panel))
    case.facts = replace(case.facts, bid=_bid(clock, "cross_border_reunification"))
    case.step(CH, "decide_bid", panel)

    # family tracing: consent, safety check, data-sharing agreement, second verifier
    tracing = TracingFacts("t1", "open", cross_border=True)
    reasons = workflow.attempt(
        case.facts, case.request(TR, "search", social, tracing=tracing)
    ).reasons
    assert reasons == (
        "no consent to tracing is recorded; the risk check (could contacting the family endanger "
        "the person?) is due; cross-border tracing needs consent to share across borders; "
        "cross-border tracing needs a data-sharing agreement on file",
    )
    consents = (
        Consent(ConsentScope.TRACING, clock.now(), given_by="guardian"),
        Consent(ConsentScope.CROSS_BORDER, clock.now(), given_by="guardian"),
    )
    case.facts = replace(case.facts, consents=consents)
    tracing = replace(tracing, family_contact_safe=True, data_sharing_agreement="DSA-2027-04")
    tracing = _tracing_step(workflow, case, "search", social, tracing)
    tracing = replace(tracing, candidate_matches=1, match_proposed_by=social.user_id)
    tracing = _tracing_step(workflow, case, "propose_match", social, tracing)
    refused = workflow.attempt(case.facts, case.request(TR, "verify", social, tracing=tracing))
    assert refused.reasons == (
        "a family relationship is verified by a second user, not the one who proposed the match",
    )
    tracing = _tracing_step(workflow, case, "verify", cpo2, tracing)
    tracing = replace(tracing, reunification_assessed=True, reunification_recommended=True)
    tracing = _tracing_step(workflow, case, "assess_reunification", cpo2, tracing)
    tracing = _tracing_step(workflow, case, "reunify", cpo2, tracing)
    assert tracing.state == "reunified"

    case.step(CH, "implement_solution", social, solution="cross_border_reunification")
    case.step(CH, "review_solution", cpo)
    case.step(CH, "close", cpo)
    assert case.facts.state(CH) == "closed"


def _tracing_step(workflow, case, name, who, tracing):  # type: ignore[no-untyped-def]
    outcome = workflow.apply(case.facts, case.request(TR, name, who, tracing=tracing))
    return replace(tracing, state=outcome.to_state)


def test_reunification_without_bid_is_refused(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, new_case(is_child=True))
    tracing = TracingFacts(
        "t2", "reunification_assessed", reunification_assessed=True, reunification_recommended=True
    )
    outcome = workflow.attempt(case.facts, case.request(TR, "reunify", cpo, tracing=tracing))
    assert outcome.reasons == (
        "a child is reunified only after a best-interests determination (BID) found local "
        "reunification in the child's best interests",
    )


def test_accompanied_child_gets_no_automatic_guardian(
    workflow: Workflow, clock: FrozenClock
) -> None:
    case = Driver(workflow, clock, new_case(is_child=True, unaccompanied=False))
    presumed = case.step(ID, "presume", police)
    assert [o.transition for o in presumed.follow_on] == ["open"]
    assert case.facts.state(CH) == "identified_child"
    # the BIA timer (T8) runs from identification
    clock.advance(days=6)
    t8 = evaluate(case.events, workflow.profile, clock.now(), is_child=True)
    assert [t.status for t in t8 if t.rule_id == "T8"] == [TaskStatus.WARNING]
    # child rules never fire for an adult's timeline
    assert not [
        t for t in evaluate(case.events, workflow.profile, clock.now()) if t.rule_id == "T8"
    ]


def test_age_out_needs_a_verified_eighteenth_birthday(
    workflow: Workflow, clock: FrozenClock
) -> None:
    facts = new_case(is_child=True, date_of_birth=date(2009, 3, 10))
    case = Driver(workflow, clock, facts.with_states(child="bia_done"))
    system = actor(Role.SYSTEM)
    assert case.refused(CH, "age_out", system) == [
        "a child ages out only once a verified date of birth shows 18 years"
    ]
    clock.advance(days=9)  # 10 March 2027
    outcome = case.step(CH, "age_out", system)
    assert Effect.RECONSENT_AS_ADULT in outcome.effects
    assert workflow.eighteenth_birthday(case.facts) == date(2027, 3, 10)


def test_child_track_only_for_children(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, new_case())
    assert any("under 18" in r for r in case.refused(CH, "open", cpo))
