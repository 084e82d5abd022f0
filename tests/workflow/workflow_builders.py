"""Builders for the workflow tests: actors by role, a fresh case, a driver on a frozen clock."""

from datetime import UTC, datetime

from tiphub.workflow import (
    Actor,
    CaseFacts,
    DecisionRecord,
    FrozenClock,
    Request,
    Role,
    Track,
    Workflow,
    initial_states,
)

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday


def actor(role: Role, user: str | None = None, agency: str = "police", **kw: object) -> Actor:
    return Actor(user_id=user or role.value, agency_id=agency, roles=frozenset({role}), **kw)  # type: ignore[arg-type]


def new_case(**kw: object) -> CaseFacts:
    defaults: dict[str, object] = {
        "case_id": "c1",
        "owner_agency_id": "police",
        "states": initial_states(),
        "screening_indicators": 2,
    }
    defaults.update(kw)
    return CaseFacts(**defaults)  # type: ignore[arg-type]


def rg(outcome: str = "positive", kind: str = "RG") -> DecisionRecord:
    return DecisionRecord(
        kind=kind,
        outcome=outcome,
        standard_applied="reasonable grounds to believe the person is a victim",
        reasons="consistent account; indicators of forced labour",
        evidence=("screening-1",),
    )


class Driver:
    """Walks a case: `step` applies a transition (asserting it is allowed) on the frozen clock."""

    def __init__(self, workflow: Workflow, clock: FrozenClock, facts: CaseFacts) -> None:
        self.workflow, self.clock, self.facts = workflow, clock, facts
        self.events: list = []
        self.outcomes: list = []

    def request(self, track: Track, name: str, who: Actor, **kw: object) -> Request:
        return Request(track, name, who, self.clock.now(), **kw)  # type: ignore[arg-type]

    def step(self, track: Track, name: str, who: Actor, **kw: object):  # type: ignore[no-untyped-def]
        outcome = self.workflow.apply(self.facts, self.request(track, name, who, **kw))
        assert outcome.facts is not None
        self.facts = outcome.facts
        self.events.extend(outcome.all_events())
        self.outcomes.append(outcome)
        return outcome

    def refused(self, track: Track, name: str, who: Actor, **kw: object) -> list[str]:
        outcome = self.workflow.attempt(self.facts, self.request(track, name, who, **kw))
        assert not outcome.allowed, f"{track}.{name} should have been refused"
        return list(outcome.reasons)
