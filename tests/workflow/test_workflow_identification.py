"""Worked case: an adult victim of labour exploitation, from contact to a conclusive decision."""

from dataclasses import replace
from datetime import timedelta

import pytest
from workflow_builders import Driver, actor, new_case, rg

from tiphub.workflow import (
    Consent,
    ConsentScope,
    Effect,
    FrozenClock,
    Role,
    Track,
    TransitionRefused,
    Workflow,
    evaluate,
)

ID, SU, IM = Track.IDENTIFICATION, Track.SUPPORT, Track.IMMIGRATION
police = actor(Role.FIRST_RESPONDER)
caseworker = actor(Role.CASE_WORKER, agency="ngo")
supervisor = actor(Role.SUPERVISOR, agency="ngo")
authority = actor(Role.COMPETENT_AUTHORITY, agency="atu")


def _adult(clock: FrozenClock, **kw: object):  # type: ignore[no-untyped-def]
    consent = Consent(ConsentScope.REFER_TO_NRM, given_at=clock.now())
    facts = new_case(consents=(consent,), **kw).with_states(immigration="irregular")
    return facts


def test_adult_labour_exploitation_rg_then_cg(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, _adult(clock))

    presumed = case.step(ID, "presume", police)
    assert Effect.OPEN_BASIC_SERVICES in presumed.effects
    assert case.facts.state(Track.CHILD) == "not_applicable"

    case.step(ID, "refer", police)
    clock.advance(days=2)
    decided = case.step(ID, "rg_positive", authority, decision=rg())
    assert {Effect.START_RECOVERY_PERIOD, Effect.SET_REMOVAL_BLOCK} <= set(decided.effects)
    period = case.facts.recovery_period
    assert period is not None
    assert period.min_end - period.start == timedelta(days=30)
    # the positive RG protects an irregular migrant from removal (CETS 197 art. 13)
    assert case.facts.state(IM) == "protected_recovery_period"
    assert [o.transition for o in decided.follow_on] == ["protect"]
    assert workflow.removal_block(case.facts)

    # CG is refused before the recovery period has run ...
    clock.advance(days=10)
    reasons = case.refused(ID, "cg_positive", authority, decision=rg(kind="CG"))
    assert any("recovery and reflection period ends on" in r for r in reasons)
    # ... and made once it has
    clock.advance(days=21)
    case.step(ID, "cg_positive", authority, decision=rg(kind="CG"))
    assert case.facts.state(ID) == "cg_positive"
    assert case.facts.identification_history == (
        "contact",
        "presumed_victim",
        "referred",
        "rg_positive",
    )

    # support runs in parallel and closes only when the closure guards hold
    case.step(SU, "assess_needs", caseworker)
    case.facts = replace(case.facts, plan_assessed_by=caseworker.user_id)
    assert case.refused(SU, "approve_plan", caseworker) == ["'approve_plan' is done by: supervisor"]
    self_approver = actor(Role.SUPERVISOR, user=caseworker.user_id, agency="ngo")
    assert case.refused(SU, "approve_plan", self_approver) == [
        "a support plan is approved by someone other than the person who assessed the needs"
    ]
    case.step(SU, "approve_plan", supervisor)
    case.step(SU, "start_services", caseworker)
    case.step(SU, "plan_exit", caseworker)
    case.facts = replace(case.facts, open_referrals=1)
    reasons = case.refused(SU, "close", supervisor)
    assert any("await an answer" in r for r in reasons)
    assert any("follow-up contact" in r for r in reasons)
    case.facts = replace(case.facts, open_referrals=0, follow_up_consent_recorded=True)
    closed = case.step(SU, "close", supervisor)
    assert Effect.CLOSE_CASE in closed.effects

    names = [e.name for e in case.events]
    assert names[:3] == [
        "identification.presumed_victim",
        "identification.referred",
        "identification.rg_decided",
    ]
    assert "case.closed" in names


def test_cg_early_when_the_person_asks(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, _adult(clock))
    case.step(ID, "presume", police)
    case.step(ID, "refer", police)
    case.step(ID, "rg_positive", authority, decision=rg())
    clock.advance(days=5)
    case.step(ID, "cg_positive", authority, decision=rg(kind="CG"), person_requested=True)
    assert case.facts.state(ID) == "cg_positive"


def test_negative_rg_reconsidered_and_overturned(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, _adult(clock))
    case.step(ID, "presume", police)
    case.step(ID, "refer", police)
    negative = case.step(ID, "rg_negative", authority, decision=rg("negative"))
    assert Effect.NOTIFY_VIA_REPRESENTATIVE in negative.effects
    assert case.facts.recovery_period is None
    assert case.refused(ID, "reconsider", caseworker) == ["a reason must be recorded"]
    lawyer = actor(Role.LEGAL_REPRESENTATIVE, agency="law")
    case.step(ID, "reconsider", lawyer, reason="new medical evidence")
    decision = rg(kind="reconsideration")
    # a reconsidered RG cannot jump to a CG
    reasons = case.refused(ID, "reconsidered_cg_positive", authority, decision=decision)
    assert any("same stage" in r for r in reasons)
    case.step(ID, "reconsidered_rg_positive", authority, decision=decision)
    assert case.facts.state(ID) == "rg_positive"
    assert case.facts.recovery_period is not None


def test_forbidden_transitions_say_why(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, new_case(screening_indicators=0))
    assert case.refused(ID, "presume", police) == [
        "presumed-victim status needs a screening with at least one indicator recorded (the "
        "threshold is low and needs no corroboration, but it needs one indicator)"
    ]
    case.facts = replace(case.facts, screening_indicators=1)
    # unlisted transition: state machine refuses with the state named
    assert case.refused(ID, "rg_positive", authority, decision=rg()) == [
        "'rg_positive' is not possible from 'contact' on the identification track"
    ]
    case.step(ID, "presume", police)
    # adult without NRM consent
    reasons = case.refused(ID, "refer", police)
    assert reasons == [
        "an adult is referred to the NRM only with their informed consent ('refer_to_nrm'); "
        "without it, record the anonymous duty-to-notify statistic instead"
    ]
    # wrong role
    case.facts = _adult(clock).with_states(identification="referred")
    assert case.refused(ID, "rg_positive", caseworker, decision=rg()) == [
        "'rg_positive' is done by: competent_authority"
    ]
    # a decision needs its reasons and standard
    bare = replace(rg(), reasons=" ", standard_applied="")
    assert case.refused(ID, "rg_positive", authority, decision=bare) == [
        "the RG decision must state its reasons and standard applied"
    ]
    with pytest.raises(TransitionRefused, match="refused"):
        workflow.apply(case.facts, case.request(ID, "rg_positive", authority))


def test_adult_may_decline_but_child_may_not(workflow: Workflow, clock: FrozenClock) -> None:
    adult = Driver(workflow, clock, new_case())
    declined = adult.step(ID, "decline", police)
    assert Effect.ANONYMISED_STATISTIC_ONLY in declined.effects
    child = Driver(workflow, clock, new_case(is_child=True))
    assert any("cannot opt out" in r for r in child.refused(ID, "decline", police))


def test_profile_can_widen_who_refers(clock: FrozenClock) -> None:
    from tiphub.workflow import load_profile

    profile = load_profile()
    profile = replace(
        profile,
        transition_roles={
            "identification.refer": frozenset({Role.FIRST_RESPONDER, Role.CASE_WORKER})
        },
    )
    workflow = Workflow(profile, clock)
    case = Driver(workflow, clock, _adult(clock).with_states(identification="presumed_victim"))
    case.step(ID, "refer", caseworker)
    assert case.facts.state(ID) == "referred"


def test_rg_deadline_fires_on_working_days(workflow: Workflow, clock: FrozenClock) -> None:
    clock.advance(days=4)  # Friday 5 March 2027
    case = Driver(workflow, clock, _adult(clock))
    case.step(ID, "presume", police)
    case.step(ID, "refer", police)

    def t1() -> list:
        return [
            t for t in evaluate(case.events, workflow.profile, clock.now()) if t.rule_id == "T1"
        ]

    assert t1()[0].status == "upcoming"
    clock.advance(days=3)  # Monday: 1 working day
    assert t1()[0].status == "upcoming"
    clock.advance(days=2)  # Wednesday: 3 working days -> warning
    assert t1()[0].status == "warning"
    clock.advance(days=2)  # Friday: 5 working days -> breach
    task = t1()[0]
    assert task.status == "overdue"
    assert task.due_at.date().isoformat() == "2027-03-12"
    assert Role.COMPETENT_AUTHORITY in task.roles
    case.step(ID, "rg_positive", authority, decision=rg())
    assert t1() == []


def test_withdrawal_is_possible_from_any_state(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, _adult(clock).with_states(identification="rg_positive"))
    outcome = case.step(ID, "withdraw", caseworker, reason="returned home on own wish")
    assert Effect.REQUIRE_EXIT_PLAN in outcome.effects
    assert case.refused(ID, "withdraw", caseworker, reason="again")
