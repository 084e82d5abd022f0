"""What the workflow needs to know about a case, as plain immutable data.

The web app builds these snapshots from its database rows; tests build them by hand. Guards read
only these facts (never a database), which is what makes every refusal reproducible and testable.
Facts carry ids and dates, never names or narratives: identities stay encrypted in the web app.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from tiphub.workflow.roles import Role


class Track(StrEnum):
    """The parallel tracks of one case, plus the per-object hand-offs (referral, tracing)."""

    IDENTIFICATION = "identification"
    SUPPORT = "support"
    CHILD = "child"
    IMMIGRATION = "immigration"
    RETURN = "return"
    TRACING = "tracing"
    REFERRAL = "referral"


#: tracks whose state lives on the case itself (tracing and referral live on their own objects).
CASE_TRACKS = (Track.IDENTIFICATION, Track.SUPPORT, Track.CHILD, Track.IMMIGRATION, Track.RETURN)


class ConsentScope(StrEnum):
    """Purposes a consent can cover (spec section 1); agency shares are `share_with_agency:<id>`."""

    REFER_TO_NRM = "refer_to_nrm"
    TRACING = "tracing"
    CROSS_BORDER = "cross_border"
    STATISTICS = "statistics"
    FOLLOW_UP_CONTACT = "follow_up_contact"

    @staticmethod
    def share_with(agency_id: str | int) -> str:
        return f"share_with_agency:{agency_id}"


@dataclass(frozen=True)
class Actor:
    """Who asks for a transition: a user id, their agency and their casework roles."""

    user_id: str
    agency_id: str
    roles: frozenset[Role]
    #: permissions beyond roles, e.g. "consent_override" (granted by the web app's policy).
    permissions: frozenset[str] = frozenset()

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id="system", agency_id="system", roles=frozenset({Role.SYSTEM}))


@dataclass(frozen=True)
class Consent:
    scope: str
    given_at: datetime
    given_by: str = "person"  # person | guardian
    valid_until: datetime | None = None
    withdrawn_at: datetime | None = None
    refused: bool = False

    def covers(self, scope: str, at: datetime) -> bool:
        return (
            not self.refused
            and self.scope == scope
            and self.given_at <= at
            and (self.valid_until is None or at < self.valid_until)
            and (self.withdrawn_at is None or at < self.withdrawn_at)
        )


@dataclass(frozen=True)
class RecoveryPeriod:
    """Recovery and reflection period (ECAT art. 13): starts on a positive RG decision."""

    start: datetime
    min_end: datetime
    extended_to: datetime | None = None
    ended_at: datetime | None = None

    @property
    def end(self) -> datetime:
        return max(self.min_end, self.extended_to or self.min_end)

    def active(self, at: datetime) -> bool:
        if self.ended_at is not None and self.ended_at <= at:
            return False
        return self.start <= at < self.end


class RiskResult(StrEnum):
    SAFE = "safe"
    CONDITIONAL = "conditional"
    UNSAFE = "unsafe"


#: the risks a return risk assessment must cover before a return may be planned.
REQUIRED_RETURN_RISKS = frozenset({"re_trafficking", "refoulement"})


@dataclass(frozen=True)
class RiskAssessment:
    assessed_at: datetime
    expires_at: datetime
    result: RiskResult
    risks_covered: frozenset[str]
    destination: str = ""
    mitigation: str = ""


@dataclass(frozen=True)
class BestInterestsDetermination:
    """A BID panel decision (UNHCR BIP): what it decided and whether it was properly made."""

    decided_at: datetime
    #: durable solutions the panel found to be in the child's best interests, e.g. {"return"}.
    solutions_in_best_interests: frozenset[str]
    members: int
    guardian_consulted: bool
    childs_views_recorded: bool
    review_date: date | None = None
    dissent: str = ""


@dataclass(frozen=True)
class Guardian:
    requested_at: datetime | None = None
    appointed_at: datetime | None = None
    authority: str = ""
    conflict_checked: bool = False
    conflict_found: bool = False
    is_organisation: bool = False
    named_person: bool = False
    ended_at: datetime | None = None


@dataclass(frozen=True)
class ReturnPlan:
    voluntary: bool = False
    receiving_agency_confirmed: bool = False
    reintegration_plan: bool = False
    cross_border_consent: bool = False


@dataclass(frozen=True)
class DecisionRecord:
    """The legal decision carried by a transition (RG/CG/BID...): append-only in the web app."""

    kind: str
    outcome: str
    standard_applied: str = ""
    reasons: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseFacts:
    """A snapshot of one case as the guards see it."""

    case_id: str
    owner_agency_id: str
    states: dict[Track, str]
    is_child: bool = False
    unaccompanied: bool = False
    date_of_birth: date | None = None
    screening_indicators: int = 0
    identification_history: tuple[str, ...] = ()
    consents: tuple[Consent, ...] = ()
    recovery_period: RecoveryPeriod | None = None
    risk_assessments: tuple[RiskAssessment, ...] = ()
    bid: BestInterestsDetermination | None = None
    bia_childs_views_recorded: bool = False
    guardian: Guardian | None = None
    return_plan: ReturnPlan = field(default_factory=ReturnPlan)
    person_requests_return: bool = False
    #: referrals sent and not yet answered (accepted ones are ongoing services, e.g. follow-up).
    open_referrals: int = 0
    followups_scheduled: int = 0
    follow_up_consent_recorded: bool = False
    at_risk: bool = False
    plan_assessed_by: str = ""
    permit_valid_until: datetime | None = None

    def state(self, track: Track) -> str:
        return self.states[track]

    def with_states(self, **changes: str) -> CaseFacts:
        states = dict(self.states)
        states.update({Track(k): v for k, v in changes.items()})
        return replace(self, states=states)

    def consent(self, scope: str, at: datetime) -> Consent | None:
        for consent in self.consents:
            if consent.covers(scope, at):
                return consent
        return None

    def current_risk_assessment(self, at: datetime) -> RiskAssessment | None:
        """The latest assessment made by `at` (older ones are superseded even if unexpired)."""
        made = [a for a in self.risk_assessments if a.assessed_at <= at]
        return max(made, key=lambda a: a.assessed_at) if made else None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class ReferralFacts:
    """One referral or transfer (Primero semantics): share with a scoped view, or hand over."""

    referral_id: str
    kind: str  # referral | transfer
    state: str
    from_agency_id: str
    to_agency_id: str
    purpose: str
    sent_by: str = ""


@dataclass(frozen=True)
class TracingFacts:
    """One tracing request (family tracing for a child; optional for adults)."""

    request_id: str
    state: str
    cross_border: bool = False
    data_sharing_agreement: str = ""
    family_contact_safe: bool | None = None  # None: risk check not done
    match_proposed_by: str = ""
    candidate_matches: int = 0
    reunification_assessed: bool = False
    #: the assessment found both sides willing and reunification safe
    reunification_recommended: bool = False
