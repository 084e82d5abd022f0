"""The record endpoints under /api/v1/cases/<id>/: 201 recorded, 409 refused with the
workflow's reasons (nothing stored), 400 for a malformed request, 404 for another agency's case,
403 for a section the role does not see."""

from __future__ import annotations

from typing import Any

from casework_support import (
    GUARDIAN,
    LABOUR_PROFILE,
    SCREENED,
    appointed_child,
    child_case,
    client_for,
    decision,
    identified_adult,
)

from tiphub.web.casework import services
from tiphub.workflow import FrozenClock


def _post(user: Any, url: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(url, body, content_type="application/json")


def test_guardian_endpoint(clock: FrozenClock, people: dict[str, Any]) -> None:
    cpo = people["cpo"]
    case = child_case(cpo)
    url = f"/api/v1/cases/{case.pk}/guardian/"
    body = client_for(cpo).get(url).json()
    assert body["child_state"] == "guardian_requested"
    assert body["timer_status"] == "upcoming"
    assert body["due_at"].startswith("2027-03-04")  # 3 working days
    refused = _post(cpo, url, {"person": GUARDIAN, "authority": "Family court"})
    assert refused.status_code == 409
    assert refused.json() == {"refused": ["no conflict-of-interest check was recorded"]}
    assert case.guardians.get().appointed_at is None
    done = _post(
        cpo, url, {"person": GUARDIAN, "authority": "Family court", "conflict_checked": True}
    )
    assert done.status_code == 201
    assert done.json()["named_person"] is True
    assert GUARDIAN not in done.content.decode()  # names never leave through the API
    assert client_for(people["stranger"]).get(url).status_code == 404
    assert _post(people["panel"], url, {"person": "x"}).status_code == 403  # no case.edit


def test_best_interests_endpoint(clock: FrozenClock, people: dict[str, Any]) -> None:
    cpo, panel = people["cpo"], people["panel"]
    case = appointed_child(cpo)
    url = f"/api/v1/cases/{case.pk}/best-interests/"
    missing = _post(cpo, url, {"kind": "BIA", "recommendation": "trace"})
    assert missing.status_code == 400
    assert "childs_views" in missing.json()
    bia = _post(cpo, url, {"kind": "BIA", "childs_views": "wants to go to school"})
    assert bia.status_code == 201
    case.refresh_from_db()
    services.apply_transition(cpo, case, "child", "require_bid")
    bid = {
        "kind": "BID",
        "childs_views": "agrees",
        "panel_members": [{"user": panel.pk, "role": "chair"}, {"role": "psychologist"}],
        "guardian_consulted": True,
        "solutions_in_best_interests": ["local_integration"],
        "review_date": "2027-09-01",
    }
    refused = _post(panel, url, bid)
    assert refused.status_code == 409
    assert refused.json()["refused"] == ["the panel had 2 member(s), below the quorum of 3"]
    bid["panel_members"].append({"role": "social worker"})
    created = _post(panel, url, bid)
    assert created.status_code == 201
    assert created.json()["panel_size"] == 3
    listed = client_for(panel).get(url).json()
    assert [b["kind"] for b in listed] == ["BIA", "BID"]
    assert "agrees" not in client_for(panel).get(url).content.decode()  # free text stays sealed
    case.refresh_from_db()
    assert case.child_state == "bid_decided"


def test_return_endpoints(
    clock: FrozenClock, people: dict[str, Any], agencies: dict[str, Any], make_user: Any
) -> None:
    caseworker = make_user("caseworker", "POL", name="pol-caseworker")
    case = identified_adult(people, agencies, caseworker)
    iom = people["iom"]
    services.apply_transition(caseworker, case, "return", "request", person_requested=True)
    risk = f"/api/v1/cases/{case.pk}/risk-assessments/"
    body = {"destination": "mda", "risks": {"re_trafficking": "low"}, "result": "safe",
            "then": "clear"}  # fmt: skip
    refused = _post(iom, risk, body)
    assert refused.status_code == 409
    assert "does not cover the risk of refoulement" in refused.json()["refused"][0]
    assert not case.risk_assessments.exists()
    body["risks"]["refoulement"] = "none"
    assert _post(iom, risk, body).status_code == 201
    assert client_for(iom).get(risk).json()[0]["destination"] == "MDA"

    plan = f"/api/v1/cases/{case.pk}/return-plan/"
    state = client_for(iom).get(plan).json()
    assert state["return_state"] == "cleared"
    assert any("recovery and reflection period" in r for r in state["blocked_by"])
    planned = _post(iom, plan, {"voluntary": True, "cross_border_consent": True, "plan_now": True})
    assert planned.status_code == 409
    assert client_for(iom).get(plan).json()["plan"] is None  # nothing kept
    clock.advance(days=31)
    case.refresh_from_db()
    services.apply_transition(
        people["authority"], case, "identification", "cg_positive", decision=decision("CG")
    )
    planned = _post(iom, plan, {"voluntary": True, "cross_border_consent": True, "plan_now": True})
    assert planned.status_code == 201
    case.refresh_from_db()
    services.apply_transition(iom, case, "return", "depart")
    services.apply_transition(iom, case, "return", "reintegrate")

    follow = f"/api/v1/cases/{case.pk}/follow-ups/"
    visits = client_for(iom).get(follow).json()
    assert len(visits) == 4
    bad = _post(
        iom, follow, {"followup": 999999, "mode": "visit", "re_trafficking_indicator": False}
    )
    assert bad.status_code == 400
    done = _post(
        iom,
        follow,
        {"followup": visits[0]["id"], "mode": "phone", "re_trafficking_indicator": True},
    )
    assert done.status_code == 201
    assert done.json()["re_trafficking_indicator"] is True
    case.refresh_from_db()
    assert case.at_risk
    # the shelter-like view of another agency has no return section: 404 (not shared with it)
    assert client_for(people["shelter"]).get(follow).status_code == 404


def test_permit_and_tracing_endpoints(
    clock: FrozenClock, people: dict[str, Any], make_user: Any
) -> None:
    caseworker = make_user("caseworker", "POL", name="pol-caseworker")
    officer = make_user("immigration_officer", "POL", name="pol-immigration")
    case = services.open_case(caseworker, profile_fields=dict(LABOUR_PROFILE), screening=SCREENED)
    url = f"/api/v1/cases/{case.pk}/permits/"
    applied = _post(caseworker, url, {"action": "apply", "permit_type": "cooperation"})
    assert applied.status_code == 201
    permit = applied.json()["id"]
    refused = _post(
        caseworker, url, {"action": "grant", "permit": permit, "valid_until": "2027-12-31"}
    )
    assert refused.status_code == 409
    assert refused.json()["refused"] == ["'grant' is done by: asylum_officer, immigration_officer"]
    granted = _post(
        officer, url, {"action": "grant", "permit": permit, "valid_until": "2027-12-31"}
    )
    assert granted.status_code == 201
    assert granted.json()["status"] == "granted"
    assert _post(officer, url, {"action": "renew", "permit": permit}).status_code == 400
    renewed = _post(
        officer, url, {"action": "renew", "permit": permit, "valid_until": "2028-12-31"}
    )
    assert renewed.json()["renewals"] == 1
    assert client_for(officer).get(url).json()["immigration_state"] == "permit_renewed"

    child = child_case(people["cpo"])
    tracing = f"/api/v1/cases/{child.pk}/tracing/"
    opened = _post(
        people["cpo"], tracing,
        {"sought": {"relation": "brother", "given_name": "Obinna"}, "family_contact_safe": True},
    )  # fmt: skip
    assert opened.status_code == 201
    assert opened.json()["state"] == "open"
    assert "Obinna" not in client_for(people["cpo"]).get(tracing).content.decode()
    # the immigration officer's view has no child section
    assert client_for(officer).get(f"/api/v1/cases/{case.pk}/tracing/").status_code == 403


def test_another_agencys_case_is_not_found_on_every_record_endpoint(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    from tiphub.web.audit.models import AuditEvent

    case = child_case(people["cpo"])
    stranger = people["stranger"]  # a caseworker of another agency, no referral
    for route in ("guardian", "best-interests", "risk-assessments", "return-plan", "permits",
                  "follow-ups", "tracing"):  # fmt: skip
        url = f"/api/v1/cases/{case.pk}/{route}/"
        assert client_for(stranger).get(url).status_code == 404, url
        assert _post(stranger, url, {}).status_code == 404, url
    assert (
        AuditEvent.objects.filter(
            action="access.denied", actor=stranger, object_id=str(case.pk)
        ).count()
        == 14
    )
