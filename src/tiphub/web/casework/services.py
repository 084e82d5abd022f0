"""The casework service layer: every write to a case goes through here.

Each command checks the access policy (`case.*` / `referral.*` permissions, scope), asks the pure
workflow (`tiphub.workflow`) whether the transition is allowed, applies it and its side effects in
one transaction, appends the transition (and decision) record, audits it (`case.transition`,
`case.decision`, `referral.*`, `consent.override`), refreshes the case's deadline tasks and keeps
the registry's statistical record of the case in step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, wraps
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tiphub import workflow as wf
from tiphub.web.accounts import policy
from tiphub.web.audit.services import record_event
from tiphub.web.casework import models as m
from tiphub.web.casework.sealing import seal
from tiphub.web.registry.models import Agency
from tiphub.workflow import Track

CASE_TRACKS = ("identification", "support", "child", "immigration", "return")
BASIC_SERVICES = ("accommodation", "medical_emergency", "interpretation", "information_on_rights")
IDENTITY_FIELDS = ("given_name", "family_name", "other_names", "date_of_birth", "phone", "address")


class CaseworkError(Exception):
    """A request the casework layer refuses; `reasons` say why in words (never an identity)."""

    def __init__(
        self,
        message: str,
        reasons: Iterable[str] = (),
        refusal: tuple[m.Case, str, str, tuple[str, ...]] | None = None,
    ) -> None:
        self.reasons = tuple(reasons) or (message,)
        #: (case, track, transition, alerts) of a refused transition, to audit after a rollback.
        self.refusal = refusal
        super().__init__(message if not reasons else f"{message}: " + "; ".join(self.reasons))


def _audit_refusal(user: Any, error: CaseworkError) -> None:
    if error.refusal is None:
        return
    case, track, name, alerts = error.refusal
    record_event(
        user,
        "case.transition",
        case,
        outcome="rejected",
        purpose="casework",
        details={"track": track, "transition": name, "reasons": list(error.reasons)},
    )
    for message in alerts:
        m.Alert.objects.create(
            case=case,
            message=message[:500],
            severity="high",
            roles=["case_worker", "immigration_officer", "supervisor"],
            created_at=now(),
        )


def command[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run a command in one transaction; a refused transition inside it rolls everything back
    but its refusal (and any alert it raised) is still audited, after the rollback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except CaseworkError as error:
            _audit_refusal(args[0] if args else None, error)
            raise

    return wrapper


# --- configuration: profile and clock --------------------------------------------------------


class _ClockHolder:
    """The clock every casework command uses (tests and replays swap it for a frozen one)."""

    clock: wf.Clock = wf.SystemClock()


def set_clock(clock: wf.Clock) -> None:
    _ClockHolder.clock = clock


def now() -> datetime:
    return _ClockHolder.clock.now()


@cache
def _profile(path: str | None) -> wf.JurisdictionProfile:
    return wf.load_profile(Path(path) if path else None)


def profile() -> wf.JurisdictionProfile:
    """The jurisdiction profile: `settings.TIPHUB_JURISDICTION_PROFILE` or the packaged default."""
    return _profile(getattr(settings, "TIPHUB_JURISDICTION_PROFILE", None) or None)


def workflow() -> wf.Workflow:
    return wf.Workflow(profile(), _ClockHolder.clock)


# --- who acts ---------------------------------------------------------------------------------


def actor_of(user: Any) -> wf.Actor:
    """The workflow actor for a user: casework roles from their account role (data)."""
    role = policy.role_of(user)
    account = policy.account_of(user)
    if role is None or account is None:
        raise PermissionDenied("no role")
    roles = frozenset(wf.Role(r) for r in role.casework_roles)
    permissions = (
        frozenset({"consent_override"}) if policy.can(user, "consent.override") else frozenset()
    )
    agency = account.agency.code if account.agency else "national"
    return wf.Actor(str(user.pk), agency, roles, permissions)


def _require(
    user: Any, action: str, case: m.Case | None = None, *, shared_ok: bool = False
) -> None:
    """The user's role allows `action`, on `case` when given (owner agency or a live referral)."""
    from tiphub.web.casework import access

    if not policy.can(user, action):
        policy.audit_denial(user, action, case)
        raise PermissionDenied(action)
    if case is None:
        return
    if access.owns(user, case) or (shared_ok and access.shared_purposes(user, case)):
        return
    policy.audit_denial(user, action, case)
    raise PermissionDenied(action)


#: the view section a user must see to act on a track (referral answers need only the referral).
TRACK_SECTIONS = {t: t for t in CASE_TRACKS} | {"tracing": "child"}


def _require_section(user: Any, case: m.Case, track: str) -> None:
    """A recipient acts only on tracks its view profile shows (a shelter never decides RG)."""
    from tiphub.web.casework import access

    section = TRACK_SECTIONS.get(track)
    if section is None or section in access.sections_for(user, case):
        return
    policy.audit_denial(user, "case.transition", case, purpose=f"track {track} not in view")
    raise PermissionDenied("case.transition")


# --- facts for the workflow -------------------------------------------------------------------


def _aware(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def facts_of(case: m.Case, *, date_of_birth: date | None = None) -> wf.CaseFacts:
    """The workflow's snapshot of a case (ids and dates only, never an identity)."""
    period = case.recovery_periods.order_by("-start").first()
    guardian = case.guardians.order_by("-requested_at").first()
    bids = [b for b in case.best_interests.all() if b.kind == "BID"]
    bid = bids[-1] if bids else None
    plan = getattr(case, "return_plan", None)
    permit = case.permits.filter(status="granted").order_by("-valid_until").first()
    history = tuple(
        case.transitions.filter(track="identification").values_list("from_state", flat=True)
    )
    return wf.CaseFacts(
        case_id=str(case.pk),
        owner_agency_id=case.agency.code,
        states={Track(t): case.state(t) for t in CASE_TRACKS},
        is_child=case.is_child,
        unaccompanied=case.unaccompanied,
        date_of_birth=date_of_birth,
        screening_indicators=len(case.screening_indicators or []),
        identification_history=history,
        consents=tuple(
            wf.Consent(c.scope, c.valid_from, c.given_by, c.valid_until, c.withdrawn_at, c.refused)
            for c in case.consents.all()
        ),
        recovery_period=None
        if period is None
        else wf.RecoveryPeriod(period.start, period.min_end, period.extended_to, period.ended_at),
        risk_assessments=tuple(
            wf.RiskAssessment(
                a.assessed_at,
                a.expires_at,
                wf.RiskResult(a.result),
                frozenset(a.risks),
                a.destination,
                a.mitigation,
            )
            for a in case.risk_assessments.all()
        ),
        bid=None
        if bid is None
        else wf.BestInterestsDetermination(
            bid.decided_at,
            frozenset(bid.solutions_in_best_interests),
            len(bid.panel_members),
            bid.guardian_consulted,
            bid.childs_views_recorded,
            bid.review_date,
        ),
        bia_childs_views_recorded=case.best_interests.filter(
            kind="BIA", childs_views_recorded=True
        ).exists(),
        guardian=None
        if guardian is None
        else wf.Guardian(
            guardian.requested_at,
            guardian.appointed_at,
            guardian.authority,
            guardian.conflict_checked,
            guardian.conflict_found,
            guardian.is_organisation,
            guardian.named_person,
            guardian.ended_at,
        ),
        return_plan=wf.ReturnPlan()
        if plan is None
        else wf.ReturnPlan(
            plan.voluntary,
            plan.receiving_agency_confirmed,
            plan.reintegration_plan,
            plan.cross_border_consent,
        ),
        person_requests_return=case.person_requests_return,
        open_referrals=case.referrals.filter(status="sent").count(),
        followups_scheduled=case.followups.filter(done_at__isnull=True).count(),
        follow_up_consent_recorded=case.follow_up_consent_recorded,
        at_risk=case.at_risk,
        plan_assessed_by=str(case.plan_assessed_by_id or ""),
        permit_valid_until=_aware(permit.valid_until) if permit else None,
    )


# --- opening a case ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningOutcome:
    """What a screening found (the interface `tiphub.screening`'s result is adapted to).

    `indicators` are indicator codes (ILO/EC); `presumed_victim` is the rule engine's outcome.
    """

    presumed_victim: bool
    indicators: tuple[str, ...]
    urgent_needs: tuple[str, ...] = ()


#: the case fields a caller may set when opening a case (states and ownership are the workflow's).
PROFILE_FIELDS = frozenset(
    {
        "first_contact_date",
        "region",
        "gender",
        "age",
        "presumed_child",
        "unaccompanied",
        "citizenship",
        "country_of_exploitation",
        "exploitation_types",
        "labour_sectors",
        "languages",
        "interpreter_needed",
        "sensitivity",
    }
)


def _reference(at: datetime) -> str:
    return f"NRM-{at.year}-{uuid.uuid4().hex[:8].upper()}"


@command
def open_case(
    user: Any,
    *,
    profile_fields: dict[str, Any],
    identity: dict[str, Any] | None = None,
    narrative: str = "",
    screening: ScreeningOutcome | None = None,
) -> m.Case:
    """Register a person who came into contact; a presumed-victim screening presumes at once.

    profile_fields: statistical fields of `Case` (gender, age, presumed_child, unaccompanied,
    citizenship, country_of_exploitation, exploitation_types, region, languages...).
    identity: names, date of birth, contact (encrypted); narrative: encrypted too.
    """
    _require(user, "case.create")
    account = policy.account_of(user)
    if account is None or account.agency is None:
        raise PermissionDenied("case.create")
    at = now()
    unknown = set(profile_fields) - PROFILE_FIELDS
    if unknown:
        raise CaseworkError(f"unknown case fields {sorted(unknown)}")
    case = m.Case(
        reference=_reference(at),
        agency=account.agency,
        owner=user,
        created_by=user,
        created_at=at,
        updated_at=at,
        first_contact_date=profile_fields.pop("first_contact_date", at.date()),
        **profile_fields,
    )
    if screening is not None:
        case.screening_indicators = list(screening.indicators)
        case.urgent_needs = list(screening.urgent_needs)
    case.save()
    seal(case, "identity", identity or {})
    seal(case, "sensitive", {"narrative": narrative} if narrative else {})
    case.save(update_fields=["identity_ct", "sensitive_ct", "key_id"])
    record_event(
        user,
        "record.create",
        case,
        fields=sorted(k for k, v in (identity or {}).items() if v)
        + (["narrative"] if narrative else []),
        purpose="casework",
        details={"case": case.reference},
    )
    if screening is not None and screening.presumed_victim:
        apply_transition(user, case, "identification", "presume")
        case.refresh_from_db()
    else:
        from tiphub.web.casework.statistics import sync_statistics

        sync_statistics(case)
        refresh_tasks(case)
    return case


def screening_outcome(result: Any) -> ScreeningOutcome:
    """A `tiphub.screening` result (`ScreeningResult`) as the case needs it.

    The screening policy's verdict decides: "yes" opens presumed-victim status; "no" and
    "insufficient" (information missing: protect while it is gathered) open the case at contact.
    """
    return ScreeningOutcome(
        presumed_victim=result.verdict("presumed_victim") == "yes",
        indicators=tuple(str(i) for i in result.person.indicators),
    )


def open_case_from_screening(
    user: Any, outcome: Any, *, urgent_needs: Iterable[str] = (), **kwargs: Any
) -> m.Case:
    """Open a case from a screening: a `tiphub.screening` result, or anything with
    `presumed_victim` and `indicators`; a presumed-victim outcome presumes at once.
    `urgent_needs` are what the screener noted besides the indicators (accommodation...)."""
    if hasattr(outcome, "outcomes"):
        screening = replace(screening_outcome(outcome), urgent_needs=tuple(urgent_needs))
        person = outcome.person
        fields = kwargs.setdefault("profile_fields", {})
        if person.age is not None:
            fields.setdefault("age", person.age)
        if person.child:
            fields.setdefault("presumed_child", True)
    else:
        screening = ScreeningOutcome(
            presumed_victim=bool(outcome.presumed_victim),
            indicators=tuple(str(i) for i in outcome.indicators),
            urgent_needs=tuple(urgent_needs or getattr(outcome, "urgent_needs", ()) or ()),
        )
        kwargs.setdefault("profile_fields", {})
    return open_case(user, screening=screening, **kwargs)


# --- transitions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A legal decision carried by a transition (RG, CG, reconsideration)."""

    kind: str
    outcome: str
    standard_applied: str
    reasons: str
    authority: str = ""
    evidence: tuple[str, ...] = ()
    notified_at: datetime | None = None
    notified_via: str = ""


def _referral_facts(referral: m.Referral) -> wf.ReferralFacts:
    return wf.ReferralFacts(
        str(referral.pk),
        referral.kind,
        referral.status,
        referral.from_agency.code,
        referral.to_agency.code,
        referral.purpose,
        str(referral.sent_by_id or ""),
    )


def _tracing_facts(tracing: m.TracingRequest) -> wf.TracingFacts:
    return wf.TracingFacts(
        str(tracing.pk),
        tracing.state,
        tracing.cross_border,
        tracing.data_sharing_agreement,
        tracing.family_contact_safe,
        str(tracing.match_proposed_by_id or ""),
        len(tracing.matches or []),
        tracing.reunification_assessed,
        tracing.reunification_recommended,
    )


def apply_transition(
    user: Any,
    case: m.Case,
    track: str,
    name: str,
    *,
    decision: Decision | None = None,
    reason: str = "",
    person_requested: bool = False,
    consent_override: bool = False,
    solution: str = "",
    referral: m.Referral | None = None,
    tracing: m.TracingRequest | None = None,
) -> wf.Outcome:
    """Ask the workflow and, when allowed, apply the transition; raise `CaseworkError` if not.

    A refusal is audited (`case.transition`, outcome `rejected`, with the reasons, which are rule
    text and never an identity); a blocked return attempt also raises an alert (rule T2).
    """
    system = user is None
    if not system:
        _require(user, "case.transition", case, shared_ok=True)
        _require_section(user, case, track)
    actor = wf.Actor.system() if system else actor_of(user)
    dob = _date_of_birth(case) if name == "age_out" else None
    facts = facts_of(case, date_of_birth=dob)
    request = wf.Request(
        Track(track),
        name,
        actor,
        now(),
        person_requested=person_requested,
        reason=reason,
        consent_override=consent_override,
        decision=None
        if decision is None
        else wf.DecisionRecord(
            decision.kind, decision.outcome, decision.standard_applied, decision.reasons,
            decision.evidence,
        ),
        referral=_referral_facts(referral) if referral is not None else None,
        tracing=_tracing_facts(tracing) if tracing is not None else None,
        solution=solution,
    )  # fmt: skip
    outcome = workflow().attempt(facts, request)
    if not outcome.allowed:
        error = CaseworkError(
            f"{track}.{name} refused", outcome.reasons, (case, track, name, outcome.alerts)
        )
        _audit_refusal(user, error)  # a `command` that rolls back audits it again afterwards
        raise error
    with transaction.atomic():
        _persist(user, case, request, outcome, decision, referral, tracing)
    return outcome


def _persist(
    user: Any,
    case: m.Case,
    request: wf.Request,
    outcome: wf.Outcome,
    decision: Decision | None,
    referral: m.Referral | None,
    tracing: m.TracingRequest | None,
) -> None:
    from tiphub.web.casework.statistics import sync_statistics

    at = request.at
    steps = [outcome, *_flatten(outcome.follow_on)]
    for step in steps:
        step_user = user if step is outcome else None
        if step.track == Track.REFERRAL and referral is not None:
            referral.status = step.to_state
            _referral_side_effects(user, referral, step, at)
        elif step.track == Track.TRACING and tracing is not None:
            tracing.state = step.to_state
            if step.transition == "propose_match" and user is not None:
                tracing.match_proposed_by = user
            tracing.save()
        else:
            setattr(case, f"{step.track.value}_state", step.to_state)
        _apply_effects(case, step, at)
        row = m.TrackTransition(
            case=case,
            track=step.track.value,
            transition=step.transition,
            object_id=str(referral.pk if referral else tracing.pk if tracing else ""),
            from_state=step.from_state,
            to_state=step.to_state,
            actor=step_user,
            actor_label=step_user.get_username() if step_user else "system",
            actor_agency=request.actor.agency_id if step_user else "",
            actor_roles=sorted(r.value for r in request.actor.roles) if step_user else ["system"],
            at=at,
            person_requested=request.person_requested if step is outcome else False,
            consent_override=request.consent_override if step is outcome else False,
            effects=[e.value for e in step.effects],
        )
        if step is outcome and decision is not None:
            row.decision_kind = decision.kind
            row.outcome = decision.outcome
            row.standard_applied = decision.standard_applied[:300]
            row.authority = decision.authority[:200]
            row.evidence = list(decision.evidence)
            row.notified_at = decision.notified_at
            row.notified_via = decision.notified_via
        row.save()
        reasons = request.reason if step is outcome else ""
        if step is outcome and decision is not None:
            reasons = decision.reasons
        if reasons:
            holder = m.TrackTransition(pk=row.pk)  # sealing needs the row's id for its context
            seal(holder, "reasons", {"reasons": reasons})
            _store_reasons(row.pk, holder.reasons_ct, holder.key_id)
        details: dict[str, Any] = {"track": step.track.value, "transition": step.transition,
                   "from": step.from_state, "to": step.to_state}  # fmt: skip
        if referral is not None and step.track == Track.REFERRAL:
            details["referral"] = referral.pk
        record_event(step_user, "case.transition", case, purpose="casework", details=details)
        if step is outcome and decision is not None:
            record_event(
                user,
                "case.decision",
                case,
                purpose="casework",
                details={"kind": decision.kind, "outcome": decision.outcome, "transition": row.pk},
            )
        if step is outcome and request.consent_override:
            record_event(
                user,
                "consent.override",
                case,
                outcome="ok",
                purpose="casework",
                details={"transition": row.pk, "track": step.track.value},
            )
    for message in outcome.alerts:
        m.Alert.objects.create(
            case=case, message=message[:500], roles=["case_worker"], created_at=at
        )
    case.updated_at = at
    case.save()
    sync_statistics(case)
    refresh_tasks(case)


def _store_reasons(pk: int, token: bytes | memoryview | None, key_id: int) -> None:
    """Attach the sealed reasons to the transition row just written (in this transaction).

    Through the base manager: the append-only default manager stays closed to every other caller.
    """
    m.TrackTransition._base_manager.filter(pk=pk).update(reasons_ct=token, key_id=key_id)


def _flatten(outcomes: Iterable[wf.Outcome]) -> list[wf.Outcome]:
    flat: list[wf.Outcome] = []
    for outcome in outcomes:
        flat.append(outcome)
        flat.extend(_flatten(outcome.follow_on))
    return flat


def _apply_effects(case: m.Case, step: wf.Outcome, at: datetime) -> None:
    effects = set(step.effects)
    if wf.Effect.OPEN_BASIC_SERVICES in effects:
        for service in BASIC_SERVICES:
            m.Service.objects.create(case=case, service_type=service, requested_at=at)
    if wf.Effect.START_RECOVERY_PERIOD in effects and step.facts and step.facts.recovery_period:
        period = step.facts.recovery_period
        m.RecoveryPeriod.objects.create(case=case, start=period.start, min_end=period.min_end)
    if wf.Effect.REQUEST_GUARDIAN in effects:
        m.GuardianAppointment.objects.create(case=case, requested_at=at)
    if wf.Effect.CREATE_FOLLOWUP_SCHEDULE in effects:
        for number, when in enumerate(step.followups, start=1):
            m.FollowUp.objects.create(case=case, number=number, scheduled_for=when)
    if wf.Effect.REQUIRE_EXIT_PLAN in effects:
        case.recovery_periods.filter(ended_at__isnull=True).update(
            ended_at=at, end_reason="withdrawn"
        )
    if wf.Effect.REOPEN_CASE in effects:
        case.closure_reason = ""
    if step.facts is not None:
        case.person_requests_return = step.facts.person_requests_return
        case.at_risk = step.facts.at_risk


def _referral_side_effects(user: Any, referral: m.Referral, step: wf.Outcome, at: datetime) -> None:
    if step.transition == "send":
        referral.sent_by = user
        referral.sent_at = at
    if step.transition in {"accept", "reject"}:
        referral.responded_at = at
        referral.responded_by = user
    if step.transition == "accept" and referral.kind == "transfer":
        case = referral.case
        case.agency = referral.to_agency
        case.owner = referral.to_user or user
        case.save(update_fields=["agency", "owner"])
        m.Assignment.objects.create(case=case, user=case.owner, assigned_by=user, at=at)
    referral.save()
    action = {"send": "referral.send", "accept": "referral.accept", "reject": "referral.reject",
              "done": "referral.done", "revoke": "referral.revoke"}[step.transition]  # fmt: skip
    record_event(
        user,
        action,
        referral.case,
        purpose=referral.purpose,
        details={"referral": referral.pk, "kind": referral.kind, "to": referral.to_agency.code},
    )


def _date_of_birth(case: m.Case) -> date | None:
    from tiphub.web.casework.sealing import unseal

    raw = unseal(case, "identity").get("date_of_birth")
    record_event(None, "record.read", case, fields=["date_of_birth"], purpose="age verification")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# --- referrals, transfers, assignment ---------------------------------------------------------


def refer(
    user: Any,
    case: m.Case,
    to_agency: Agency,
    purpose: str,
    *,
    kind: str = "referral",
    consent_override: bool = False,
    reason: str = "",
    to_user: Any = None,
) -> m.Referral:
    """Create and send a referral (or transfer); consent is checked by the workflow's guard."""
    from tiphub.web.casework.access import view_profiles

    _require(user, "referral.send", case)
    profiles = view_profiles()["purposes"]
    view = "transfer" if kind == "transfer" else purpose
    if view not in profiles:
        raise CaseworkError(f"unknown referral purpose {purpose!r} (known: {sorted(profiles)})")
    if to_agency.pk == case.agency_id:
        raise CaseworkError("a referral goes to another agency; assign within your own")
    return _send(user, case, to_agency, purpose, kind, view, consent_override, reason, to_user)


@command
def _send(
    user: Any,
    case: m.Case,
    to_agency: Agency,
    purpose: str,
    kind: str,
    view: str,
    consent_override: bool,
    reason: str,
    to_user: Any,
) -> m.Referral:
    referral = m.Referral.objects.create(
        case=case,
        kind=kind,
        from_agency=case.agency,
        to_agency=to_agency,
        to_user=to_user,
        purpose=purpose,
        view_profile=view,
        consent_override=consent_override,
        created_at=now(),
        sent_by=user,
    )
    apply_transition(
        user, case, "referral", "send", referral=referral,
        consent_override=consent_override, reason=reason,
    )  # fmt: skip
    case.refresh_from_db()
    if purpose == "nrm_decision" and case.identification_state == "presumed_victim":
        # the NRM referral is the identification track's `refer` (starts the RG timer)
        apply_transition(user, case, "identification", "refer")
    referral.refresh_from_db()
    return referral


def respond(user: Any, referral: m.Referral, name: str, *, reason: str = "") -> m.Referral:
    """accept / reject / done (recipient) or revoke (sender, supervisor)."""
    action = "referral.send" if name == "revoke" else "referral.respond"
    if not policy.can(user, action):
        policy.audit_denial(user, action, referral.case)
        raise PermissionDenied(action)
    apply_transition(user, referral.case, "referral", name, referral=referral, reason=reason)
    referral.refresh_from_db()
    return referral


def assign(user: Any, case: m.Case, assignee: Any) -> None:
    """Direct assignment within the owner agency (no accept step)."""
    _require(user, "case.edit", case)
    account = policy.account_of(assignee)
    if account is None or account.agency_id != case.agency_id:
        raise CaseworkError("a case is assigned within its owner agency only")
    with transaction.atomic():
        case.owner = assignee
        case.save(update_fields=["owner"])
        m.Assignment.objects.create(case=case, user=assignee, assigned_by=user, at=now())
        record_event(user, "record.update", case, fields=["owner"], purpose="assignment")


# --- records the guards read ------------------------------------------------------------------


def _changed(user: Any, case: m.Case, fields: list[str], purpose: str, **details: Any) -> None:
    from tiphub.web.casework.statistics import sync_statistics

    case.updated_at = now()
    case.save(update_fields=["updated_at"])
    record_event(user, "record.update", case, fields=fields, purpose=purpose, details=details)
    sync_statistics(case)
    refresh_tasks(case)


@command
def record_consent(
    user: Any,
    case: m.Case,
    scope: str,
    *,
    given_by: str = "person",
    refused: bool = False,
    valid_days: int | None = None,
    method: str = "written",
    interpreter_used: bool = False,
    childs_views_recorded: bool = False,
) -> m.Consent:
    _require(user, "case.edit", case, shared_ok=True)
    at = now()
    consent = m.Consent.objects.create(
        case=case,
        scope=scope,
        given_by=given_by,
        refused=refused,
        method=method,
        interpreter_used=interpreter_used,
        childs_views_recorded=childs_views_recorded,
        valid_from=at,
        valid_until=at + timedelta(days=valid_days) if valid_days else None,
        recorded_by=user,
    )
    if scope == wf.ConsentScope.FOLLOW_UP_CONTACT:
        case.follow_up_consent_recorded = True
        case.save(update_fields=["follow_up_consent_recorded"])
    _changed(user, case, ["consent"], "consent", consent=consent.pk, scope=scope, refused=refused)
    return consent


@command
def withdraw_consent(user: Any, consent: m.Consent) -> None:
    _require(user, "case.edit", consent.case, shared_ok=True)
    consent.withdrawn_at = now()
    consent.save(update_fields=["withdrawn_at"])
    _changed(user, consent.case, ["consent"], "consent", consent=consent.pk, withdrawn=True)


@command
def start_service(user: Any, case: m.Case, service_type: str) -> m.Service:
    _require(user, "case.edit", case, shared_ok=True)
    at = now()
    service = case.services.filter(service_type=service_type, started_at__isnull=True).first()
    if service is None:
        service = m.Service(case=case, service_type=service_type, requested_at=at)
    service.started_at, service.status = at, "started"
    service.save()
    _changed(user, case, ["service"], "service", service=service.pk, type=service_type)
    return service


@command
def record_needs_assessment(user: Any, case: m.Case) -> None:
    """The caseworker assesses needs (support track); remembered for the four-eyes approval."""
    apply_transition(user, case, "support", "assess_needs")
    case.refresh_from_db()
    case.plan_assessed_by = user
    case.save(update_fields=["plan_assessed_by"])


@command
def record_risk_assessment(
    user: Any,
    case: m.Case,
    *,
    destination: str,
    risks: dict[str, str],
    result: str,
    mitigation: str = "",
    receiving_agency_confirmed: bool = False,
) -> m.ReturnRiskAssessment:
    _require(user, "case.edit", case, shared_ok=True)
    _require_section(user, case, "return")
    at = now()
    assessment = m.ReturnRiskAssessment.objects.create(
        case=case,
        destination=destination,
        risks=risks,
        result=wf.RiskResult(result).value,
        mitigation=mitigation,
        assessor=user,
        assessed_at=at,
        expires_at=at + timedelta(days=profile().risk_assessment_validity_days),
        receiving_agency_confirmed=receiving_agency_confirmed,
    )
    _changed(user, case, ["risk_assessment"], "return", assessment=assessment.pk, result=result)
    return assessment


@command
def update_return_plan(user: Any, case: m.Case, **fields: Any) -> m.ReturnPlan:
    _require(user, "case.edit", case, shared_ok=True)
    _require_section(user, case, "return")
    plan, _ = m.ReturnPlan.objects.get_or_create(case=case)
    for name, value in fields.items():
        if name not in {f.name for f in m.ReturnPlan._meta.fields} - {"id", "case"}:
            raise CaseworkError(f"unknown return-plan field {name!r}")
        setattr(plan, name, value)
    plan.save()
    _changed(user, case, sorted(fields), "return")
    return plan


@command
def appoint_guardian(
    user: Any,
    case: m.Case,
    *,
    guardian: dict[str, str],
    authority: str,
    is_organisation: bool = False,
    named_person: bool = False,
    conflict_checked: bool = False,
    conflict_found: bool = False,
) -> m.GuardianAppointment:
    """Record the appointment and make the `appoint_guardian` transition (its guards apply)."""
    _require(user, "case.edit", case, shared_ok=True)
    _require_section(user, case, "child")
    appointment = case.guardians.filter(appointed_at__isnull=True).order_by("-requested_at").first()
    if appointment is None:
        raise CaseworkError("no guardian has been requested for this case")
    appointment.appointed_at = now()
    appointment.authority = authority
    appointment.is_organisation = is_organisation
    appointment.named_person = named_person
    appointment.conflict_checked = conflict_checked
    appointment.conflict_found = conflict_found
    seal(appointment, "guardian", guardian)
    appointment.save()
    apply_transition(user, case, "child", "appoint_guardian")
    return appointment


@command
def record_best_interests(
    user: Any,
    case: m.Case,
    kind: str,
    *,
    childs_views_recorded: bool,
    childs_views: str = "",
    recommendation: str = "",
    options_considered: Iterable[str] = (),
    solutions_in_best_interests: Iterable[str] = (),
    panel_members: Iterable[dict[str, Any]] = (),
    guardian_consulted: bool = False,
    dissent: str = "",
    review_date: date | None = None,
) -> m.BestInterests:
    """A BIA (then the `assess_best_interests` transition) or a BID (then `decide_bid`)."""
    if kind not in {"BIA", "BID"}:
        raise CaseworkError("kind is BIA or BID")
    _require(user, "case.transition", case, shared_ok=True)
    _require_section(user, case, "child")
    record = m.BestInterests.objects.create(
        case=case,
        kind=kind,
        childs_views_recorded=childs_views_recorded,
        options_considered=list(options_considered),
        solutions_in_best_interests=list(solutions_in_best_interests),
        panel_members=list(panel_members),
        guardian_consulted=guardian_consulted,
        review_date=review_date,
        decided_at=now(),
        recorded_by=user,
    )
    seal(record, "text", {"childs_views": childs_views, "recommendation": recommendation,
                          "dissent": dissent})  # fmt: skip
    record.save()
    name = "assess_best_interests" if kind == "BIA" else "decide_bid"
    apply_transition(user, case, "child", name)
    return record


@command
def record_permit(
    user: Any,
    case: m.Case,
    *,
    permit_type: str,
    status: str = "applied",
    valid_from: date | None = None,
    valid_until: date | None = None,
    issuing_authority: str = "",
) -> m.ResidencePermit:
    _require(user, "case.edit", case, shared_ok=True)
    _require_section(user, case, "immigration")
    permit = m.ResidencePermit.objects.create(
        case=case,
        permit_type=permit_type,
        status=status,
        applied_at=now(),
        valid_from=valid_from,
        valid_until=valid_until,
        issuing_authority=issuing_authority,
    )
    _changed(user, case, ["permit"], "immigration", permit=permit.pk, type=permit_type)
    return permit


# --- the forms' commands: a record and the transition it carries, all or nothing -------------

#: permit types applied for through an immigration-track transition; the others (a recovery
#: period document, "other") are recorded without one.
PERMIT_APPLICATIONS = {
    "personal_situation": "apply_personal",
    "cooperation": "apply_cooperation",
    "asylum": "apply_asylum",
}
#: return states from which recording a new risk assessment (re)opens the assessment step.
ASSESS_RISK_FROM = frozenset(wf.MACHINES[Track.RETURN].transition("assess_risk").sources)


def preconditions(user: Any, case: m.Case, track: str, name: str) -> list[str]:
    """Why `user` cannot make `name` now whatever a form would record (state, role): what a
    form page says before anything is entered. Guards are checked when the form is sent."""
    request = wf.Request(Track(track), name, actor_of(user), now())
    return workflow().preconditions(facts_of(case), request)


@command
def apply_for_permit(
    user: Any,
    case: m.Case,
    *,
    permit_type: str,
    issuing_authority: str = "",
    reason: str = "",
) -> m.ResidencePermit:
    """Apply for a residence permit: the record and, for the personal-situation, cooperation
    and asylum routes, the immigration track's `apply_*` transition (roles and guards apply)."""
    permit = record_permit(
        user, case, permit_type=permit_type, status="applied", issuing_authority=issuing_authority
    )
    transition = PERMIT_APPLICATIONS.get(permit_type)
    if transition is not None:
        apply_transition(user, case, "immigration", transition, reason=reason)
    return permit


@command
def decide_permit(
    user: Any,
    case: m.Case,
    permit: m.ResidencePermit,
    *,
    granted: bool,
    valid_from: date | None = None,
    valid_until: date | None = None,
    issuing_authority: str = "",
    reason: str = "",
) -> m.ResidencePermit:
    """Grant or refuse an application (`grant` / `refuse` on the immigration track for the
    routes applied for through it): immigration or asylum officers decide."""
    _require(user, "case.transition", case, shared_ok=True)
    _require_section(user, case, "immigration")
    if permit.case_id != case.pk or permit.status != "applied":
        raise CaseworkError("only a pending application of this case is decided")
    if granted and (valid_until is None or (valid_from and valid_until < valid_from)):
        raise CaseworkError("a granted permit needs its validity (until, not before from)")
    permit.status = "granted" if granted else "refused"
    permit.valid_from = valid_from if granted else None
    permit.valid_until = valid_until if granted else None
    permit.issuing_authority = issuing_authority or permit.issuing_authority
    permit.save()
    _changed(user, case, ["permit"], "immigration", permit=permit.pk, status=permit.status)
    if permit.permit_type in PERMIT_APPLICATIONS:
        name = "grant" if granted else "refuse"
        apply_transition(user, case, "immigration", name, reason=reason)
    return permit


@command
def renew_permit(
    user: Any, case: m.Case, permit: m.ResidencePermit, *, valid_until: date, reason: str = ""
) -> m.ResidencePermit:
    """Renew a granted permit (`renew` on the immigration track): a new expiry, counted."""
    _require(user, "case.transition", case, shared_ok=True)
    _require_section(user, case, "immigration")
    if permit.case_id != case.pk or permit.status != "granted":
        raise CaseworkError("only a granted permit of this case is renewed")
    if permit.valid_until is not None and valid_until <= permit.valid_until:
        raise CaseworkError(f"a renewal runs beyond the current expiry ({permit.valid_until})")
    permit.valid_until = valid_until
    permit.renewals += 1
    permit.save(update_fields=["valid_until", "renewals"])
    _changed(user, case, ["permit"], "immigration", permit=permit.pk, renewals=permit.renewals)
    if permit.permit_type in PERMIT_APPLICATIONS:
        apply_transition(user, case, "immigration", "renew", reason=reason)
    return permit


@command
def assess_return_risk(
    user: Any,
    case: m.Case,
    *,
    destination: str,
    risks: dict[str, str],
    result: str,
    mitigation: str = "",
    receiving_agency_confirmed: bool = False,
    then: str = "",
    reason: str = "",
) -> m.ReturnRiskAssessment:
    """A return risk assessment: the return track moves to its assessment step when it can,
    the assessment is recorded, and `then` ("clear" or "block") is decided on it at once."""
    if then not in {"", "clear", "block"}:
        raise CaseworkError("after an assessment the return is cleared or blocked")
    if case.return_state in ASSESS_RISK_FROM:
        apply_transition(user, case, "return", "assess_risk")
        case.refresh_from_db()
    assessment = record_risk_assessment(
        user,
        case,
        destination=destination,
        risks=risks,
        result=result,
        mitigation=mitigation,
        receiving_agency_confirmed=receiving_agency_confirmed,
    )
    if then:
        case.refresh_from_db()
        apply_transition(user, case, "return", then, reason=reason)
    return assessment


@command
def plan_return(
    user: Any,
    case: m.Case,
    *,
    plan_now: bool = False,
    person_requested: bool = False,
    **fields: Any,
) -> m.ReturnPlan:
    """Record the return plan and, with `plan_now`, plan the return (the return guards apply:
    refused, nothing is kept and the blocked attempt raises its alert)."""
    plan = update_return_plan(user, case, **fields)
    if plan_now:
        case.refresh_from_db()
        apply_transition(user, case, "return", "plan", person_requested=person_requested)
    return plan


def record_follow_up(
    user: Any,
    case: m.Case,
    followup: m.FollowUp,
    *,
    mode: str,
    re_trafficking_indicator: bool,
    wellbeing: int | None = None,
    needs: str = "",
) -> wf.Outcome:
    """A follow-up visit; any re-trafficking indicator reopens the case with an urgent alert."""
    _require(user, "case.edit", case, shared_ok=True)
    _require_section(user, case, "return")
    if followup.case_id != case.pk or followup.done_at is not None:
        raise CaseworkError("this follow-up visit is not an open visit of this case")
    at = now()
    with transaction.atomic():
        followup.done_at = at
        followup.mode = mode
        followup.re_trafficking_indicator = re_trafficking_indicator
        followup.wellbeing = wellbeing
        followup.needs = needs[:200]
        followup.recorded_by = user
        followup.save()
        result = wf.FollowUpResult(at, mode, re_trafficking_indicator, wellbeing, needs)
        outcome = workflow().record_follow_up(facts_of(case), result, actor_of(user))
        record_event(
            user, "record.update", case, fields=["followup"], purpose="follow-up",
            details={"followup": followup.pk, "re_trafficking": re_trafficking_indicator},
        )  # fmt: skip
        if re_trafficking_indicator:
            for step in _flatten(outcome.follow_on):
                apply_transition(None, case, step.track.value, step.transition,
                                 reason="re-trafficking indicator at follow-up")  # fmt: skip
                case.refresh_from_db()
            case.at_risk = True
            case.save(update_fields=["at_risk"])
            for message in outcome.alerts:
                m.Alert.objects.create(
                    case=case, message=message, severity="urgent",
                    roles=["case_worker", "return_coordinator", "supervisor"], created_at=at,
                )  # fmt: skip
        refresh_tasks(case)
    return outcome


# --- tracing ----------------------------------------------------------------------------------


@command
def open_tracing(
    user: Any,
    case: m.Case,
    *,
    sought: dict[str, str],
    cross_border: bool = False,
    counterpart_country: str = "",
    counterpart_agency: str = "",
    data_sharing_agreement: str = "",
    family_contact_safe: bool | None = None,
) -> m.TracingRequest:
    """Open a tracing request for a relative (sealed); the workflow's guards apply when it
    starts searching (`tiphub.web.casework.tracing`)."""
    _require(user, "case.edit", case, shared_ok=True)
    _require_section(user, case, "tracing")
    at = now()
    tracing = m.TracingRequest.objects.create(
        case=case,
        cross_border=cross_border,
        counterpart_country=counterpart_country,
        counterpart_agency=counterpart_agency,
        data_sharing_agreement=data_sharing_agreement,
        family_contact_safe=family_contact_safe,
        risk_checked_by=user if family_contact_safe is not None else None,
        risk_checked_at=at if family_contact_safe is not None else None,
        created_at=at,
    )
    seal(tracing, "sought", sought)
    tracing.save()
    _changed(user, case, ["tracing"], "tracing", tracing=tracing.pk)
    return tracing


# --- deadlines --------------------------------------------------------------------------------


def case_events(case: m.Case) -> list[wf.Event]:
    """The case's timeline as workflow events (transitions, services, permits, follow-ups...)."""
    events: list[wf.Event] = []
    for row in case.transitions.all():
        for name in _events_of(row):
            events.append(wf.Event(name, row.at, row.object_id))
    for period in case.recovery_periods.all():
        end = max(period.min_end, period.extended_to or period.min_end)
        events.append(wf.Event("recovery_period.ends", end, ""))
    for service in case.services.exclude(started_at__isnull=True):
        events.append(wf.Event("service.started", service.started_at, ""))  # type: ignore[arg-type]
    for permit in case.permits.filter(status="granted").exclude(valid_until__isnull=True):
        key = f"{permit.pk}:{permit.valid_until}"
        events.append(wf.Event("permit.expires", _aware(permit.valid_until), key))  # type: ignore[arg-type]
    latest = case.risk_assessments.order_by("-assessed_at").first()
    if latest is not None:
        events.append(wf.Event("return.risk_assessment_expires", latest.expires_at, str(latest.pk)))
    for followup in case.followups.all():
        events.append(wf.Event("followup.due", followup.scheduled_for, str(followup.pk)))
        if followup.done_at is not None:
            events.append(wf.Event("followup.done", followup.done_at, str(followup.pk)))
    for consent in case.consents.filter(refused=False):
        events.append(wf.Event("consent.given", consent.valid_from, str(consent.pk)))
        if consent.withdrawn_at is not None:
            events.append(wf.Event("consent.withdrawn", consent.withdrawn_at, str(consent.pk)))
    bids = list(case.best_interests.filter(kind="BID"))
    for earlier, later in pairwise(bids):
        events.append(wf.Event("child.bid_reviewed", later.decided_at, str(earlier.pk)))
    if bids and bids[-1].review_date is not None:
        review = _aware(bids[-1].review_date)
        events.append(wf.Event("child.bid_review", review, str(bids[-1].pk)))  # type: ignore[arg-type]
    return events


_TRANSITION_EVENTS = {
    (t.track.value, t.name): t.events
    for machine in wf.MACHINES.values()
    for t in machine.transitions
}


def _events_of(row: m.TrackTransition) -> tuple[str, ...]:
    names = _TRANSITION_EVENTS.get((row.track, row.transition), ())
    if row.track == "referral" and row.transition in {"accept", "reject"}:
        names = ("referral.responded",)
    if row.track == "immigration" and row.transition == "renew":
        # a renewal is seen through the permit's new expiry (its timer key names the date):
        # a keyless "renewed" event would stop the new expiry's reminders too
        names = tuple(n for n in names if n != "permit.renewed")
    return names


def refresh_tasks(case: m.Case) -> list[m.Task]:
    """Recompute the case's deadline tasks (rules of the jurisdiction profile) at `now()`."""
    at = now()
    tasks = wf.evaluate(
        case_events(case), profile(), at, case_id=str(case.pk), is_child=case.is_child
    )
    seen = set()
    rows = []
    for task in tasks:
        seen.add((task.rule_id, task.key))
        row, _ = m.Task.objects.update_or_create(
            case=case,
            rule_id=task.rule_id,
            key=task.key,
            defaults={
                "title": task.title,
                "due_at": task.due_at,
                "status": task.status.value,
                "severity": task.severity,
                "roles": sorted(r.value for r in task.roles),
                "basis": task.basis[:300],
                "open": True,
                "updated_at": at,
            },
        )
        rows.append(row)
    for row in case.tasks.filter(open=True):
        if (row.rule_id, row.key) not in seen:
            row.open = False
            row.updated_at = at
            row.save(update_fields=["open", "updated_at"])
    return rows


AGE_OUT_FROM = frozenset(wf.MACHINES[Track.CHILD].transition("age_out").sources)


def sweep() -> int:
    """The daily run: age-outs on 18th birthdays, then every case's tasks. Returns cases swept."""
    count = 0
    for case in m.Case.objects.select_related("agency").order_by("pk"):
        if case.child_state in AGE_OUT_FROM and (case.age is None or case.age >= 17):
            _age_out_if_due(case)  # decrypts the date of birth (audited): only near 18
        refresh_tasks(case)
        count += 1
    return count


def _age_out_if_due(case: m.Case) -> None:
    facts = facts_of(case, date_of_birth=_date_of_birth(case))
    request = wf.Request(Track.CHILD, "age_out", wf.Actor.system(), now())
    if not workflow().reasons(facts, request):
        apply_transition(None, case, "child", "age_out")
