"""Worked case: a returned victim whose follow-up finds a re-trafficking indicator, and the
return guards refusing a return during the recovery period (with an alert)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from casework_support import LABOUR_PROFILE, SCREENED, decision

from tiphub.web.audit.models import AuditEvent
from tiphub.web.casework import access, services
from tiphub.web.casework import models as m
from tiphub.web.casework.services import CaseworkError
from tiphub.workflow import ConsentScope, FrozenClock

RISKS = {"re_trafficking": "low", "refoulement": "none", "retaliation": "medium"}


def _identified(people: dict[str, Any], agencies: dict[str, Any]) -> m.Case:
    police, authority = people["police"], people["authority"]
    case = services.open_case(
        police, profile_fields=dict(LABOUR_PROFILE), identity={"given_name": "Ion"},
        screening=SCREENED,
    )  # fmt: skip
    services.record_consent(police, case, ConsentScope.REFER_TO_NRM)
    services.record_consent(police, case, ConsentScope.share_with("ATU"))
    referral = services.refer(police, case, agencies["ATU"], "nrm_decision")
    services.respond(authority, referral, "accept")
    case.refresh_from_db()
    services.apply_transition(authority, case, "identification", "rg_positive", decision=decision())
    case.refresh_from_db()
    return case


def test_return_blocked_during_recovery_period_raises_an_alert(
    clock: FrozenClock, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    case = _identified(people, agencies)
    caseworker = _police_caseworker(people, agencies)
    services.apply_transition(caseworker, case, "return", "request")
    services.apply_transition(caseworker, case, "return", "assess_risk")
    services.record_risk_assessment(caseworker, case, destination="MDA", risks=RISKS, result="safe")
    services.update_return_plan(caseworker, case, cross_border_consent=True)
    services.apply_transition(caseworker, case, "return", "clear")
    with pytest.raises(CaseworkError) as blocked:
        services.apply_transition(caseworker, case, "return", "plan")
    assert any("recovery and reflection period runs until" in r for r in blocked.value.reasons)
    alert = case.alerts.get()
    assert alert.message.startswith("a return was attempted while blocked")
    assert "immigration_officer" in alert.roles
    refusal = AuditEvent.objects.filter(action="case.transition", outcome="rejected").last()
    assert refusal is not None
    assert refusal.details["transition"] == "plan"


def _police_caseworker(people: dict[str, Any], agencies: dict[str, Any]) -> Any:
    from django.contrib.auth import get_user_model

    from tiphub.web.accounts.models import Account

    user = get_user_model().objects.create_user(username="pol-caseworker", password="x" * 20)
    Account.objects.create(user=user, role="caseworker", agency=agencies["POL"])
    return user


def test_returned_victim_follow_up_reopens_the_case(
    clock: FrozenClock, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    case = _identified(people, agencies)
    authority, caseworker = people["authority"], _police_caseworker(people, agencies)
    clock.advance(days=31)
    services.apply_transition(
        authority, case, "identification", "cg_positive", decision=decision("CG")
    )
    # the person asks to go home; the return partner gets a referral with the return view
    services.record_consent(caseworker, case, ConsentScope.share_with("IOM"))
    services.record_consent(caseworker, case, ConsentScope.CROSS_BORDER)
    return_referral = services.refer(caseworker, case, agencies["IOM"], "return")
    iom = people["iom"]
    services.respond(iom, return_referral, "accept")
    services.apply_transition(caseworker, case, "return", "request", person_requested=True)
    services.apply_transition(iom, case, "return", "assess_risk")
    services.record_risk_assessment(iom, case, destination="MDA", risks=RISKS, result="safe")
    services.update_return_plan(iom, case, voluntary=True, receiving_agency="Partner NGO Chisinau")
    services.apply_transition(iom, case, "return", "clear")
    services.apply_transition(iom, case, "return", "plan")
    clock.advance(days=10)
    services.apply_transition(iom, case, "return", "depart")
    services.apply_transition(iom, case, "return", "reintegrate")
    followups = list(case.followups.all())
    assert [f.scheduled_for.date().isoformat() for f in followups] == [
        "2027-05-11", "2027-07-11", "2027-10-11", "2028-04-11",
    ]  # fmt: skip
    services.apply_transition(iom, case, "return", "follow_up")

    # support winds down and the case closes
    services.record_needs_assessment(caseworker, case)
    services.apply_transition(people["police_boss"], case, "support", "approve_plan")
    services.apply_transition(caseworker, case, "support", "start_services")
    services.apply_transition(caseworker, case, "support", "plan_exit")
    nrm = case.referrals.get(purpose="nrm_decision")
    services.respond(authority, nrm, "done", reason="conclusive grounds decided")
    services.record_consent(caseworker, case, ConsentScope.FOLLOW_UP_CONTACT)
    services.apply_transition(people["police_boss"], case, "support", "close")
    case.refresh_from_db()
    assert case.support_state == "closed"

    # the first follow-up is missed: the return partner and the caseworker are alerted
    clock.set(followups[0].scheduled_for + timedelta(days=8))
    services.sweep()
    t13 = case.tasks.get(rule_id="T13", key=str(followups[0].pk))
    assert t13.status == "overdue"
    assert t13 in list(access.tasks_for(iom))

    # the visit finds a re-trafficking indicator: the case reopens with an urgent alert
    services.record_follow_up(
        iom, case, followups[0], mode="visit", re_trafficking_indicator=True, wellbeing=2
    )
    case.refresh_from_db()
    assert case.support_state == "reopened"
    assert case.at_risk
    alert = case.alerts.get(severity="urgent")
    assert "re-trafficking" in alert.message
    assert alert in list(access.alerts_for(iom))
    assert case.transitions.filter(track="support", transition="reopen", actor=None).exists()
    services.refresh_tasks(case)
    assert not case.tasks.filter(rule_id="T13", key=str(followups[0].pk), open=True).exists()
