"""Referral and transfer (Primero semantics): consent gate, audited override, answers, revoke."""

from dataclasses import replace
from datetime import timedelta

from workflow_builders import Driver, actor, new_case

from tiphub.workflow import (
    Consent,
    ConsentScope,
    Effect,
    FrozenClock,
    ReferralFacts,
    Role,
    Track,
    Workflow,
    evaluate,
)
from tiphub.workflow.deadlines import TaskStatus

RF = Track.REFERRAL
sender = actor(Role.CASE_WORKER, user="ana", agency="police")
shelter = actor(Role.CASE_WORKER, user="ben", agency="shelter")
outsider = actor(Role.CASE_WORKER, user="eve", agency="clinic")


def _referral(**kw: object) -> ReferralFacts:
    values: dict[str, object] = {
        "referral_id": "r1",
        "kind": "referral",
        "state": "draft",
        "from_agency_id": "police",
        "to_agency_id": "shelter",
        "purpose": "shelter",
        "sent_by": "ana",
    }
    values.update(kw)
    return ReferralFacts(**values)  # type: ignore[arg-type]


def _move(workflow, case, name, who, referral, **kw):  # type: ignore[no-untyped-def]
    outcome = workflow.apply(case.facts, case.request(RF, name, who, referral=referral, **kw))
    case.events.extend(outcome.events)
    return replace(referral, state=outcome.to_state), outcome


def test_referral_needs_consent_for_the_target_agency(
    workflow: Workflow, clock: FrozenClock
) -> None:
    case = Driver(workflow, clock, new_case())
    referral = _referral()
    refused = workflow.attempt(case.facts, case.request(RF, "send", sender, referral=referral))
    assert refused.reasons == ("no valid consent covers share_with_agency:shelter",)
    # consent to another agency does not cover this one; withdrawn consent no longer counts
    case.facts = replace(
        case.facts,
        consents=(
            Consent(ConsentScope.share_with("clinic"), clock.now()),
            Consent(
                ConsentScope.share_with("shelter"),
                clock.now() - timedelta(days=9),
                withdrawn_at=clock.now() - timedelta(days=1),
            ),
        ),
    )
    assert not workflow.attempt(
        case.facts, case.request(RF, "send", sender, referral=referral)
    ).allowed
    case.facts = replace(
        case.facts, consents=(Consent(ConsentScope.share_with("shelter"), clock.now()),)
    )
    referral, sent = _move(workflow, case, "send", sender, referral)
    assert Effect.GRANT_SCOPED_ACCESS in sent.effects

    # only the receiving agency answers, and a rejection needs a reason
    wrong = workflow.attempt(case.facts, case.request(RF, "accept", outsider, referral=referral))
    assert wrong.reasons == ("only a user of the receiving agency answers a referral",)
    no_reason = workflow.attempt(case.facts, case.request(RF, "reject", shelter, referral=referral))
    assert no_reason.reasons == ("a reason must be recorded",)
    referral, _ = _move(workflow, case, "accept", shelter, referral)
    referral, done = _move(workflow, case, "done", shelter, referral, reason="bed allocated")
    assert Effect.LINK_SERVICE in done.effects
    assert referral.state == "done"


def test_consent_override_is_permissioned_and_reasoned(
    workflow: Workflow, clock: FrozenClock
) -> None:
    case = Driver(workflow, clock, new_case())
    referral = _referral()
    plain = workflow.attempt(
        case.facts, case.request(RF, "send", sender, referral=referral, consent_override=True)
    )
    assert plain.reasons == ("your role may not override consent",)
    permitted = replace(sender, permissions=frozenset({"consent_override"}))
    silent = workflow.attempt(
        case.facts, case.request(RF, "send", permitted, referral=referral, consent_override=True)
    )
    assert silent.reasons == ("a consent override needs a reason (it is audited)",)
    referral, _ = _move(
        workflow,
        case,
        "send",
        permitted,
        referral,
        consent_override=True,
        reason="imminent danger: vital interest",
    )
    assert referral.state == "sent"


def test_child_nrm_referral_needs_no_consent(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, new_case(is_child=True))
    referral = _referral(purpose="nrm_decision", to_agency_id="atu")
    referral, _ = _move(workflow, case, "send", sender, referral)
    assert referral.state == "sent"
    adult = Driver(
        workflow, clock, new_case(consents=(Consent("share_with_agency:atu", clock.now()),))
    )
    reasons = workflow.attempt(
        adult.facts,
        adult.request(
            RF, "send", sender, referral=_referral(purpose="nrm_decision", to_agency_id="atu")
        ),
    ).reasons
    assert reasons == ("no valid consent covers refer_to_nrm",)


def test_revoke_by_sender_or_supervisor_only(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, new_case())
    sent = _referral(state="sent")
    colleague = actor(Role.CASE_WORKER, user="carl", agency="police")
    reasons = workflow.attempt(
        case.facts, case.request(RF, "revoke", colleague, referral=sent)
    ).reasons
    assert reasons == (
        "a referral is revoked by its sender or a supervisor of the referring agency",
    )
    boss = actor(Role.SUPERVISOR, user="dora", agency="police")
    revoked, outcome = _move(workflow, case, "revoke", boss, sent)
    assert revoked.state == "revoked"
    assert Effect.REMOVE_SCOPED_ACCESS in outcome.effects


def test_transfer_cannot_be_revoked_once_accepted_nor_marked_done(
    workflow: Workflow, clock: FrozenClock
) -> None:
    case = Driver(workflow, clock, new_case())
    accepted = _referral(kind="transfer", state="accepted")
    reasons = workflow.attempt(
        case.facts, case.request(RF, "revoke", sender, referral=accepted)
    ).reasons
    assert reasons == (
        "an accepted transfer has changed the owner; transfer the case back instead",
    )
    done = workflow.attempt(
        case.facts, case.request(RF, "done", shelter, referral=accepted, reason="x")
    ).reasons
    assert done == ("a transfer is complete on acceptance; only a referral is marked done",)


def test_referral_response_timer(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(
        workflow, clock, new_case(consents=(Consent("share_with_agency:shelter", clock.now()),))
    )
    referral, _ = _move(workflow, case, "send", sender, _referral())
    _move(workflow, case, "send", sender, _referral(referral_id="r2"))

    def t5() -> dict[str, str]:
        tasks = evaluate(case.events, workflow.profile, clock.now())
        return {t.key: t.status for t in tasks if t.rule_id == "T5"}

    assert t5() == {"r1": TaskStatus.UPCOMING, "r2": TaskStatus.UPCOMING}
    clock.advance(days=1)
    assert t5() == {"r1": TaskStatus.WARNING, "r2": TaskStatus.WARNING}
    _move(workflow, case, "accept", shelter, referral)
    clock.advance(days=1)
    assert t5() == {"r2": TaskStatus.OVERDUE}  # responding to r1 stopped only r1's timer
