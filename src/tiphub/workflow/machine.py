"""The state-machine vocabulary: transitions, guards, requests, outcomes.

A transition names its source states, its target, the roles allowed to make it, the guards that
must hold and the side effects it asks for. A guard returns `None` when satisfied or one sentence
saying, in words a caseworker understands, why the transition is refused and on what legal basis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tiphub.workflow.events import Event
from tiphub.workflow.facts import (
    Actor,
    CaseFacts,
    DecisionRecord,
    ReferralFacts,
    TracingFacts,
    Track,
)
from tiphub.workflow.profile import JurisdictionProfile
from tiphub.workflow.roles import Role


class Effect(StrEnum):
    """Side effects a transition asks the web app to carry out (records, access, notices)."""

    OPEN_BASIC_SERVICES = "open_basic_services"
    OPEN_CHILD_TRACK = "open_child_track"
    INFORM_GUARDIAN = "inform_guardian"
    REQUEST_GUARDIAN = "request_guardian"
    START_RECOVERY_PERIOD = "start_recovery_period"
    SET_REMOVAL_BLOCK = "set_removal_block"
    NOTIFY_VIA_REPRESENTATIVE = "notify_via_representative"
    START_RECONSIDERATION_WINDOW = "start_reconsideration_window"
    REQUIRE_EXIT_PLAN = "require_exit_plan"
    ANONYMISED_STATISTIC_ONLY = "anonymised_statistic_only"
    RECONSENT_AS_ADULT = "reconsent_as_adult"
    TRANSITION_PLAN = "transition_plan"
    CREATE_FOLLOWUP_SCHEDULE = "create_followup_schedule"
    GRANT_SCOPED_ACCESS = "grant_scoped_access"
    REMOVE_SCOPED_ACCESS = "remove_scoped_access"
    CHANGE_OWNER = "change_owner"
    LINK_SERVICE = "link_service"
    CLOSE_CASE = "close_case"
    REOPEN_CASE = "reopen_case"
    URGENT_ALERT = "urgent_alert"


ANY = frozenset({"*"})


@dataclass(frozen=True)
class Request:
    """One user's (or the system's) request to move a track."""

    track: Track
    transition: str
    actor: Actor
    at: datetime
    #: the person (or, for a child, the guardian) asked for this themselves (early CG, return).
    person_requested: bool = False
    reason: str = ""
    consent_override: bool = False
    decision: DecisionRecord | None = None
    referral: ReferralFacts | None = None
    tracing: TracingFacts | None = None
    #: for a child's durable solution: which solution (return, local_integration...).
    solution: str = ""


@dataclass(frozen=True)
class GuardContext:
    facts: CaseFacts
    request: Request
    profile: JurisdictionProfile
    #: the state the transition would reach.
    target: str = ""

    @property
    def at(self) -> datetime:
        return self.request.at

    @property
    def actor(self) -> Actor:
        return self.request.actor


Guard = Callable[[GuardContext], str | None]


@dataclass(frozen=True)
class Transition:
    track: Track
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    events: tuple[str, ...] = ()
    description: str = ""

    def leaves(self, state: str) -> bool:
        """True when this transition may start from `state`."""
        if self.sources == ANY:
            return state != self.target
        return state in self.sources


@dataclass(frozen=True)
class StateMachine:
    track: Track
    states: tuple[str, ...]
    initial: str
    transitions: tuple[Transition, ...]
    terminal: frozenset[str] = frozenset()

    def transition(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        known = ", ".join(t.name for t in self.transitions)
        raise KeyError(f"the {self.track} track has no transition {name!r} (known: {known})")

    def from_state(self, state: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.leaves(state))


@dataclass(frozen=True)
class Outcome:
    """What happened to a request: allowed (with effects) or refused (with reasons)."""

    track: Track
    transition: str
    from_state: str
    to_state: str
    allowed: bool
    reasons: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    events: tuple[Event, ...] = ()
    follow_on: tuple[Outcome, ...] = ()
    facts: CaseFacts | None = None
    alerts: tuple[str, ...] = ()
    followups: tuple[datetime, ...] = ()

    def all_effects(self) -> tuple[Effect, ...]:
        return self.effects + tuple(e for o in self.follow_on for e in o.all_effects())

    def all_events(self) -> tuple[Event, ...]:
        return self.events + tuple(e for o in self.follow_on for e in o.all_events())


class TransitionRefused(Exception):  # noqa: N818 - reads as the domain says it
    """A transition was refused; `reasons` say why in words (never identifying values)."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.reasons = outcome.reasons
        super().__init__(
            f"{outcome.track}.{outcome.transition} refused: " + "; ".join(outcome.reasons)
        )


@dataclass
class TrackRegistry:
    machines: dict[Track, StateMachine] = field(default_factory=dict)

    def add(self, machine: StateMachine) -> None:
        self.machines[machine.track] = machine

    def __getitem__(self, track: Track) -> StateMachine:
        return self.machines[track]
