"""The case timeline: dated events that start and stop deadline timers.

The web app turns its records into `Event`s (a referral sent, a decision made, a permit's expiry
date); the deadline engine matches rules against them. `key` ties a start to its own stop: the
response to referral 7 stops referral 7's timer, not referral 8's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KNOWN_EVENTS = frozenset(
    {
        "identification.presumed_victim",
        "identification.referred",
        "identification.rg_decided",
        "identification.cg_decided",
        "identification.withdrawn",
        "recovery_period.started",
        "recovery_period.ends",
        "service.started",
        "referral.sent",
        "referral.responded",
        "referral.revoked",
        "child.identified",
        "child.guardian_requested",
        "child.guardian_appointed",
        "child.bia_done",
        "child.bid_decided",
        "child.bid_review",
        "child.bid_reviewed",
        "child.aged_out",
        "person.turns_18",
        "permit.expires",
        "permit.renewed",
        "permit.ended",
        "return.risk_assessment_expires",
        "return.planned",
        "return.returned",
        "return.withdrawn",
        "followup.due",
        "followup.done",
        "consent.given",
        "consent.reviewed",
        "consent.withdrawn",
        "consent.adult_reconsent",
        "support.plan_approved",
        "support.plan_reviewed",
        "case.closed",
        "case.reopened",
    }
)

#: events dated at a due date rather than when something happened (an expiry, a scheduled visit,
#: the end of the recovery period): any matching stop event, even an earlier one, stops their timer
#: (a permit renewed before it expires; a CG decided early at the person's request). The web app
#: keys them by the dated thing's identity and date, e.g. "permit-7:2027-12-31", so a renewed permit
#: with a new expiry date starts a fresh timer.
DATED_EVENTS = frozenset(
    {
        "recovery_period.ends",
        "child.bid_review",
        "person.turns_18",
        "permit.expires",
        "return.risk_assessment_expires",
        "followup.due",
    }
)


@dataclass(frozen=True)
class Event:
    name: str
    at: datetime
    key: str = ""

    def __post_init__(self) -> None:
        if self.name not in KNOWN_EVENTS:
            raise ValueError(f"unknown workflow event {self.name!r}")
