"""The casework pages and API through the Django test client (policy, scoped view, refusals)."""

from __future__ import annotations

from typing import Any

from casework_support import CANARY_GIVEN, CANARY_NARRATIVE, client_for
from django.test import Client

from tiphub.web.casework import models as m
from tiphub.workflow import FrozenClock


def _screen(client: Client) -> m.Case:
    response = client.post(
        "/casework/cases/new/",
        {
            "indicators": ["deceptive_recruitment", "withheld_wages"],
            "urgent_needs": ["accommodation"],
            "gender": "Masculine",
            "age": "34",
            "citizenship": "mda",
            "exploitation_types": "ForcedLabour",
            "given_name": CANARY_GIVEN,
            "narrative": CANARY_NARRATIVE,
        },
    )
    assert response.status_code == 302
    case = m.Case.objects.get()
    assert response["Location"] == f"/casework/cases/{case.pk}/"
    return case


def test_screening_to_referral_to_decision_through_the_pages(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    police = client_for(people["police"])
    case = _screen(police)
    assert (case.identification_state, case.citizenship) == ("presumed_victim", "MDA")

    page = police.get(f"/casework/cases/{case.pk}/").content.decode()
    assert CANARY_GIVEN in page
    assert CANARY_NARRATIVE in page
    assert 'data-move="identification.refer"' not in page  # blocked: no consent yet
    assert "only with their informed consent" in page  # ... and the page says why

    for scope in ("refer_to_nrm", "share_with_agency:ATU"):
        police.post(f"/casework/cases/{case.pk}/consent/", {"scope": scope, "given_by": "person"})
    response = police.post(
        f"/casework/cases/{case.pk}/refer/",
        {"to_agency": "ATU", "purpose": "nrm_decision", "kind": "referral"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.identification_state == "referred"

    authority = client_for(people["authority"])
    inbox = authority.get("/casework/referrals/").content.decode()
    referral = case.referrals.get()
    assert f'data-referral="{referral.pk}"' in inbox
    authority.post(f"/casework/referrals/{referral.pk}/respond/", {"name": "accept"})
    referral.refresh_from_db()
    assert referral.status == "accepted"

    page = authority.get(f"/casework/cases/{case.pk}/").content.decode()
    assert 'data-move="identification.rg_positive"' in page
    assert CANARY_NARRATIVE in page  # the NRM decision view includes the account
    response = authority.post(
        f"/casework/cases/{case.pk}/transition/",
        {
            "track": "identification",
            "name": "rg_positive",
            "reason": "credible account",
            "standard_applied": "reasonable grounds to believe",
            "authority": "ATU",
            "evidence": "screening, interview-1",
        },
        follow=True,
    )
    case.refresh_from_db()
    assert case.identification_state == "rg_positive"
    assert "Done: rg_positive" in response.content.decode()
    # a refused transition is shown with its reason
    response = authority.post(
        f"/casework/cases/{case.pk}/transition/",
        {"track": "identification", "name": "cg_positive", "reason": "x",
         "standard_applied": "balance of probabilities"},
        follow=True,
    )  # fmt: skip
    assert "Refused: a conclusive-grounds decision is not made before" in response.content.decode()


def test_tasks_page_shows_the_rg_deadline_to_the_competent_authority(
    clock: FrozenClock, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    from tiphub.web.casework import services
    from tiphub.workflow import ConsentScope

    case = _screen(client_for(people["police"]))
    services.record_consent(people["police"], case, ConsentScope.REFER_TO_NRM)
    services.record_consent(people["police"], case, ConsentScope.share_with("ATU"))
    services.refer(people["police"], case, agencies["ATU"], "nrm_decision")
    clock.advance(days=8)
    services.sweep()
    page = client_for(people["authority"]).get("/casework/").content.decode()
    assert "Reasonable-grounds decision due" in page
    assert "overdue" in page
    api = client_for(people["authority"]).get("/api/v1/casework/tasks/").json()
    assert any(t["rule_id"] == "T1" and t["status"] == "overdue" for t in api["tasks"])
    # the first responder's own tasks do not include the authority's decision
    mine = client_for(people["police"]).get("/api/v1/casework/tasks/").json()
    assert all(t["rule_id"] != "T1" for t in mine["tasks"])


def test_api_scoped_view_and_refusals(
    clock: FrozenClock, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    from tiphub.web.casework import services
    from tiphub.workflow import ConsentScope

    case = _screen(client_for(people["police"]))
    services.record_consent(people["police"], case, ConsentScope.share_with("SHE"))
    services.refer(people["police"], case, agencies["SHE"], "shelter")

    shelter = client_for(people["shelter"])
    listed = shelter.get("/api/v1/cases/").json()
    assert [c["reference"] for c in listed] == [case.reference]
    body = shelter.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["sections"] == ["identity", "profile", "support"]
    assert "narrative" not in body
    assert "timeline" not in body
    assert CANARY_NARRATIVE not in str(body)
    assert body["tracks"] == {"support": "open"}

    moves = shelter.get(f"/api/v1/cases/{case.pk}/transitions/").json()
    assert set(moves) == {"support"}
    refused = shelter.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"track": "identification", "name": "refer"},
        content_type="application/json",
    )
    assert refused.status_code == 403  # the identification track is not in the shelter's view
    wrong_role = shelter.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"track": "support", "name": "approve_plan"},
        content_type="application/json",
    )
    assert wrong_role.status_code == 409
    assert wrong_role.json()["refused"] == [
        "'approve_plan' is not possible from 'open' on the support track",
        "'approve_plan' is done by: supervisor",
    ]
    done = shelter.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"track": "support", "name": "assess_needs"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["tracks"]["support"] == "needs_assessed"

    stranger = client_for(people["stranger"])
    assert stranger.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert stranger.get("/api/v1/cases/").json() == []
    statistician_free = client_for(people["panel"]).get("/api/v1/referrals/")
    assert statistician_free.status_code == 403
