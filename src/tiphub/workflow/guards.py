"""Guards: the rules that refuse a transition, each with its reason in words and its source.

Every guard takes a `GuardContext` and returns `None` (satisfied) or the sentence to show the user.
The return guards are the heart of the module: nobody is returned during the recovery period,
before identification completes, without a current risk assessment covering re-trafficking and
refoulement, while an asylum claim is pending, or, for a child, without a best-interests
determination finding return in the child's best interests.
"""

from __future__ import annotations

from datetime import datetime

from tiphub.workflow.facts import (
    REQUIRED_RETURN_RISKS,
    CaseFacts,
    ConsentScope,
    RiskResult,
    TracingFacts,
    Track,
)
from tiphub.workflow.machine import Guard, GuardContext
from tiphub.workflow.roles import Role

#: identification states in which the identification process is not complete (CETS 197 art. 10(2)).
IDENTIFICATION_PENDING = frozenset({"contact", "presumed_victim", "referred", "reconsideration"})
IDENTIFICATION_FINAL = frozenset({"cg_positive", "cg_negative", "withdrawn"})


def _day(at: datetime) -> str:
    return at.date().isoformat()


# --- identification -------------------------------------------------------------------------


def screening_indicator(ctx: GuardContext) -> str | None:
    if ctx.facts.screening_indicators >= 1:
        return None
    return (
        "presumed-victim status needs a screening with at least one indicator recorded (the "
        "threshold is low and needs no corroboration, but it needs one indicator)"
    )


def adult_only(ctx: GuardContext) -> str | None:
    if ctx.facts.is_child:
        return (
            "a child cannot opt out of protection: child services are informed and the child track "
            "stays open (CETS 197 art. 10(4))"
        )
    return None


def nrm_referral_consent(ctx: GuardContext) -> str | None:
    if ctx.facts.is_child:
        return None  # children need no consent; the guardian is informed (effect)
    if ctx.facts.consent(ConsentScope.REFER_TO_NRM, ctx.at):
        return None
    return (
        "an adult is referred to the NRM only with their informed consent ('refer_to_nrm'); "
        "without it, record the anonymous duty-to-notify statistic instead"
    )


def decision(kind: str, outcome: str) -> Guard:
    """A decision record of `kind` with `outcome`, reasons and the standard applied."""

    def check(ctx: GuardContext) -> str | None:
        record = ctx.request.decision
        if record is None or record.kind != kind or record.outcome != outcome:
            return f"a {kind} decision record with outcome '{outcome}' must be entered first"
        missing = [
            name
            for name, value in (
                ("reasons", record.reasons),
                ("standard applied", record.standard_applied),
            )
            if not value.strip()
        ]
        if missing:
            return f"the {kind} decision must state its {' and '.join(missing)}"
        return None

    return check


def cg_timing(ctx: GuardContext) -> str | None:
    """No CG decision before the recovery period has run, unless the person asks (cfg)."""
    period = ctx.facts.recovery_period
    if not ctx.profile.cg_not_before_recovery_end or period is None:
        return None
    if ctx.at >= period.min_end:
        return None
    if ctx.request.person_requested and ctx.profile.cg_early_on_request:
        return None
    return (
        f"a conclusive-grounds decision is not made before the recovery and reflection period "
        f"ends on {_day(period.min_end)} unless the person asks for an earlier decision"
    )


def reconsideration_target(ctx: GuardContext) -> str | None:
    """A reconsideration ends at the stage it reconsidered (RG with RG, CG with CG)."""
    history = [s for s in ctx.facts.identification_history if s != "reconsideration"]
    previous = history[-1] if history else ""
    target = ctx.target
    stage = previous[:2]
    if previous in {"rg_negative", "cg_negative"} and target.startswith(stage):
        return None
    return (
        f"a reconsideration of '{previous or 'no decision'}' ends with a new decision at the same "
        f"stage, not '{target}'"
    )


def reason_given(ctx: GuardContext) -> str | None:
    if ctx.request.reason.strip():
        return None
    return "a reason must be recorded"


# --- support --------------------------------------------------------------------------------


def not_self_approved(ctx: GuardContext) -> str | None:
    if ctx.profile.self_approve or ctx.facts.plan_assessed_by != ctx.actor.user_id:
        return None
    return "a support plan is approved by someone other than the person who assessed the needs"


def identification_final_or_requested(ctx: GuardContext) -> str | None:
    state = ctx.facts.state(Track.IDENTIFICATION)
    if state in IDENTIFICATION_FINAL or ctx.request.person_requested:
        return None
    return (
        f"exit planning starts only after a final identification decision (now '{state}') or at "
        "the person's request: presumed-victim entitlements continue until then"
    )


def no_open_referrals(ctx: GuardContext) -> str | None:
    if ctx.facts.open_referrals == 0:
        return None
    return (
        f"{ctx.facts.open_referrals} referral(s) still await an answer; wait for it or revoke them"
    )


def followup_ready(ctx: GuardContext) -> str | None:
    facts = ctx.facts
    returned = facts.state(Track.RETURN) in {"returned", "reintegration", "follow_up"}
    if (returned or facts.at_risk) and facts.followups_scheduled == 0:
        return "a returned or at-risk person's case closes only with a follow-up schedule"
    if not facts.follow_up_consent_recorded:
        return "consent to follow-up contact must be recorded (given or refused) before closing"
    return None


# --- child ----------------------------------------------------------------------------------


def is_child(ctx: GuardContext) -> str | None:
    if ctx.facts.is_child:
        return None
    return (
        "the child track opens for a person under 18 or presumed to be a child when the age is "
        "uncertain (CETS 197 art. 10(3))"
    )


def guardian_needed(ctx: GuardContext) -> str | None:
    if ctx.facts.unaccompanied or ctx.request.reason.strip():
        return None
    return (
        "a guardian is requested for an unaccompanied or separated child, or when the parents have "
        "a conflict of interest (record it as the reason)"
    )


def guardian_properly_appointed(ctx: GuardContext) -> str | None:
    guardian = ctx.facts.guardian
    if guardian is None or guardian.appointed_at is None:
        return "the guardian appointment (date, guardian, appointing authority) must be recorded"
    problems = []
    if not guardian.authority.strip():
        problems.append("the appointing authority is not recorded")
    if not guardian.conflict_checked:
        problems.append("no conflict-of-interest check was recorded")
    elif guardian.conflict_found:
        problems.append("the conflict-of-interest check found a conflict")
    if guardian.is_organisation and not guardian.named_person:
        problems.append("an organisation appointed as guardian must name a natural person")
    return "; ".join(problems) or None


def bia_ready(ctx: GuardContext) -> str | None:
    facts = ctx.facts
    if not facts.bia_childs_views_recorded:
        return "a best-interests assessment must record the child's views (right to be heard)"
    guardian = facts.guardian
    if facts.unaccompanied and (guardian is None or guardian.appointed_at is None):
        return "an unaccompanied child's best-interests assessment needs the guardian appointed"
    return None


def bid_properly_made(ctx: GuardContext) -> str | None:
    bid = ctx.facts.bid
    if bid is None:
        return "the best-interests determination panel's decision must be recorded first"
    problems = []
    if bid.members < ctx.profile.bid_panel_quorum:
        problems.append(
            f"the panel had {bid.members} member(s), below the quorum of "
            f"{ctx.profile.bid_panel_quorum}"
        )
    if not bid.guardian_consulted:
        problems.append("the guardian was not present or consulted")
    if not bid.childs_views_recorded:
        problems.append("the child's views are not recorded")
    if bid.review_date is None:
        problems.append("no review date is set")
    return "; ".join(problems) or None


def _bid_allows(facts: CaseFacts, solution: str) -> bool:
    bid = facts.bid
    return (
        bid is not None
        and solution in bid.solutions_in_best_interests
        and facts.state(Track.CHILD) in {"bid_decided", "solution_in_implementation"}
    )


def solution_allowed(ctx: GuardContext) -> str | None:
    solution = ctx.request.solution
    if not solution:
        return "name the solution being implemented (e.g. local_integration, return)"
    if solution in ctx.profile.bid_required_for and not _bid_allows(ctx.facts, solution):
        return (
            f"'{solution}' needs a best-interests determination (BID) that found it in the "
            "child's best interests (UNHCR BIP)"
        )
    return None


def aged_eighteen(ctx: GuardContext) -> str | None:
    age = ctx.facts.age_on(ctx.at.date())
    if age is not None and age >= 18:
        return None
    return "a child ages out only once a verified date of birth shows 18 years"


# --- immigration ----------------------------------------------------------------------------


def recovery_period_active(ctx: GuardContext) -> str | None:
    period = ctx.facts.recovery_period
    if period is not None and period.active(ctx.at):
        return None
    return "protection of the recovery period follows a positive reasonable-grounds decision"


def permit_expired(ctx: GuardContext) -> str | None:
    until = ctx.facts.permit_valid_until
    if until is not None and until <= ctx.at:
        return None
    return "the permit is still valid"


# --- return ---------------------------------------------------------------------------------


def risk_assessment_clears(ctx: GuardContext) -> str | None:
    return _risk_problem(ctx.facts, ctx.at, ctx.profile.risk_assessment_validity_days)


def _risk_problem(facts: CaseFacts, at: datetime, validity_days: int) -> str | None:
    assessment = facts.current_risk_assessment(at)
    if assessment is None:
        return "no return risk assessment is on file"
    if assessment.expires_at <= at:
        return (
            f"the return risk assessment expired on {_day(assessment.expires_at)} "
            f"(valid {validity_days} days): re-assess before travel"
        )
    if assessment.result == RiskResult.UNSAFE:
        return "the return risk assessment found return unsafe"
    if assessment.result == RiskResult.CONDITIONAL and not assessment.mitigation.strip():
        return "a conditional risk assessment needs the mitigation recorded"
    missing = REQUIRED_RETURN_RISKS - assessment.risks_covered
    if missing:
        names = " and ".join(sorted(m.replace("_", "-") for m in missing))
        return f"the return risk assessment does not cover the risk of {names}"
    return None


def return_blockers(ctx: GuardContext) -> list[str]:
    """Every reason that blocks planning or carrying out a return now, in words."""
    facts, at = ctx.facts, ctx.at
    voluntary = (
        ctx.request.person_requested
        and facts.person_requests_return
        and facts.return_plan.voluntary
    )
    reasons: list[str] = []
    period = facts.recovery_period
    if period is not None and period.active(at) and not voluntary:
        reasons.append(
            f"the recovery and reflection period runs until {_day(period.end)}: no return during "
            "it unless the person explicitly asks to return (CETS 197 art. 13)"
        )
    identification = facts.state(Track.IDENTIFICATION)
    if identification in IDENTIFICATION_PENDING:
        reasons.append(
            f"identification is not complete (now '{identification}'): no removal before it "
            "completes (CETS 197 art. 10(2))"
        )
    elif identification == "rg_positive" and not voluntary:
        reasons.append(
            "the conclusive-grounds decision is pending: return only at the person's own request"
        )
    if facts.state(Track.IMMIGRATION) == "asylum_pending":
        reasons.append("an asylum claim is pending: return would risk refoulement")
    risk = _risk_problem(facts, at, ctx.profile.risk_assessment_validity_days)
    if risk:
        reasons.append(risk)
    if facts.is_child:
        if not _bid_allows(facts, "return"):
            reasons.append(
                "a child is returned only after a best-interests determination (BID) found return "
                "in the child's best interests (CETS 197 art. 16(7); UNHCR BIP)"
            )
        if not facts.return_plan.receiving_agency_confirmed:
            reasons.append("the receiving caregiver or agency has not confirmed")
        if not facts.return_plan.reintegration_plan:
            reasons.append("a child's return needs a reintegration plan")
    if not (facts.return_plan.cross_border_consent or facts.consent(ConsentScope.CROSS_BORDER, at)):
        reasons.append("consent to share data with the receiving agency abroad is not recorded")
    return reasons


def return_allowed(ctx: GuardContext) -> str | None:
    reasons = return_blockers(ctx)
    return "; ".join(reasons) or None


def followups_complete(ctx: GuardContext) -> str | None:
    return None if ctx.facts.followups_scheduled == 0 else "follow-up visits are still scheduled"


# --- referral -------------------------------------------------------------------------------


def _referral(ctx: GuardContext):  # type: ignore[no-untyped-def]
    if ctx.request.referral is None:
        raise ValueError("a referral transition needs the referral's facts")
    return ctx.request.referral


def sender_agency(ctx: GuardContext) -> str | None:
    if ctx.actor.agency_id == _referral(ctx).from_agency_id:
        return None
    return "only the referring agency sends or revokes its referral"


def recipient_agency(ctx: GuardContext) -> str | None:
    if ctx.actor.agency_id == _referral(ctx).to_agency_id:
        return None
    return "only a user of the receiving agency answers a referral"


def referral_consent(ctx: GuardContext) -> str | None:
    """Consent covers the target agency and purpose, or an audited, permitted override."""
    referral = _referral(ctx)
    facts, at = ctx.facts, ctx.at
    child_nrm = facts.is_child and referral.purpose == "nrm_decision"
    needed = [] if child_nrm else [ConsentScope.share_with(referral.to_agency_id)]
    if referral.purpose == "nrm_decision" and not facts.is_child:
        needed.append(ConsentScope.REFER_TO_NRM)
    missing = [scope for scope in needed if not facts.consent(scope, at)]
    if not missing:
        return None
    if ctx.request.consent_override:
        if "consent_override" not in ctx.actor.permissions:
            return "your role may not override consent"
        if not ctx.request.reason.strip():
            return "a consent override needs a reason (it is audited)"
        return None
    return f"no valid consent covers {', '.join(missing)}"


def revocable(ctx: GuardContext) -> str | None:
    referral = _referral(ctx)
    if referral.kind == "transfer" and referral.state == "accepted":
        return "an accepted transfer has changed the owner; transfer the case back instead"
    if ctx.actor.user_id == referral.sent_by or Role.SUPERVISOR in ctx.actor.roles:
        return None
    return "a referral is revoked by its sender or a supervisor of the referring agency"


def referral_only(ctx: GuardContext) -> str | None:
    if _referral(ctx).kind == "referral":
        return None
    return "a transfer is complete on acceptance; only a referral is marked done"


# --- tracing --------------------------------------------------------------------------------


def _tracing(ctx: GuardContext):  # type: ignore[no-untyped-def]
    if ctx.request.tracing is None:
        raise ValueError("a tracing transition needs the tracing request's facts")
    return ctx.request.tracing


def tracing_blockers(facts: CaseFacts, tracing: TracingFacts, at: datetime) -> list[str]:
    """Why a search for the family may not run now (empty: it may). Checked by the `search`
    transition and again before every run of the matcher: consent can be withdrawn and a risk
    check revised while a request is searching."""
    problems = []
    if not facts.consent(ConsentScope.TRACING, at):
        problems.append("no consent to tracing is recorded")
    if tracing.family_contact_safe is None:
        problems.append("the risk check (could contacting the family endanger the person?) is due")
    elif not tracing.family_contact_safe:
        problems.append("the risk check found contacting the family unsafe")
    if tracing.cross_border:
        problems += cross_border_blockers(facts, tracing, at)
    return problems


def cross_border_blockers(facts: CaseFacts, tracing: TracingFacts, at: datetime) -> list[str]:
    """Why nothing of this request may cross a border now (a search abroad, a message)."""
    problems = []
    if not facts.consent(ConsentScope.CROSS_BORDER, at):
        problems.append("cross-border tracing needs consent to share across borders")
    if not tracing.data_sharing_agreement.strip():
        problems.append("cross-border tracing needs a data-sharing agreement on file")
    return problems


def tracing_safe_and_consented(ctx: GuardContext) -> str | None:
    return "; ".join(tracing_blockers(ctx.facts, _tracing(ctx), ctx.at)) or None


def has_candidate(ctx: GuardContext) -> str | None:
    return None if _tracing(ctx).candidate_matches > 0 else "no candidate match was found"


def second_verifier(ctx: GuardContext) -> str | None:
    if ctx.actor.user_id != _tracing(ctx).match_proposed_by:
        return None
    return "a family relationship is verified by a second user, not the one who proposed the match"


def reunification_assessed(ctx: GuardContext) -> str | None:
    if _tracing(ctx).reunification_assessed:
        return None
    return "record the reunification assessment (both sides' willingness, safety) first"


def reunification_recommended(ctx: GuardContext) -> str | None:
    if _tracing(ctx).reunification_recommended:
        return None
    return (
        "the reunification assessment did not find both sides willing and reunification safe "
        "(Inter-agency Guiding Principles on Unaccompanied and Separated Children)"
    )


def reunification_in_best_interests(ctx: GuardContext) -> str | None:
    if not ctx.facts.is_child:
        return None
    solution = "cross_border_reunification" if _tracing(ctx).cross_border else "local_reunification"
    bid = ctx.facts.bid
    if bid is not None and solution in bid.solutions_in_best_interests:
        return None
    return (
        "a child is reunified only after a best-interests determination (BID) found "
        f"{solution.replace('_', ' ')} in the child's best interests"
    )
