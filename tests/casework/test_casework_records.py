"""The record pages of a case (guardian, BIA, BID, return risk and plan, permits, follow-up,
tracing) through the Django test client: allowed, refused with the workflow's reason (and
nothing stored), another agency's case not found, a role without the section refused."""

from __future__ import annotations

from datetime import timedelta
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

from tiphub.web.audit.models import AuditEvent
from tiphub.web.casework import models as m
from tiphub.web.casework import services
from tiphub.workflow import ConsentScope, FrozenClock


def test_guardian_page_shows_the_timer_refuses_with_the_reason_then_appoints(
    clock: FrozenClock, people: dict[str, Any], make_user: Any
) -> None:
    cpo = people["cpo"]
    case = child_case(cpo)
    url = f"/casework/cases/{case.pk}/guardian/"
    clock.advance(days=4)
    services.refresh_tasks(case)
    page = client_for(cpo).get(url).content.decode()
    assert 'data-rule="T7"' in page
    assert "overdue" in page
    assert 'id="guardian-form"' in page
    assert "data-blocked" not in page

    # an organisation without a named person: refused with the workflow's words, kept typed
    refused = client_for(cpo).post(
        url,
        {"form": "guardian", "guardian-is_organisation": "yes",
         "guardian-organisation": "Guardians Trust", "guardian-authority": "Family court",
         "guardian-conflict_checked": "on"},
    )  # fmt: skip
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "an organisation appointed as guardian must name a natural person" in html
    assert 'value="Guardians Trust"' in html
    assert case.guardians.get().appointed_at is None
    assert AuditEvent.objects.filter(action="case.transition", outcome="rejected").exists()

    # the same refusal through htmx comes back as the page fragment only
    fragment = client_for(cpo).post(
        url, {"form": "guardian", "guardian-is_organisation": "no"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert b"the appointing authority is not recorded" in fragment.content

    done = client_for(cpo).post(
        url,
        {"form": "guardian", "guardian-is_organisation": "no", "guardian-person": GUARDIAN,
         "guardian-authority": "Family court", "guardian-conflict_checked": "on"},
    )  # fmt: skip
    assert done.status_code == 302
    assert done["Location"] == url
    case.refresh_from_db()
    assert case.child_state == "guardian_appointed"
    assert not case.tasks.filter(rule_id="T7", open=True).exists()
    page = client_for(cpo).get(url).content.decode()
    assert GUARDIAN in page  # sealed at rest, shown to an identifying profile
    assert AuditEvent.objects.filter(action="record.read", fields=["guardian"]).exists()
    htmx_done = client_for(cpo).post(url, {"form": "guardian"}, HTTP_HX_REQUEST="true")
    assert b"guardian_appointed" in htmx_done.content  # no second appointment: refused
    assert b"is not possible from" in htmx_done.content or b"no guardian" in htmx_done.content

    # a caseworker of the agency sees why it is not theirs to do before typing anything
    caseworker = make_user("caseworker", "CPS", name="cps-caseworker")
    fresh = child_case(cpo)
    page = client_for(caseworker).get(f"/casework/cases/{fresh.pk}/guardian/").content.decode()
    assert "&#x27;appoint_guardian&#x27; is done by: child_protection_officer" in page


def test_record_pages_are_scoped_by_agency_role_and_section(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    case = child_case(people["cpo"])
    for name in ("guardian", "bia", "bid", "tracing", "return/risk", "return/plan",
                 "return/follow-up", "permits"):  # fmt: skip
        url = f"/casework/cases/{case.pk}/{name}/"
        assert client_for(people["cpo"]).get(url).status_code == 200, url
        assert client_for(people["stranger"]).get(url).status_code == 404, url  # another agency
        expected = 200 if name in {"bia", "bid"} else 403  # the panel sees the child track only
        assert client_for(people["panel"]).get(url).status_code == expected, url
    assert AuditEvent.objects.filter(
        action="access.denied", object_id=str(case.pk), actor=people["stranger"]
    ).exists()
    # links on the case page: only the pages this user may open
    page = client_for(people["panel"]).get(f"/casework/cases/{case.pk}/").content.decode()
    assert f"/casework/cases/{case.pk}/bid/" in page
    assert f"/casework/cases/{case.pk}/guardian/" not in page


def test_bia_needs_the_childs_views_and_bid_needs_a_quorum(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo, panel = people["cpo"], people["panel"]
    case = appointed_child(cpo)
    url = f"/casework/cases/{case.pk}/bia/"
    missing = client_for(cpo).post(url, {"form": "bia", "bia-recommendation": "trace family"})
    assert missing.status_code == 200
    assert b"This field is required." in missing.content
    assert not case.best_interests.exists()
    done = client_for(cpo).post(
        url,
        {"form": "bia", "bia-childs_views": "wants to see her mother",
         "bia-options_considered": ["local_integration", "cross_border_reunification"]},
    )  # fmt: skip
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.child_state == "bia_done"
    services.apply_transition(cpo, case, "child", "require_bid")

    url = f"/casework/cases/{case.pk}/bid/"
    page = client_for(panel).get(url).content.decode()
    assert "quorum 3 members" in page
    assert f'value="{panel.pk}"' in page
    refused = client_for(panel).post(
        url,
        {"form": "bid", "bid-panel_users": [str(panel.pk)], "bid-childs_views": "agrees",
         "bid-solutions_in_best_interests": ["cross_border_reunification"]},
    )  # fmt: skip
    html = refused.content.decode()
    assert "the panel had 1 member(s), below the quorum of 3" in html
    assert "the guardian was not present or consulted" in html
    assert "no review date is set" in html
    assert not case.best_interests.filter(kind="BID").exists()
    done = client_for(panel).post(
        url,
        {"form": "bid", "bid-panel_users": [str(panel.pk)],
         "bid-other_members": "social worker\npsychologist\n", "bid-guardian_consulted": "on",
         "bid-childs_views": "agrees", "bid-solutions_in_best_interests":
         ["cross_border_reunification"], "bid-dissent": "one member preferred foster care",
         "bid-review_date": "2027-09-01"},
    )  # fmt: skip
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.child_state == "bid_decided"
    bid = case.best_interests.get(kind="BID")
    assert bid.panel_members == [
        {"user": panel.pk, "role": "bid_panel_member"},
        {"role": "social worker"},
        {"role": "psychologist"},
    ]
    assert str(bid.review_date) == "2027-09-01"


def test_tracing_request_is_opened_with_the_sought_person_sealed(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo = people["cpo"]
    case = child_case(cpo)
    url = f"/casework/cases/{case.pk}/tracing/"
    response = client_for(cpo).post(
        url,
        {"form": "tracing", "tracing-relation": "mother", "tracing-given_name": "Ngozi",
         "tracing-birth_year": "1985", "tracing-cross_border": "on",
         "tracing-counterpart_country": "nga"},
    )  # fmt: skip
    assert response.status_code == 302
    tracing = case.tracing_requests.get()
    assert (tracing.state, tracing.counterpart_country, tracing.family_contact_safe) == (
        "open", "NGA", None,
    )  # fmt: skip
    assert b"Ngozi" not in bytes(tracing.sought_ct)
    page = client_for(cpo).get(url).content.decode()
    assert "risk check due" in page
    assert "Ngozi" not in page


def test_return_risk_plan_and_follow_up_pages(
    clock: FrozenClock, people: dict[str, Any], agencies: dict[str, Any], make_user: Any
) -> None:
    caseworker = make_user("caseworker", "POL", name="pol-caseworker")
    case = identified_adult(people, agencies, caseworker)
    iom = client_for(people["iom"])  # the return partner, through its referral's return view
    services.apply_transition(caseworker, case, "return", "request", person_requested=True)

    risk = f"/casework/cases/{case.pk}/return/risk/"
    form = {"form": "risk", "risk-destination": "mda", "risk-risk_re_trafficking": "low",
            "risk-result": "safe", "risk-then": "clear"}  # fmt: skip
    refused = iom.post(risk, form).content.decode()
    assert "does not cover the risk of refoulement" in refused
    case.refresh_from_db()
    assert (case.return_state, case.risk_assessments.count()) == ("requested", 0)
    assert iom.post(risk, {**form, "risk-risk_refoulement": "none"}).status_code == 302
    case.refresh_from_db()
    assert case.return_state == "cleared"
    assert case.risk_assessments.get().risks == {"re_trafficking": "low", "refoulement": "none"}

    plan = f"/casework/cases/{case.pk}/return/plan/"
    page = iom.get(plan).content.decode()
    assert "recovery and reflection period runs until" in page  # the block, before trying
    form = {"form": "plan", "plan-voluntary": "on", "plan-receiving_agency": "Partner NGO",
            "plan-cross_border_consent": "on", "plan-plan_now": "on"}  # fmt: skip
    refused = iom.post(plan, form).content.decode()
    assert "Refused, nothing was stored" in refused
    assert "recovery and reflection period runs until" in refused
    assert not m.ReturnPlan.objects.filter(case=case).exists()
    assert case.alerts.filter(message__startswith="a return was attempted while blocked").exists()

    clock.advance(days=31)
    services.apply_transition(
        people["authority"], case, "identification", "cg_positive", decision=decision("CG")
    )
    assert iom.post(plan, form).status_code == 302
    case.refresh_from_db()
    assert case.return_state == "planned"
    assert case.return_plan.receiving_agency == "Partner NGO"
    services.apply_transition(people["iom"], case, "return", "depart")
    services.apply_transition(people["iom"], case, "return", "reintegrate")

    follow = f"/casework/cases/{case.pk}/return/follow-up/"
    first = case.followups.order_by("scheduled_for").first()
    assert first is not None
    response = iom.post(
        follow,
        {"form": "followup", "followup-followup": str(first.pk), "followup-mode": "visit",
         "followup-wellbeing": "2", "followup-re_trafficking_indicator": "on"},
        follow=True,
    )  # fmt: skip
    assert "the case is flagged at risk (urgent alert)" in response.content.decode()
    case.refresh_from_db()
    first.refresh_from_db()
    assert case.at_risk
    assert first.re_trafficking_indicator
    assert first.done_at is not None
    assert case.alerts.filter(severity="urgent").exists()


def test_permits_apply_decide_renew_by_the_right_roles(
    clock: FrozenClock, people: dict[str, Any], make_user: Any
) -> None:
    caseworker = make_user("caseworker", "POL", name="pol-caseworker")
    officer = make_user("immigration_officer", "POL", name="pol-immigration")
    case = services.open_case(caseworker, profile_fields=dict(LABOUR_PROFILE), screening=SCREENED)
    url = f"/casework/cases/{case.pk}/permits/"
    assert 'id="decide-form"' not in client_for(caseworker).get(url).content.decode()
    response = client_for(caseworker).post(
        url, {"form": "apply", "apply-permit_type": "personal_situation"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.immigration_state == "permit_personal"
    permit = case.permits.get()

    # the caseworker may not decide: the workflow says who does
    refused = client_for(caseworker).post(
        url, {"form": "decide", "decide-permit": str(permit.pk), "decide-granted": "yes",
              "decide-valid_until": "2028-03-01"},
    ).content.decode()  # fmt: skip
    assert "&#x27;grant&#x27; is done by: asylum_officer, immigration_officer" in refused
    permit.refresh_from_db()
    assert permit.status == "applied"

    officer_page = client_for(officer).get(url).content.decode()
    assert 'id="decide-form"' in officer_page
    assert 'id="apply-form"' not in officer_page
    no_dates = (
        client_for(officer)
        .post(url, {"form": "decide", "decide-permit": str(permit.pk), "decide-granted": "yes"})
        .content.decode()
    )
    assert "a granted permit needs its validity" in no_dates
    granted = client_for(officer).post(
        url, {"form": "decide", "decide-permit": str(permit.pk), "decide-granted": "yes",
              "decide-valid_from": "2027-03-01", "decide-valid_until": "2027-04-01"},
    )  # fmt: skip
    assert granted.status_code == 302
    reminder = case.tasks.get(rule_id="T11", open=True)  # expires within 60 days
    assert (reminder.status, reminder.key) == ("due_soon", f"{permit.pk}:2027-04-01")
    assert 'data-rule="T11"' in client_for(officer).get(url).content.decode()
    not_later = (
        client_for(officer)
        .post(
            url,
            {"form": "renew", "renew-permit": str(permit.pk), "renew-valid_until": "2027-03-15"},
        )
        .content.decode()
    )
    assert "a renewal runs beyond the current expiry (2027-04-01)" in not_later
    renewed = client_for(officer).post(
        url, {"form": "renew", "renew-permit": str(permit.pk), "renew-valid_until": "2028-03-01"}
    )
    assert renewed.status_code == 302
    case.refresh_from_db()
    permit.refresh_from_db()
    assert (case.immigration_state, permit.renewals, str(permit.valid_until)) == (
        "permit_renewed", 1, "2028-03-01",
    )  # fmt: skip
    assert not case.tasks.filter(rule_id="T11", open=True).exists()  # next reminder: later
    clock.set(clock.now() + timedelta(days=320))
    services.sweep()
    assert case.tasks.get(rule_id="T11", open=True).key == f"{permit.pk}:2028-03-01"


def test_new_roles_guardian_asylum_officer_legal_representative(
    clock: FrozenClock, people: dict[str, Any], make_user: Any
) -> None:
    from tiphub.web.casework import access

    guardian = make_user("guardian", "CPS", name="cps-guardian")
    child = child_case(people["cpo"])
    adult = services.open_case(
        people["cpo"], profile_fields=dict(LABOUR_PROFILE), screening=SCREENED
    )
    # the guardian reaches children's cases only, without the account of exploitation
    assert set(access.visible_cases(guardian)) == {child}
    assert client_for(guardian).get(f"/casework/cases/{adult.pk}/").status_code == 404
    view = access.open_case(guardian, child.pk)
    assert view.shows("child")
    assert view.shows("consents")
    assert not view.shows("narrative")
    assert client_for(guardian).get(f"/casework/cases/{child.pk}/child/").status_code == 200
    services.record_consent(guardian, child, ConsentScope.TRACING, given_by="guardian")

    lawyer = make_user("legal_representative", "POL", name="pol-lawyer")
    asylum = make_user("asylum_officer", "POL", name="pol-asylum")
    case = services.open_case(
        people["police"], profile_fields=dict(LABOUR_PROFILE), screening=SCREENED,
        narrative="account",
    )  # fmt: skip
    assert access.open_case(lawyer, case.pk).shows("narrative")
    assert not access.open_case(asylum, case.pk).shows("narrative")
    assert client_for(asylum).get(f"/casework/cases/{case.pk}/child/").status_code == 403
    permits = f"/casework/cases/{case.pk}/permits/"
    applied = client_for(lawyer).post(permits, {"form": "apply", "apply-permit_type": "asylum"})
    assert applied.status_code == 302
    permit = case.permits.get()
    refused = (
        client_for(asylum)
        .post(permits, {"form": "decide", "decide-permit": str(permit.pk), "decide-granted": "no"})
        .content.decode()
    )
    assert "a reason must be recorded" in refused
    client_for(asylum).post(
        permits, {"form": "decide", "decide-permit": str(permit.pk), "decide-granted": "no",
                  "decide-reason": "no well-founded fear established"},
    )  # fmt: skip
    case.refresh_from_db()
    assert case.immigration_state == "refused"
    assert case.transitions.filter(track="immigration", transition="refuse").exists()


def test_record_pages_speak_french_and_spanish(clock: FrozenClock, people: dict[str, Any]) -> None:
    case = child_case(people["cpo"])
    client = client_for(people["cpo"])
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = client.get(f"/casework/cases/{case.pk}/guardian/").content.decode()
    assert "Désigner le tuteur" in page
    assert "Mes tâches" in page  # the menu entry of the casework app
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = client.get(f"/casework/cases/{case.pk}/bia/").content.decode()
    assert "Evaluación del interés superior (EIS)" in page
