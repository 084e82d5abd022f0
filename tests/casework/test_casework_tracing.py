"""Family tracing through the service layer: the search reaches what the policy allows, names
only what the user may see, audits itself, and every move of the track keeps its rules
(consent, risk check, four eyes, assessment, BID, cross-border messages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from casework_support import SCREENED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiphub.web.audit.models import AuditEvent
from tiphub.web.casework import models as m
from tiphub.web.casework import services, tracing
from tiphub.web.casework.services import CaseworkError
from tiphub.workflow import ConsentScope, FrozenClock

#: invented names found nowhere else (canaries: they must never reach another agency's user)
MOTHER = {
    "given_name": "Fadumeyra",
    "family_name": "Okonkwo-Belloqui",
    "date_of_birth": "1989-04-02",
}
CHILD_PROFILE = {"age": 12, "presumed_child": True, "unaccompanied": True, "gender": "Feminine"}


def _child(cpo: Any) -> m.Case:
    return services.open_case(
        cpo, profile_fields=dict(CHILD_PROFILE), identity={"given_name": "Aminata"},
        screening=SCREENED,
    )  # fmt: skip


def _request(cpo: Any, case: m.Case, **kwargs: Any) -> m.TracingRequest:
    sought = {
        "relation": "mother",
        "given_name": "Fadumeira",
        "family_name": "Belloqui Okonkwo",
        "birth_year": "1989",
    }  # a typo, a hyphen lost, the names in another order
    services.record_consent(cpo, case, ConsentScope.TRACING, given_by="guardian")
    return services.open_tracing(
        cpo, case, sought=kwargs.pop("sought", sought),
        family_contact_safe=kwargs.pop("family_contact_safe", True), **kwargs,
    )  # fmt: skip


def _police_mother(police: Any, **identity: str) -> m.Case:
    return services.open_case(
        police, profile_fields={"age": 38, "gender": "Feminine"},
        identity={**MOTHER, **identity}, screening=SCREENED,
    )  # fmt: skip


def test_mother_held_by_another_agency_is_found_but_not_named(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo, police = people["cpo"], people["police"]
    child = _child(cpo)
    mother = _police_mother(police)
    services.open_case(police, profile_fields={"age": 40},
                       identity={"given_name": "Peter", "family_name": "Smith"},
                       screening=SCREENED)  # fmt: skip
    request = _request(cpo, child)

    found = tracing.search(cpo, request)
    request.refresh_from_db()
    assert request.state == "searching"
    assert [(f["key"], f["agency"], f["likelihood"]) for f in found] == [
        (f"case:{mother.pk}", "POL", "likely")
    ]
    assert found[0]["source"] == "case"
    # what the child protection officer is shown: the agency and the band, never the person
    shown = [s.to_dict() for s in tracing.shown_matches(cpo, request)]
    assert shown == [{
        "candidate": 0, "source": "case", "agency": "POL", "score": found[0]["score"],
        "likelihood": "likely", "visible": False, "proposed": False,
        "message": "A possible match held by agency POL; request contact through a referral.",
    }]  # fmt: skip
    stored = json.dumps(request.matches) + json.dumps(shown)
    for value in (*MOTHER.values(), "Fadumeira", mother.reference):
        assert value not in stored
    # the search is audited with counts only; the holding agency is alerted, no identity
    search = AuditEvent.objects.get(action="record.search", purpose="family tracing")
    assert search.details == {"tracing": request.pk, "candidates": 1, "withheld": 1,
                              "searched": {"case": 2}}  # fmt: skip
    alert = mother.alerts.get()
    assert f"agency CPS (request {request.pk})" in alert.message
    assert not any(v in alert.message for v in MOTHER.values())
    # the police, who hold the mother's case, see it named with the fields that agreed
    seen = tracing.shown_matches(police, request)[0]
    assert seen.visible
    assert seen.label == f"case {mother.reference} (POL)"
    levels = {f["field"]: f["level"] for f in seen.fields}
    assert levels["given_name"] == "transliteration"  # Fadumeira / Fadumeyra
    assert levels["family_name"] == "part"  # "Okonkwo-Belloqui" holds "Belloqui Okonkwo"
    assert levels["date_of_birth"] == "agrees_as_known"


def test_own_agency_candidate_is_named_with_what_agreed(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo = people["cpo"]
    child = _child(cpo)
    mother = services.open_case(
        cpo, profile_fields={"age": 38, "gender": "Feminine"},
        identity={"given_name": "Фадумейра", "family_name": "Окпнкво"}, screening=SCREENED,
    )  # fmt: skip
    request = _request(
        cpo, child, sought={"relation": "mother", "given_name": "Fadumeyra",
                            "family_name": "Okpnkvo", "sex": "F"},
    )  # fmt: skip
    tracing.search(cpo, request)
    [shown] = tracing.shown_matches(cpo, request)
    assert shown.visible
    assert shown.url == f"/casework/cases/{mother.pk}/"
    levels = {f["field"]: f["level"] for f in shown.fields}
    assert levels["given_name"] == "transliteration"  # Cyrillic against Latin letters
    assert shown.agreed == ["given_name", "family_name", "sex"]


def test_registry_records_of_the_agency_are_searched_and_reads_audited(
    clock: FrozenClock, people: dict[str, Any], tmp_path: Path
) -> None:
    from tiphub.web.registry.services import import_file

    cpo = people["cpo"]
    path = tmp_path / "cps.csv"
    path.write_text(
        "record_id,identification_date,given_name,family_name,date_of_birth,gender\n"
        "CPS-1,2026-05-01,Okonkwo,Fadumeyra,1989-04-02,Feminine\n"
        "CPS-2,2026-05-01,Maria,Popescu,1990-01-01,Feminine\n",
        encoding="utf-8",
    )
    import_file(path, "CPS")
    child = _child(cpo)
    request = _request(cpo, child)
    found = tracing.search(cpo, request)
    assert [f["source"] for f in found] == ["record"]
    assert found[0]["swapped_names"] is True  # given and family names recorded crosswise
    from tiphub.web.registry.models import VictimRecord

    reads = AuditEvent.objects.filter(action="record.read", purpose="family tracing")
    held = VictimRecord.objects.filter(agency__code="CPS")  # with the case's statistical record
    assert sorted(int(e.object_id) for e in reads) == sorted(held.values_list("pk", flat=True))


def test_a_person_who_refused_tracing_is_never_a_candidate(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo, police = people["cpo"], people["police"]
    mother = _police_mother(police)
    services.record_consent(police, mother, ConsentScope.TRACING, refused=True)
    request = _request(cpo, _child(cpo))
    assert tracing.search(cpo, request) == []
    assert not mother.alerts.exists()


def test_search_needs_consent_and_a_safe_risk_check(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo = people["cpo"]
    child = _child(cpo)
    request = services.open_tracing(
        cpo, child, sought={"relation": "father", "given_name": "Idris"}, family_contact_safe=False
    )
    with pytest.raises(CaseworkError) as refused:
        tracing.search(cpo, request)
    assert refused.value.reasons == (
        "no consent to tracing is recorded; the risk check found contacting the family unsafe",
    )
    assert not AuditEvent.objects.filter(action="record.search").exists()
    services.record_consent(cpo, child, ConsentScope.TRACING, given_by="guardian")
    tracing.record_risk_check(cpo, request, family_contact_safe=True)
    tracing.search(cpo, request)
    # a risk check revised while searching stops the next search
    tracing.record_risk_check(cpo, request, family_contact_safe=False)
    with pytest.raises(CaseworkError, match="unsafe"):
        tracing.search(cpo, request)


def test_four_eyes_verification_assessment_and_bid(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo, cpo2, police = people["cpo"], people["cpo2"], people["police"]
    _police_mother(police)
    child = _child(cpo)
    request = _request(cpo, child)
    tracing.search(cpo, request)
    chosen = tracing.propose_match(cpo, request, 0)
    assert request.proposed_match == chosen
    assert request.match_proposed_by == cpo
    with pytest.raises(CaseworkError, match="second user"):
        tracing.verify_match(cpo, request, method="documents")
    request.refresh_from_db()
    assert request.state == "potential_match"
    assert request.verified_by is None
    tracing.verify_match(cpo2, request, method="documents_and_interview")
    assert (request.state, request.verified_by) == ("verified", cpo2)
    with pytest.raises(CaseworkError, match="child's views are required"):
        tracing.assess_reunification(cpo2, request, both_sides_willing=True,
                                     reunification_safe=True)  # fmt: skip
    tracing.assess_reunification(
        cpo2, request, both_sides_willing=True, reunification_safe=True,
        childs_views="wants to see her mother", summary="mother in shelter, safe",
    )  # fmt: skip
    assert b"wants to see" not in bytes(request.assessment_ct)
    with pytest.raises(CaseworkError) as refused:
        tracing.decide(cpo2, request, "reunify")
    assert refused.value.reasons == (
        "a child is reunified only after a best-interests determination (BID) found local "
        "reunification in the child's best interests",
    )
    rejected = AuditEvent.objects.filter(action="case.transition", outcome="rejected")
    assert [e.details["transition"] for e in rejected] == ["verify", "reunify"]
    tracing.decide(cpo2, request, "not_in_best_interests", reason="BID pending for months")
    request.refresh_from_db()
    assert request.state == "not_in_best_interests"


def test_rejected_match_returns_to_searching(clock: FrozenClock, people: dict[str, Any]) -> None:
    cpo, cpo2, police = people["cpo"], people["cpo2"], people["police"]
    _police_mother(police)
    request = _request(cpo, _child(cpo))
    tracing.search(cpo, request)
    tracing.propose_match(cpo, request, 0)
    with pytest.raises(CaseworkError, match="reason must be recorded"):
        tracing.reject_match(cpo2, request, reason=" ")
    tracing.reject_match(cpo2, request, reason="the mother's age does not fit")
    assert (request.state, request.proposed_match) == ("searching", {})
    with pytest.raises(CaseworkError, match="no such candidate"):
        tracing.propose_match(cpo, request, 7)


def _reply(**changes: Any) -> dict[str, Any]:
    message = {
        "format": "tiphub.tracing-message", "version": 1, "message_id": "nga-1", "kind": "response",
        "from": {"country": "NGA", "agency": "Social Welfare"},
        "data_sharing_agreement": "DSA-NGA-3",
        "persons": [{"relation": "mother", "given_name": "Fadumeyra", "family_name": "Okonkwo"}],
    }  # fmt: skip
    message.update(changes)
    return message


def test_cross_border_messages_need_consent_and_the_agreement(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo = people["cpo"]
    child = _child(cpo)
    request = _request(cpo, child, cross_border=True, counterpart_country="NGA",
                       data_sharing_agreement="DSA-NGA-3")  # fmt: skip
    with pytest.raises(CaseworkError, match="consent to share across borders"):
        tracing.search(cpo, request)
    services.record_consent(cpo, child, ConsentScope.CROSS_BORDER, given_by="guardian")
    tracing.search(cpo, request)
    with pytest.raises(CaseworkError, match="name the counterpart agency"):
        tracing.send_message(cpo, request)
    outgoing = tracing.send_message(cpo, request, counterpart_agency="Social Welfare")
    body = tracing.message_document(cpo, outgoing)
    assert body["data_sharing_agreement"] == "DSA-NGA-3"
    assert body["to"]["country"] == "NGA"
    assert body["persons"][0]["given_name"] == "Fadumeira"
    assert b"Fadumeira" not in bytes(outgoing.body_ct)
    exports = AuditEvent.objects.filter(action="record.export", purpose="cross-border tracing")
    assert exports.count() == 2  # prepared, downloaded
    with pytest.raises(CaseworkError, match="another data-sharing agreement"):
        tracing.receive_message(cpo, request, _reply(data_sharing_agreement="DSA-OTHER"))
    tracing.receive_message(cpo, request, _reply(in_reply_to=outgoing.message_id))
    with pytest.raises(CaseworkError, match="already recorded"):
        tracing.receive_message(cpo, request, _reply())
    found = tracing.search(cpo, request)
    assert found[0]["source"] == "message"
    assert found[0]["agency"] == "Social Welfare"
    # consent to share across borders withdrawn: nothing more leaves the country
    consent = child.consents.get(scope=ConsentScope.CROSS_BORDER)
    services.withdraw_consent(cpo, consent)
    with pytest.raises(CaseworkError, match="consent to share across borders"):
        tracing.send_message(cpo, request, counterpart_agency="Social Welfare")


def test_a_malformed_message_is_refused_field_by_field() -> None:
    with pytest.raises(tracing.MessageError) as refused:
        tracing.parse_message(
            {"format": "x", "version": 2, "kind": "hello", "from": {"country": "NG"},
             "persons": [{"relation": "mother", "nickname": "Fa"}, 3]}
        )  # fmt: skip
    assert refused.value.reasons == (
        "format: must be 'tiphub.tracing-message'", "version: must be 1",
        "kind: must be 'request' or 'response'", "message_id: required", "from.agency: required",
        "data_sharing_agreement: required", "persons[1]: unknown fields nickname",
        "persons[1]: a given or family name is required", "persons[2]: must be an object",
        "from.country: an ISO 3166 alpha-3 code",
    )  # fmt: skip


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    document=_JSON
    | st.fixed_dictionaries(
        {"persons": _JSON, "from": _JSON},
        optional={"format": st.just("tiphub.tracing-message"), "version": st.just(1)},
    )
)
def test_parsing_any_json_either_works_or_says_why(document: Any) -> None:
    parsed: dict[str, Any] | None = None
    reasons: tuple[str, ...] = ()
    try:
        parsed = tracing.parse_message(document)
    except tracing.MessageError as error:  # any other exception fails the test
        reasons = error.reasons
    assert (parsed is None) == bool(reasons)
    assert all(isinstance(r, str) and r for r in reasons)
    assert parsed is None or parsed["persons"]
