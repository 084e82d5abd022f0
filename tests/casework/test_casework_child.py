"""Worked case: an unaccompanied child - guardian with timer, BIA, BID panel, family tracing
with a second verifier, and cross-border reunification."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from casework_support import CHILD, SCREENED

from tiphub.web.casework import models as m
from tiphub.web.casework import services, tracing
from tiphub.web.casework.services import CaseworkError
from tiphub.workflow import ConsentScope, FrozenClock

CHILD_PROFILE = CHILD


def test_unaccompanied_child_guardian_bid_and_reunification(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo, cpo2, panel = people["cpo"], people["cpo2"], people["panel"]
    case = services.open_case(
        cpo,
        profile_fields=dict(CHILD_PROFILE),
        identity={"given_name": "Adaeze", "date_of_birth": "2011-08-02"},
        screening=SCREENED,
    )
    # child track open, guardian requested automatically, the guardian timer runs
    assert case.child_state == "guardian_requested"
    assert case.guardians.get().appointed_at is None
    clock.advance(days=4)
    services.refresh_tasks(case)
    t7 = case.tasks.get(rule_id="T7")
    assert (t7.status, t7.roles) == ("overdue", ["child_protection_officer"])
    assert t7 in list(services_tasks(cpo))

    # an organisation guardian without a named person is refused (and nothing is stored)
    with pytest.raises(CaseworkError) as refused:
        services.appoint_guardian(
            cpo, case, guardian={"organisation": "Guardians Trust"}, authority="Family court",
            is_organisation=True, conflict_checked=True,
        )  # fmt: skip
    assert refused.value.reasons == (
        "an organisation appointed as guardian must name a natural person",
    )
    assert case.guardians.get().appointed_at is None
    services.appoint_guardian(
        cpo, case, guardian={"organisation": "Guardians Trust", "person": "R. Example"},
        authority="Family court", is_organisation=True, named_person=True, conflict_checked=True,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.child_state == "guardian_appointed"
    assert not case.tasks.filter(rule_id="T7", open=True).exists()

    # BIA with the child's views, then the BID panel
    services.record_best_interests(
        cpo, case, "BIA", childs_views_recorded=True, childs_views="wants to see her mother",
        recommendation="trace family; assess reunification",
    )  # fmt: skip
    services.apply_transition(cpo, case, "child", "require_bid")
    with pytest.raises(CaseworkError, match="below the quorum"):
        services.record_best_interests(
            panel, case, "BID", childs_views_recorded=True, guardian_consulted=True,
            panel_members=[{"user": panel.pk, "role": "bid_panel_member"}],
            solutions_in_best_interests=["cross_border_reunification"],
            review_date=date(2027, 9, 1),
        )  # fmt: skip
    services.record_best_interests(
        panel, case, "BID", childs_views_recorded=True, guardian_consulted=True,
        panel_members=[{"user": panel.pk, "role": "chair"}, {"role": "social worker"},
                       {"role": "psychologist"}],
        solutions_in_best_interests=["cross_border_reunification"],
        dissent="one member preferred foster care first", review_date=date(2027, 9, 1),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.child_state == "bid_decided"

    # tracing: consent by the guardian, risk check, agreement, a second user verifies
    services.record_consent(cpo, case, ConsentScope.TRACING, given_by="guardian")
    request = services.open_tracing(
        cpo, case, sought={"relation": "mother", "given_name": "Ngozi"}, cross_border=True,
        counterpart_country="NGA", family_contact_safe=True,
    )  # fmt: skip
    with pytest.raises(CaseworkError) as blocked:
        tracing.search(cpo, request)
    assert "cross-border tracing needs a data-sharing agreement on file" in blocked.value.reasons[0]
    m.TracingRequest.objects.filter(pk=request.pk).update(data_sharing_agreement="DSA-NGA-3")
    services.record_consent(cpo, case, ConsentScope.CROSS_BORDER, given_by="guardian")
    request.refresh_from_db()
    tracing.search(cpo, request)
    # the search goes abroad as a structured message; the counterpart answers with the mother
    outgoing = tracing.send_message(cpo, request, counterpart_agency="Social Welfare, Lagos")
    tracing.receive_message(cpo, request, {
        "format": "tiphub.tracing-message", "version": 1, "message_id": "ng-sw-0042",
        "kind": "response", "in_reply_to": outgoing.message_id,
        "from": {"country": "NGA", "agency": "Social Welfare, Lagos"},
        "data_sharing_agreement": "DSA-NGA-3",
        "persons": [{"relation": "mother", "given_name": "Ngozi", "family_name": "Eze",
                     "birth_year": "1984"}],
    })  # fmt: skip
    found = tracing.search(cpo, request)
    assert found[0]["source"] == "message"
    assert found[0]["likelihood"] == "likely"
    tracing.propose_match(cpo, request, 0)
    with pytest.raises(CaseworkError, match="second user"):
        tracing.verify_match(cpo, request, method="documents")
    tracing.verify_match(cpo2, request, method="documents_and_interview")
    tracing.assess_reunification(
        cpo2, request, both_sides_willing=True, reunification_safe=True,
        childs_views="wants to live with her mother again",
    )  # fmt: skip
    tracing.decide(cpo2, request, "reunify")
    request.refresh_from_db()
    assert request.state == "reunified"

    services.apply_transition(
        cpo, case, "child", "implement_solution", solution="cross_border_reunification"
    )
    case.refresh_from_db()
    assert case.child_state == "solution_in_implementation"
    # the BID's review date is a task for the child protection officer
    clock.set(clock.now() + timedelta(days=170))
    services.refresh_tasks(case)
    assert case.tasks.get(rule_id="T8R").status == "due_soon"


def services_tasks(user: Any) -> Any:
    from tiphub.web.casework import access

    return access.tasks_for(user)


def test_age_out_on_the_eighteenth_birthday(clock: FrozenClock, people: dict[str, Any]) -> None:
    case = services.open_case(
        people["cpo"],
        profile_fields={"age": 17, "presumed_child": True, "gender": "Masculine"},
        identity={"date_of_birth": "2009-03-20"},
        screening=SCREENED,
    )
    assert case.child_state == "identified_child"
    services.sweep()
    case.refresh_from_db()
    assert case.child_state == "identified_child"
    clock.advance(days=19)
    services.sweep()
    case.refresh_from_db()
    assert case.child_state == "aged_out"
    assert case.transitions.filter(track="child", transition="age_out", actor=None).exists()
