"""Property: no sequence of allowed transitions reaches a return while a guard should block it.

Hypothesis drives random cases (adult or child) through random transitions by random roles, while
the world changes under them (time passes, risk assessments are filed, expire or turn unsafe,
consent and BIDs come and go). Whenever the engine lets the return track reach `planned` or
`returned`, the conditions of the spec, re-stated here independently of the guards, must hold.
"""

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from workflow_builders import START, actor, new_case

from tiphub.workflow import (
    MACHINES,
    BestInterestsDetermination,
    CaseFacts,
    Consent,
    ConsentScope,
    DecisionRecord,
    FrozenClock,
    RecoveryPeriod,
    Request,
    ReturnPlan,
    RiskAssessment,
    RiskResult,
    Role,
    Track,
    Workflow,
    load_profile,
)

PROFILE = load_profile()
CASE_TRACKS = (Track.IDENTIFICATION, Track.SUPPORT, Track.CHILD, Track.IMMIGRATION, Track.RETURN)
ROLES = tuple(Role)

transition_names = st.sampled_from(
    [(track, t.name) for track in CASE_TRACKS for t in MACHINES[track].transitions]
)
transitions = st.tuples(
    st.just("transition"), transition_names, st.sampled_from(ROLES), st.booleans()
)
world = st.one_of(
    st.tuples(st.just("advance"), st.integers(min_value=1, max_value=60)),
    st.tuples(
        st.just("assess"),
        st.sampled_from(list(RiskResult)),
        st.sampled_from(
            [
                frozenset({"re_trafficking", "refoulement"}),
                frozenset({"re_trafficking"}),
                frozenset({"refoulement"}),
            ]
        ),
        st.booleans(),
        st.integers(min_value=1, max_value=120),
    ),
    st.tuples(st.just("plan"), st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    st.tuples(st.just("bid"), st.sampled_from(["return", "local_integration", None])),
    st.tuples(st.just("consent"), st.sampled_from(list(ConsentScope))),
)
actions = st.lists(st.one_of(transitions, world), max_size=60)


def _decision(name: str) -> DecisionRecord | None:
    kind = "reconsideration" if name.startswith(("reconsidered", "upheld")) else name[:2].upper()
    outcome = "negative" if "negative" in name else "positive"
    return DecisionRecord(kind, outcome, standard_applied="s", reasons="r")


def _return_must_be_blocked(facts: CaseFacts, at: datetime, person_requested: bool) -> bool:
    """The spec's conditions for `cleared -> planned`, written without the engine's guards."""
    voluntary = person_requested and facts.person_requests_return and facts.return_plan.voluntary
    period = facts.recovery_period
    if period is not None:
        end = max(period.min_end, period.extended_to or period.min_end)
        ended_early = period.ended_at is not None and period.ended_at <= at
        if period.start <= at < end and not ended_early and not voluntary:
            return True
    identification = facts.states[Track.IDENTIFICATION]
    if identification in {"contact", "presumed_victim", "referred", "reconsideration"}:
        return True
    if identification == "rg_positive" and not voluntary:
        return True
    if facts.states[Track.IMMIGRATION] == "asylum_pending":
        return True
    made = [a for a in facts.risk_assessments if a.assessed_at <= at]
    if not made:
        return True
    latest = max(made, key=lambda a: a.assessed_at)
    if latest.expires_at <= at or latest.result == RiskResult.UNSAFE:
        return True
    if latest.result == RiskResult.CONDITIONAL and not latest.mitigation:
        return True
    if not {"re_trafficking", "refoulement"} <= latest.risks_covered:
        return True
    if facts.is_child:
        bid = facts.bid
        if bid is None or "return" not in bid.solutions_in_best_interests:
            return True
        if facts.states[Track.CHILD] not in {"bid_decided", "solution_in_implementation"}:
            return True
        if not (
            facts.return_plan.receiving_agency_confirmed and facts.return_plan.reintegration_plan
        ):
            return True
    cross_border = any(c.covers(ConsentScope.CROSS_BORDER, at) for c in facts.consents)
    return not (facts.return_plan.cross_border_consent or cross_border)


def _legal_moves(facts: CaseFacts) -> list[tuple[Track, str, frozenset[Role]]]:
    return [
        (track, t.name, t.roles)
        for track in CASE_TRACKS
        for t in MACHINES[track].from_state(facts.states[track])
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(is_child=st.booleans(), unaccompanied=st.booleans(), data=st.data())
def test_no_return_while_a_guard_should_block(
    is_child: bool, unaccompanied: bool, data: st.DataObject
) -> None:
    """Random walks that mostly pick legal moves by a competent role, so deep states are reached."""
    clock = FrozenClock(START)
    workflow = Workflow(PROFILE, clock)
    consents = (Consent(ConsentScope.REFER_TO_NRM, START),)
    facts = new_case(is_child=is_child, unaccompanied=unaccompanied, consents=consents)
    planned = 0
    for _ in range(data.draw(st.integers(min_value=0, max_value=60), label="length")):
        at = clock.now()
        if data.draw(st.integers(0, 3), label="world or move") == 0:
            step = data.draw(world, label="world")
            kind = step[0]
            if kind == "advance":
                clock.advance(days=step[1])
            elif kind == "assess":
                _, result, covered, mitigated, valid = step
                assessment = RiskAssessment(
                    assessed_at=at,
                    expires_at=at + timedelta(days=valid),
                    result=result,
                    risks_covered=covered,
                    mitigation="escort and shelter on arrival" if mitigated else "",
                )
                facts = replace(facts, risk_assessments=(*facts.risk_assessments, assessment))
            elif kind == "plan":
                facts = replace(facts, return_plan=ReturnPlan(*step[1:]))
            elif kind == "bid":
                bid = None
                if step[1] is not None:
                    bid = BestInterestsDetermination(at, frozenset({step[1]}), 3, True, True)
                facts = replace(facts, bid=bid)
            else:
                facts = replace(facts, consents=(*facts.consents, Consent(step[1], at)))
            continue
        moves = _legal_moves(facts)
        track, name, roles = data.draw(st.sampled_from(moves), label="move")
        role = data.draw(st.sampled_from(sorted(roles)), label="role")
        person_requested = data.draw(st.booleans(), label="person requested")
        request = Request(
            track,
            name,
            actor(role),
            at,
            person_requested=person_requested,
            reason="recorded reason",
            decision=_decision(name) if track == Track.IDENTIFICATION else None,
            solution=data.draw(st.sampled_from(["return", "local_integration"]), label="solution"),
        )
        outcome = workflow.attempt(facts, request)
        if not outcome.allowed:
            assert outcome.reasons, "a refusal always says why"
            continue
        if track == Track.RETURN and outcome.to_state in {"planned", "returned"}:
            planned += 1
            assert not _return_must_be_blocked(facts, at, person_requested), (
                f"{name} allowed although a guard should block it"
            )
        assert outcome.facts is not None
        facts = outcome.facts
        # invariants that hold after every step
        assert facts.states[Track.CHILD] == "not_applicable" or facts.is_child
        if facts.states[Track.IDENTIFICATION] in {"rg_positive", "cg_positive", "cg_negative"}:
            assert facts.recovery_period is not None
    event("reached planned/returned" if planned else "no return planned")


@settings(max_examples=100, deadline=None)
@given(steps=st.lists(transitions, max_size=40))
def test_roles_outside_the_transition_are_always_refused(steps: list[tuple]) -> None:
    """Every refusal for a wrong role names who may act; no role reaches a state it may not."""
    workflow = Workflow(PROFILE, FrozenClock(START))
    facts = new_case()
    for _, (track, name), role, person_requested in steps:
        transition = MACHINES[track].transition(name)
        request = Request(
            track,
            name,
            actor(role),
            START,
            person_requested=person_requested,
            reason="r",
            decision=_decision(name),
            solution="local_integration",
        )
        outcome = workflow.attempt(facts, request)
        if role not in transition.roles:
            assert not outcome.allowed
        elif outcome.allowed:
            assert outcome.facts is not None
            facts = outcome.facts


def _states(track: Track) -> st.SearchStrategy[str]:
    return st.sampled_from(MACHINES[track].states)


GOOD = frozenset({"re_trafficking", "refoulement"})
ASSESSMENTS = {
    "good": RiskAssessment(
        START - timedelta(days=3), START + timedelta(days=87), RiskResult.SAFE, GOOD
    ),
    "expired": RiskAssessment(
        START - timedelta(days=95), START - timedelta(days=5), RiskResult.SAFE, GOOD
    ),
    "unsafe": RiskAssessment(START, START + timedelta(days=90), RiskResult.UNSAFE, GOOD),
    "conditional": RiskAssessment(START, START + timedelta(days=90), RiskResult.CONDITIONAL, GOOD),
    "mitigated": RiskAssessment(
        START, START + timedelta(days=90), RiskResult.CONDITIONAL, GOOD, mitigation="escort"
    ),
    "partial": RiskAssessment(
        START, START + timedelta(days=90), RiskResult.SAFE, frozenset({"re_trafficking"})
    ),
    "future": RiskAssessment(
        START + timedelta(days=1), START + timedelta(days=91), RiskResult.SAFE, GOOD
    ),
}
PERIODS = {
    "none": None,
    "active": RecoveryPeriod(START - timedelta(days=5), START + timedelta(days=25)),
    "extended": RecoveryPeriod(
        START - timedelta(days=40), START - timedelta(days=10), START + timedelta(days=20)
    ),
    "over": RecoveryPeriod(START - timedelta(days=40), START - timedelta(days=10)),
    "ended early": RecoveryPeriod(
        START - timedelta(days=5), START + timedelta(days=25), ended_at=START - timedelta(days=1)
    ),
}


def _snapshot(
    child: bool,
    ident: str,
    child_state: str,
    immigration: str,
    period: str,
    assessment: str,
    plan: ReturnPlan,
    bid: str | None,
    consent: bool,
    asks: bool,
) -> CaseFacts:
    """A case whose return is `cleared`, with each possible blocker switched on or off."""
    return new_case(
        is_child=child,
        states={
            Track.IDENTIFICATION: ident,
            Track.SUPPORT: "in_service",
            Track.CHILD: child_state if child else "not_applicable",
            Track.IMMIGRATION: immigration,
            Track.RETURN: "cleared",
        },
        recovery_period=PERIODS[period],
        risk_assessments=() if assessment == "missing" else (ASSESSMENTS[assessment],),
        return_plan=plan,
        bid=None
        if bid is None
        else BestInterestsDetermination(START, frozenset({bid}), 3, True, True),
        consents=(Consent(ConsentScope.CROSS_BORDER, START),) if consent else (),
        person_requests_return=asks,
    )


snapshots = st.builds(
    _snapshot,
    st.booleans(),
    st.sampled_from(["cg_positive", "cg_negative", "withdrawn", "rg_negative"])
    | _states(Track.IDENTIFICATION),
    st.sampled_from(["bid_decided", "solution_in_implementation"]) | _states(Track.CHILD),
    st.sampled_from(["not_applicable", "permit_granted"]) | _states(Track.IMMIGRATION),
    st.sampled_from(list(PERIODS)),
    st.sampled_from(["good", "good", "mitigated", "missing", *ASSESSMENTS]),
    st.builds(
        ReturnPlan,
        st.booleans(),
        st.booleans() | st.just(True),
        st.booleans() | st.just(True),
        st.booleans() | st.just(True),
    ),
    st.sampled_from([None, "return", "return", "local_integration"]),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=2000, deadline=None)
@given(facts=snapshots, person_requested=st.booleans())
def test_return_guard_matches_the_specification(facts: CaseFacts, person_requested: bool) -> None:
    """Over arbitrary case snapshots, `plan` is allowed exactly when the spec does not block it."""
    workflow = Workflow(PROFILE, FrozenClock(START))
    request = Request(
        Track.RETURN,
        "plan",
        actor(Role.RETURN_COORDINATOR),
        START,
        person_requested=person_requested,
    )
    outcome = workflow.attempt(facts, request)
    blocked = _return_must_be_blocked(facts, START, person_requested)
    assert outcome.allowed is not blocked, outcome.reasons
    assert bool(workflow.removal_block(facts, START)) == _return_must_be_blocked(
        facts, START, False
    )
