"""Deadlines on a frozen clock: permits, support reviews, consent, retention, immigration."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from workflow_builders import START, Driver, actor, new_case, rg

from tiphub.workflow import (
    MACHINES,
    Consent,
    ConsentScope,
    Event,
    FrozenClock,
    Role,
    Track,
    Workflow,
    alerts,
    evaluate,
)
from tiphub.workflow.deadlines import TaskStatus
from tiphub.workflow.guards import IDENTIFICATION_FINAL

IM, SU = Track.IMMIGRATION, Track.SUPPORT


def _status(events: list[Event], workflow: Workflow, rule: str, now: datetime) -> list[str]:
    return [t.status for t in evaluate(events, workflow.profile, now) if t.rule_id == rule]


def test_permit_expiry_reminders_at_60_and_14_days(workflow: Workflow) -> None:
    expires = datetime(2027, 12, 31, tzinfo=UTC)
    events = [Event("permit.expires", expires, "p1")]
    assert _status(events, workflow, "T11", expires - timedelta(days=61)) == []
    assert _status(events, workflow, "T11", expires - timedelta(days=60)) == [TaskStatus.DUE_SOON]
    assert _status(events, workflow, "T11", expires - timedelta(days=1)) == [TaskStatus.DUE_SOON]
    assert _status(events, workflow, "T11", expires) == [TaskStatus.OVERDUE]
    renewed = [*events, Event("permit.renewed", expires - timedelta(days=20), "p1")]
    assert _status(renewed, workflow, "T11", expires) == []
    # renewing permit p1 does not silence permit p2
    other = [*renewed, Event("permit.expires", expires, "p2")]
    assert _status(other, workflow, "T11", expires) == [TaskStatus.OVERDUE]


def test_early_cg_stops_the_cg_overdue_timer(workflow: Workflow) -> None:
    ends = START + timedelta(days=30)
    events = [Event("recovery_period.ends", ends), Event("identification.cg_decided", START)]
    assert _status(events, workflow, "T4", ends + timedelta(days=1)) == []
    reviewed_at_16 = [
        Event("person.turns_18", ends),
        Event("consent.reviewed", START - timedelta(days=700)),
    ]
    assert _status(reviewed_at_16, workflow, "T14A", ends) == [TaskStatus.OVERDUE]


def test_support_plan_review_recurs_after_each_review(workflow: Workflow) -> None:
    approved = Event("support.plan_approved", START)
    review = Event("support.plan_reviewed", START + timedelta(days=28))
    assert _status([approved], workflow, "T15", START + timedelta(days=26)) == [TaskStatus.DUE_SOON]
    assert _status([approved], workflow, "T15", START + timedelta(days=30)) == [TaskStatus.OVERDUE]
    later = START + timedelta(days=40)
    assert _status([approved, review], workflow, "T15", later) == [TaskStatus.UPCOMING]
    assert _status([approved, review], workflow, "T15", START + timedelta(days=58)) == [
        TaskStatus.OVERDUE
    ]


def test_consent_review_at_eighteen_and_yearly(workflow: Workflow) -> None:
    birthday = datetime(2027, 6, 1, tzinfo=UTC)
    events = [Event("person.turns_18", birthday), Event("consent.given", START, "c1")]
    soon = {
        t.rule_id: t.status
        for t in evaluate(events, workflow.profile, birthday - timedelta(days=10))
    }
    assert soon["T14A"] == TaskStatus.DUE_SOON
    assert "T14" not in soon or soon["T14"] == TaskStatus.UPCOMING
    year = START + timedelta(days=366)
    assert _status(events, workflow, "T14", year) == [TaskStatus.OVERDUE]
    reviewed = [*events, Event("consent.reviewed", START + timedelta(days=300), "c1")]
    assert _status(reviewed, workflow, "T14", year) == [TaskStatus.UPCOMING]


def test_retention_fires_for_the_dpo_after_five_years(workflow: Workflow) -> None:
    events = [Event("case.closed", START)]
    assert _status(events, workflow, "T16", START + timedelta(days=365 * 5)) == [
        TaskStatus.UPCOMING
    ]
    tasks = evaluate(events, workflow.profile, datetime(2032, 3, 1, 9, tzinfo=UTC))
    assert [(t.rule_id, t.status, t.roles) for t in tasks] == [
        ("T16", TaskStatus.OVERDUE, frozenset({Role.DPO}))
    ]
    assert (
        _status(
            [*events, Event("case.reopened", START + timedelta(days=1))],
            workflow,
            "T16",
            datetime(2033, 1, 1, tzinfo=UTC),
        )
        == []
    )


def test_emergency_services_within_24_hours(workflow: Workflow, clock: FrozenClock) -> None:
    case = Driver(workflow, clock, new_case())
    case.step(Track.IDENTIFICATION, "presume", actor(Role.FIRST_RESPONDER))
    clock.advance(hours=25)
    urgent = alerts(evaluate(case.events, workflow.profile, clock.now()))
    assert [(t.rule_id, t.severity) for t in urgent] == [("T6", "urgent")]
    case.events.append(Event("service.started", clock.now()))
    assert alerts(evaluate(case.events, workflow.profile, clock.now())) == []


def test_cg_review_and_overdue_follow_the_recovery_period(
    workflow: Workflow, clock: FrozenClock
) -> None:
    consent = Consent(ConsentScope.REFER_TO_NRM, clock.now())
    case = Driver(workflow, clock, new_case(consents=(consent,)))
    police, ca = actor(Role.FIRST_RESPONDER), actor(Role.COMPETENT_AUTHORITY)
    case.step(Track.IDENTIFICATION, "presume", police)
    case.step(Track.IDENTIFICATION, "refer", police)
    case.step(Track.IDENTIFICATION, "rg_positive", ca, decision=rg())
    ends = [e for e in case.events if e.name == "recovery_period.ends"]
    assert ends[0].at == clock.now() + timedelta(days=30)
    clock.advance(days=30)
    statuses = {t.rule_id: t.status for t in evaluate(case.events, workflow.profile, clock.now())}
    assert statuses["T3"] == TaskStatus.OVERDUE
    assert statuses["T4"] == TaskStatus.OVERDUE
    case.step(Track.IDENTIFICATION, "cg_positive", ca, decision=rg(kind="CG"))
    remaining = {t.rule_id for t in evaluate(case.events, workflow.profile, clock.now())}
    assert not remaining & {"T1", "T3", "T4"}


def test_support_never_depends_on_cooperation_with_prosecutors() -> None:
    """ICAT/CETS 197 art. 12(6): no support or identification guard reads the immigration track."""
    import inspect

    from tiphub.workflow import guards

    for track in (Track.SUPPORT, Track.IDENTIFICATION):
        for transition in MACHINES[track].transitions:
            for guard in transition.guards:
                source = inspect.getsource(guard)
                assert "IMMIGRATION" not in source, (track, transition.name)
                assert "cooperation" not in source, (track, transition.name)
    assert "cooperation" not in inspect.getsource(guards.identification_final_or_requested)


def test_immigration_protection_and_permits(workflow: Workflow, clock: FrozenClock) -> None:
    caseworker = actor(Role.CASE_WORKER)
    officer = actor(Role.IMMIGRATION_OFFICER, agency="immigration")
    case = Driver(workflow, clock, new_case().with_states(immigration="irregular"))
    # protection comes only from a positive RG (the system), never by hand
    assert case.refused(IM, "protect", officer) == ["'protect' is done by: system"]
    case.step(IM, "apply_personal", caseworker)
    assert case.refused(IM, "refuse", officer) == ["a reason must be recorded"]
    case.step(IM, "grant", officer)
    case.facts = replace(case.facts, permit_valid_until=clock.now() + timedelta(days=180))
    assert case.refused(IM, "expire", actor(Role.SYSTEM)) == ["the permit is still valid"]
    clock.advance(days=181)
    case.step(IM, "expire", actor(Role.SYSTEM))
    case.step(IM, "apply_personal", caseworker)
    assert case.facts.state(IM) == "permit_personal"


def test_final_states_are_those_of_the_spec() -> None:
    assert {"cg_positive", "cg_negative", "withdrawn"} == IDENTIFICATION_FINAL
    for machine in MACHINES.values():
        targets = {t.target for t in machine.transitions}
        assert targets <= set(machine.states), machine.track
        for transition in machine.transitions:
            assert transition.sources == frozenset({"*"}) or transition.sources <= set(
                machine.states
            )
        # every state except the initial one can be reached
        assert set(machine.states) - {machine.initial} <= targets, machine.track
    assert date(2027, 3, 1).weekday() == 0  # START is a Monday (the working-day tests rely on it)
