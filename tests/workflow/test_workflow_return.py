"""Worked case: a returned victim whose follow-up finds a re-trafficking indicator.

Also every return guard on its own: recovery period, pending identification, risk assessment
(missing, expired, unsafe, incomplete), asylum, and a child without a BID.
"""

from dataclasses import replace
from datetime import date, timedelta

from workflow_builders import Driver, actor, new_case, rg

from tiphub.workflow import (
    BestInterestsDetermination,
    Consent,
    ConsentScope,
    Effect,
    FollowUpResult,
    FrozenClock,
    ReturnPlan,
    RiskAssessment,
    RiskResult,
    Role,
    Track,
    Workflow,
    evaluate,
)
from tiphub.workflow.deadlines import TaskStatus

ID, SU, RE = Track.IDENTIFICATION, Track.SUPPORT, Track.RETURN
caseworker = actor(Role.CASE_WORKER, agency="ngo")
supervisor = actor(Role.SUPERVISOR, agency="ngo")
coordinator = actor(Role.RETURN_COORDINATOR, agency="iom")
authority = actor(Role.COMPETENT_AUTHORITY, agency="atu")
BOTH = frozenset({"re_trafficking", "refoulement", "retaliation"})


def _assessment(clock: FrozenClock, **kw: object) -> RiskAssessment:
    values: dict[str, object] = {
        "assessed_at": clock.now(),
        "expires_at": clock.now() + timedelta(days=90),
        "result": RiskResult.SAFE,
        "risks_covered": BOTH,
        "destination": "MDA",
    }
    values.update(kw)
    return RiskAssessment(**values)  # type: ignore[arg-type]


def _identified(clock: FrozenClock, workflow: Workflow) -> Driver:
    """An adult with positive RG (recovery period running) who asks to go home."""
    consent = Consent(ConsentScope.REFER_TO_NRM, clock.now())
    case = Driver(workflow, clock, new_case(consents=(consent,)))
    case.step(ID, "presume", actor(Role.FIRST_RESPONDER))
    case.step(ID, "refer", actor(Role.FIRST_RESPONDER))
    case.step(ID, "rg_positive", authority, decision=rg())
    return case


def test_returned_victim_followed_up_and_case_reopened(
    workflow: Workflow, clock: FrozenClock
) -> None:
    case = _identified(clock, workflow)
    clock.advance(days=31)
    case.step(ID, "cg_positive", authority, decision=rg(kind="CG"))
    case.step(RE, "request", caseworker, person_requested=True)
    case.step(RE, "assess_risk", coordinator)
    case.facts = replace(
        case.facts,
        risk_assessments=(_assessment(clock),),
        return_plan=ReturnPlan(voluntary=True, cross_border_consent=True),
    )
    case.step(RE, "clear", coordinator)
    case.step(RE, "plan", coordinator)
    clock.advance(days=14)
    case.step(RE, "depart", coordinator)
    reintegration = case.step(RE, "reintegrate", coordinator)
    assert Effect.CREATE_FOLLOWUP_SCHEDULE in reintegration.effects
    assert clock.now().date() == date(2027, 4, 15)
    assert [d.date() for d in reintegration.followups] == [
        date(2027, 5, 15),
        date(2027, 7, 15),
        date(2027, 10, 15),
        date(2028, 4, 15),
    ]  # 1, 3, 6 and 12 months after return
    case.step(RE, "follow_up", coordinator)

    # support closes with the schedule and follow-up consent in place
    case.facts = case.facts.with_states(support="exit_planning")
    case.facts = replace(case.facts, follow_up_consent_recorded=True)
    case.step(SU, "close", supervisor)

    # the first follow-up is missed: alert after 7 days' grace
    clock.set(reintegration.followups[0] + timedelta(days=8))
    t13 = [t for t in evaluate(case.events, workflow.profile, clock.now()) if t.rule_id == "T13"]
    assert [(t.key, t.status) for t in t13] == [("1", TaskStatus.OVERDUE)]
    assert Role.RETURN_COORDINATOR in t13[0].roles

    # the visit takes place and finds a re-trafficking indicator: the case reopens
    visit = FollowUpResult(done_at=clock.now(), mode="visit", re_trafficking_indicator=True)
    outcome = workflow.record_follow_up(case.facts, visit, coordinator)
    assert outcome.alerts == (
        "re-trafficking indicator at follow-up: case reopened, urgent review",
    )
    assert Effect.URGENT_ALERT in outcome.effects
    assert outcome.facts is not None
    assert outcome.facts.state(SU) == "reopened"
    assert outcome.facts.at_risk
    assert [o.transition for o in outcome.follow_on] == ["reopen"]
    assert "case.reopened" in [e.name for e in outcome.all_events()]


def test_follow_up_without_indicator_changes_nothing(
    workflow: Workflow, clock: FrozenClock
) -> None:
    facts = new_case().with_states(support="closed", **{"return": "follow_up"})
    visit = FollowUpResult(done_at=clock.now(), mode="phone", re_trafficking_indicator=False)
    outcome = workflow.record_follow_up(facts, visit, coordinator)
    assert outcome.facts == facts
    assert outcome.alerts == ()


def test_return_refused_during_recovery_period(workflow: Workflow, clock: FrozenClock) -> None:
    case = _identified(clock, workflow)
    case.step(RE, "request", caseworker)
    case.step(RE, "assess_risk", coordinator)
    case.facts = replace(
        case.facts,
        risk_assessments=(_assessment(clock),),
        return_plan=ReturnPlan(cross_border_consent=True),
    )
    case.step(RE, "clear", coordinator)
    outcome = workflow.attempt(case.facts, case.request(RE, "plan", coordinator))
    assert not outcome.allowed
    assert outcome.reasons == (
        "the recovery and reflection period runs until 2027-03-31: no return during it unless the "
        "person explicitly asks to return (CETS 197 art. 13); the conclusive-grounds decision is "
        "pending: return only at the person's own request",
    )
    # the attempt itself raises an alert (rule T2)
    assert len(outcome.alerts) == 1
    assert outcome.alerts[0].startswith("a return was attempted while blocked")


def test_voluntary_informed_request_lifts_the_recovery_block(
    workflow: Workflow, clock: FrozenClock
) -> None:
    case = _identified(clock, workflow)
    case.step(RE, "request", caseworker, person_requested=True)
    case.step(RE, "assess_risk", coordinator)
    case.facts = replace(
        case.facts,
        risk_assessments=(_assessment(clock),),
        return_plan=ReturnPlan(voluntary=True, cross_border_consent=True),
    )
    case.step(RE, "clear", coordinator)
    case.step(RE, "plan", coordinator, person_requested=True)
    assert case.facts.state(RE) == "planned"


def test_each_return_guard_names_its_reason(workflow: Workflow, clock: FrozenClock) -> None:
    base = new_case().with_states(identification="cg_positive", **{"return": "cleared"})
    base = replace(base, return_plan=ReturnPlan(cross_border_consent=True))
    plan = Driver(workflow, clock, base)

    def why(**changes: object) -> str:
        plan.facts = replace(base, **changes)  # type: ignore[arg-type]
        return "; ".join(plan.refused(RE, "plan", coordinator))

    assert why() == "no return risk assessment is on file"
    expired = _assessment(clock, assessed_at=clock.now() - timedelta(days=91))
    expired = replace(expired, expires_at=clock.now() - timedelta(days=1))
    assert "expired on 2027-02-28" in why(risk_assessments=(expired,))
    unsafe = _assessment(clock, result=RiskResult.UNSAFE)
    assert why(risk_assessments=(unsafe,)) == "the return risk assessment found return unsafe"
    conditional = _assessment(clock, result=RiskResult.CONDITIONAL)
    assert "mitigation" in why(risk_assessments=(conditional,))
    partial = _assessment(clock, risks_covered=frozenset({"re_trafficking"}))
    assert why(risk_assessments=(partial,)) == (
        "the return risk assessment does not cover the risk of refoulement"
    )
    # a newer unsafe assessment supersedes an older safe one
    older = _assessment(clock, assessed_at=clock.now() - timedelta(days=3))
    assert "unsafe" in why(risk_assessments=(older, unsafe))
    good = (_assessment(clock),)
    pending = base.with_states(identification="referred")
    plan.facts = replace(pending, risk_assessments=good)
    assert any("art. 10(2)" in r for r in plan.refused(RE, "plan", coordinator))
    asylum = base.with_states(immigration="asylum_pending")
    plan.facts = replace(asylum, risk_assessments=good)
    assert any("refoulement" in r for r in plan.refused(RE, "plan", coordinator))
    no_consent = replace(base, risk_assessments=good, return_plan=ReturnPlan())
    plan.facts = no_consent
    assert plan.refused(RE, "plan", coordinator) == [
        "consent to share data with the receiving agency abroad is not recorded"
    ]
    plan.facts = replace(base, risk_assessments=good)
    plan.step(RE, "plan", coordinator)


def test_child_return_needs_bid_receiving_agency_and_plan(
    workflow: Workflow, clock: FrozenClock
) -> None:
    base = new_case(is_child=True).with_states(
        identification="cg_positive", child="bia_done", **{"return": "cleared"}
    )
    base = replace(
        base,
        risk_assessments=(_assessment(clock),),
        return_plan=ReturnPlan(cross_border_consent=True),
    )
    case = Driver(workflow, clock, base)
    assert case.refused(RE, "plan", coordinator) == [
        "a child is returned only after a best-interests determination (BID) found return in the "
        "child's best interests (CETS 197 art. 16(7); UNHCR BIP); the receiving caregiver or "
        "agency has not confirmed; a child's return needs a reintegration plan"
    ]
    bid = BestInterestsDetermination(
        decided_at=clock.now(),
        solutions_in_best_interests=frozenset({"local_integration"}),
        members=3,
        guardian_consulted=True,
        childs_views_recorded=True,
    )
    case.facts = replace(
        base.with_states(child="bid_decided"),
        bid=bid,
        return_plan=ReturnPlan(True, True, True, True),
    )
    # a BID that chose local integration does not allow return
    assert any("best-interests determination" in r for r in case.refused(RE, "plan", coordinator))
    case.facts = replace(
        case.facts, bid=replace(bid, solutions_in_best_interests=frozenset({"return"}))
    )
    case.step(RE, "plan", coordinator)


def test_guards_are_checked_again_on_the_day_of_travel(
    workflow: Workflow, clock: FrozenClock
) -> None:
    base = new_case().with_states(identification="cg_positive", **{"return": "cleared"})
    base = replace(
        base,
        risk_assessments=(_assessment(clock),),
        return_plan=ReturnPlan(cross_border_consent=True),
    )
    case = Driver(workflow, clock, base)
    case.step(RE, "plan", coordinator)
    clock.advance(days=80)
    # T12 reminds 14 days before the assessment expires
    events = [*case.events]
    from tiphub.workflow import Event

    events.append(Event("return.risk_assessment_expires", clock.now() + timedelta(days=10), "a1"))
    tasks = evaluate(events, workflow.profile, clock.now())
    assert [t.status for t in tasks if t.rule_id == "T12"] == [TaskStatus.DUE_SOON]
    clock.advance(days=11)
    assert any("expired" in r for r in case.refused(RE, "depart", coordinator))
