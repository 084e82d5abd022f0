"""The workflow engine: checks a request against its track's machine and applies it.

`Workflow.attempt()` returns an `Outcome` (allowed or refused with every reason); `apply()` raises
`TransitionRefused` instead. Applying a transition returns the new facts plus the automatic
follow-on transitions it causes across tracks: a presumed child opens the child track (and asks for
a guardian when unaccompanied); a positive RG starts the recovery period and protects an
irregular migrant from removal; a return starts the follow-up schedule; a re-trafficking indicator
at follow-up reopens the case with an urgent alert.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from tiphub.workflow import guards as g
from tiphub.workflow.calendar import Unit, add_offset
from tiphub.workflow.clock import Clock, SystemClock, aware
from tiphub.workflow.events import Event
from tiphub.workflow.facts import Actor, CaseFacts, RecoveryPeriod, Track
from tiphub.workflow.machine import (
    Effect,
    GuardContext,
    Outcome,
    Request,
    StateMachine,
    Transition,
    TransitionRefused,
)
from tiphub.workflow.profile import JurisdictionProfile, load_profile
from tiphub.workflow.roles import Role
from tiphub.workflow.tracks import MACHINES


@dataclass(frozen=True)
class FollowUpResult:
    """What a follow-up visit found (spec: follow-up date, mode, wellbeing, re-trafficking)."""

    done_at: datetime
    mode: str
    re_trafficking_indicator: bool
    wellbeing: int | None = None
    needs: str = ""


class Workflow:
    """The NRM rules for one jurisdiction, on an injectable clock."""

    def __init__(self, profile: JurisdictionProfile | None = None, clock: Clock | None = None):
        self.profile = profile or load_profile()
        self.clock = clock or SystemClock()

    # --- queries ------------------------------------------------------------------------------

    def machine(self, track: Track) -> StateMachine:
        return MACHINES[track]

    def roles_for(self, transition: Transition) -> frozenset[Role]:
        key = f"{transition.track}.{transition.name}"
        return self.profile.transition_roles.get(key, transition.roles)

    def current_state(self, facts: CaseFacts, request: Request) -> str:
        if request.track == Track.REFERRAL:
            if request.referral is None:
                raise ValueError("a referral transition needs the referral's facts")
            return request.referral.state
        if request.track == Track.TRACING:
            if request.tracing is None:
                raise ValueError("a tracing transition needs the tracing request's facts")
            return request.tracing.state
        return facts.state(request.track)

    def preconditions(self, facts: CaseFacts, request: Request) -> list[str]:
        """Why the request cannot even be considered: the track's state, the actor's role.

        A form shows these before anything is entered; the guards, which read what the form
        records, are checked when it is sent (`reasons`).
        """
        transition = self.machine(request.track).transition(request.transition)
        state = self.current_state(facts, request)
        reasons: list[str] = []
        if not transition.leaves(state):
            reasons.append(
                f"'{transition.name}' is not possible from '{state}' on the {request.track} track"
            )
        allowed_roles = self.roles_for(transition)
        if not allowed_roles & request.actor.roles:
            names = ", ".join(sorted(r.value for r in allowed_roles))
            reasons.append(f"'{transition.name}' is done by: {names}")
        return reasons

    def reasons(self, facts: CaseFacts, request: Request) -> list[str]:
        """Every reason the request is refused (empty when allowed)."""
        transition = self.machine(request.track).transition(request.transition)
        reasons = self.preconditions(facts, request)
        if reasons:
            return reasons  # guards assume a legal source state and a competent actor
        ctx = GuardContext(facts, request, self.profile, transition.target)
        for guard in transition.guards:
            problem = guard(ctx)
            if problem:
                reasons.append(problem)
        return reasons

    def available(self, facts: CaseFacts, actor: Actor, track: Track) -> dict[str, list[str]]:
        """Transitions from the current state of a case track, each with its refusal reasons."""
        at = self.clock.now()
        result = {}
        for transition in self.machine(track).from_state(facts.state(track)):
            request = Request(track, transition.name, actor, at)
            result[transition.name] = self.reasons(facts, request)
        return result

    def removal_block(self, facts: CaseFacts, at: datetime | None = None) -> list[str]:
        """Why removal or return is blocked now (what an immigration officer may see)."""
        when = at or self.clock.now()
        request = Request(Track.RETURN, "plan", Actor.system(), when)
        return g.return_blockers(GuardContext(facts, request, self.profile))

    # --- commands -----------------------------------------------------------------------------

    def attempt(self, facts: CaseFacts, request: Request) -> Outcome:
        """Check and, when allowed, apply `request`; never raises for a refusal."""
        request = replace(request, at=aware(request.at))
        state = self.current_state(facts, request)
        transition = self.machine(request.track).transition(request.transition)
        reasons = self.reasons(facts, request)
        if reasons:
            alerts: tuple[str, ...] = ()
            if request.track == Track.RETURN and request.transition in {"plan", "depart"}:
                # T2: a blocked return attempt alerts the caseworker and the immigration officer
                alerts = ("a return was attempted while blocked: " + "; ".join(reasons),)
            return Outcome(
                request.track, transition.name, state, state, False, tuple(reasons), alerts=alerts
            )
        return self._apply(facts, request, transition, state)

    def apply(self, facts: CaseFacts, request: Request) -> Outcome:
        outcome = self.attempt(facts, request)
        if not outcome.allowed:
            raise TransitionRefused(outcome)
        return outcome

    def record_follow_up(self, facts: CaseFacts, result: FollowUpResult, actor: Actor) -> Outcome:
        """A follow-up visit: any re-trafficking indicator reopens the case with an urgent alert."""
        at = aware(result.done_at)
        events = (Event("followup.done", at),)
        if not result.re_trafficking_indicator:
            return Outcome(
                Track.SUPPORT,
                "follow_up",
                facts.state(Track.SUPPORT),
                facts.state(Track.SUPPORT),
                True,
                events=events,
                facts=facts,
            )
        alert = "re-trafficking indicator at follow-up: case reopened, urgent review"
        facts = replace(facts, at_risk=True)
        support = facts.state(Track.SUPPORT)
        follow_on: tuple[Outcome, ...] = ()
        if support in {"closed", "exit_planning"}:
            reopen = Request(
                Track.SUPPORT,
                "reopen",
                Actor.system(),
                at,
                reason="re-trafficking indicator at follow-up",
            )
            follow_on = (self.apply(facts, reopen),)
            facts = follow_on[0].facts or facts
        return Outcome(
            Track.SUPPORT,
            "follow_up",
            support,
            facts.state(Track.SUPPORT),
            True,
            effects=(Effect.URGENT_ALERT, Effect.REOPEN_CASE),
            events=events,
            follow_on=follow_on,
            facts=facts,
            alerts=(alert,),
        )

    # --- internals ----------------------------------------------------------------------------

    def _apply(
        self, facts: CaseFacts, request: Request, transition: Transition, state: str
    ) -> Outcome:
        at = request.at
        events = [Event(name, at, _key(request)) for name in transition.events]
        new = facts
        if request.track not in {Track.REFERRAL, Track.TRACING}:
            new = facts.with_states(**{request.track.value: transition.target})
        if request.track == Track.IDENTIFICATION:
            new = replace(new, identification_history=(*facts.identification_history, state))
        if request.track == Track.RETURN and request.transition == "request":
            new = replace(new, person_requests_return=request.person_requested)
        if request.track == Track.RETURN and request.transition == "withdraw":
            new = replace(new, person_requests_return=False)
        followups: tuple[datetime, ...] = ()
        if Effect.START_RECOVERY_PERIOD in transition.effects:
            period = self.recovery_period(at)
            new = replace(new, recovery_period=period)
            events += [
                Event("recovery_period.started", at),
                Event("recovery_period.ends", period.end),
            ]
        if Effect.CREATE_FOLLOWUP_SCHEDULE in transition.effects:
            followups = self.followup_schedule(at, facts.is_child)
            new = replace(new, followups_scheduled=len(followups))
            events += [Event("followup.due", when, f"{i + 1}") for i, when in enumerate(followups)]
        outcome = Outcome(
            request.track,
            transition.name,
            state,
            transition.target,
            True,
            effects=transition.effects,
            events=tuple(events),
            facts=new,
            followups=followups,
        )
        follow_on = self._follow_on(new, request, transition)
        if follow_on:
            last = follow_on[-1].facts or new
            outcome = replace(outcome, follow_on=follow_on, facts=last)
        return outcome

    def _follow_on(
        self, facts: CaseFacts, request: Request, transition: Transition
    ) -> tuple[Outcome, ...]:
        """Automatic transitions the system makes after `transition` (each audited as 'system')."""
        system, at = Actor.system(), request.at
        wanted: list[tuple[Track, str]] = []
        presumed = transition.track == Track.IDENTIFICATION and transition.name == "presume"
        if presumed and facts.is_child:
            wanted += [(Track.CHILD, "open"), (Track.CHILD, "request_guardian")]
        if Effect.START_RECOVERY_PERIOD in transition.effects:
            wanted.append((Track.IMMIGRATION, "protect"))
        outcomes: list[Outcome] = []
        for track, name in wanted:
            step = Request(track, name, system, at)
            if self.reasons(facts, step):
                continue  # not applicable (an accompanied child needs no guardian request)
            outcome = self._apply(
                facts, step, self.machine(track).transition(name), facts.state(track)
            )
            outcomes.append(outcome)
            facts = outcome.facts or facts
        return tuple(outcomes)

    def recovery_period(self, start: datetime) -> RecoveryPeriod:
        """A recovery period of the profile's length (never under 30 days, checked on load)."""
        days = self.profile.recovery_period_days
        return RecoveryPeriod(start=start, min_end=start + timedelta(days=days))

    def followup_schedule(self, returned_at: datetime, is_child: bool) -> tuple[datetime, ...]:
        """Follow-up dates after return: e.g. 1, 3, 6, 12 months (children also 18 and 24)."""
        months = self.profile.followup_months(is_child)
        return tuple(add_offset(returned_at, m, Unit.MONTHS, self.profile.calendar) for m in months)

    def eighteenth_birthday(self, facts: CaseFacts) -> date | None:
        dob = facts.date_of_birth
        if dob is None:
            return None
        try:
            return dob.replace(year=dob.year + 18)
        except ValueError:  # 29 February
            return date(dob.year + 18, 3, 1)


def _key(request: Request) -> str:
    if request.referral is not None:
        return request.referral.referral_id
    if request.tracing is not None:
        return request.tracing.request_id
    return ""
