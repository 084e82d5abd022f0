"""tiphub.workflow: the NRM casework rules as plain Python (core package, no Django import).

Explicit state machines per track (identification, support, child protection, immigration,
return, tracing, referral), guards that refuse a transition with the reason in words, the roles
allowed per transition, and a deadline engine driven by one jurisdiction profile (YAML data) on an
injectable clock. The web app's `casework` app stores the records and calls these rules.

    >>> from tiphub.workflow import Workflow, FrozenClock
    >>> workflow = Workflow(clock=FrozenClock(...))
    >>> outcome = workflow.attempt(facts, Request(Track.RETURN, "plan", actor, at))
    >>> outcome.allowed, outcome.reasons
"""

from tiphub.workflow.clock import Clock, FrozenClock, SystemClock
from tiphub.workflow.deadlines import Task, TaskStatus, alerts, evaluate
from tiphub.workflow.engine import FollowUpResult, Workflow
from tiphub.workflow.events import Event
from tiphub.workflow.facts import (
    Actor,
    BestInterestsDetermination,
    CaseFacts,
    Consent,
    ConsentScope,
    DecisionRecord,
    Guardian,
    RecoveryPeriod,
    ReferralFacts,
    ReturnPlan,
    RiskAssessment,
    RiskResult,
    TracingFacts,
    Track,
)
from tiphub.workflow.machine import Effect, Outcome, Request, TransitionRefused
from tiphub.workflow.profile import JurisdictionProfile, ProfileError, load_profile
from tiphub.workflow.roles import Role
from tiphub.workflow.tracks import MACHINES, initial_states

__all__ = [
    "MACHINES",
    "Actor",
    "BestInterestsDetermination",
    "CaseFacts",
    "Clock",
    "Consent",
    "ConsentScope",
    "DecisionRecord",
    "Effect",
    "Event",
    "FollowUpResult",
    "FrozenClock",
    "Guardian",
    "JurisdictionProfile",
    "Outcome",
    "ProfileError",
    "RecoveryPeriod",
    "ReferralFacts",
    "Request",
    "ReturnPlan",
    "RiskAssessment",
    "RiskResult",
    "Role",
    "SystemClock",
    "Task",
    "TaskStatus",
    "TracingFacts",
    "Track",
    "TransitionRefused",
    "Workflow",
    "alerts",
    "evaluate",
    "initial_states",
    "load_profile",
]
