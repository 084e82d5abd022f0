"""The tracing pages and endpoints through the Django test client: what blocks each move is
said before anyone tries, a refusal comes back with the workflow's words, another agency's
candidate is never named, and a stranger reaches nothing."""

from __future__ import annotations

from typing import Any

from casework_support import SCREENED, client_for
from django.test import Client

from tiphub.web.casework import models as m
from tiphub.web.casework import services
from tiphub.workflow import ConsentScope, FrozenClock

MOTHER = {"given_name": "Wendoline", "family_name": "Achterberg-Nnamdi"}  # invented canary


def _setup(people: dict[str, Any]) -> tuple[m.Case, m.Case]:
    cpo, police = people["cpo"], people["police"]
    child = services.open_case(
        cpo, profile_fields={"age": 11, "presumed_child": True, "unaccompanied": True},
        identity={"given_name": "Ifeoma"}, screening=SCREENED,
    )  # fmt: skip
    mother = services.open_case(
        police, profile_fields={"age": 36, "gender": "Feminine"},
        identity={**MOTHER, "date_of_birth": "1990-05-17"}, screening=SCREENED,
    )  # fmt: skip
    return child, mother


def test_tracing_pages_walk_to_a_refused_reunification(
    clock: FrozenClock, people: dict[str, Any]
) -> None:
    cpo, cpo2 = client_for(people["cpo"]), client_for(people["cpo2"])
    child, mother = _setup(people)
    opened = cpo.post(
        f"/casework/cases/{child.pk}/tracing/",
        {"form": "tracing", "tracing-relation": "mother", "tracing-given_name": "Wendolin",
         "tracing-family_name": "Achterberg", "tracing-date_of_birth": "1990",
         "tracing-family_contact_safe": "yes"},
    )  # fmt: skip
    request = child.tracing_requests.get()
    url = f"/casework/cases/{child.pk}/tracing/{request.pk}/"
    assert opened.headers["Location"] == url
    page = cpo.get(url).content.decode()
    assert "no consent to tracing is recorded" in page  # said before anyone tries
    assert 'id="search-form"' in page
    services.record_consent(people["cpo"], child, ConsentScope.TRACING, given_by="guardian")

    assert cpo.post(url, {"form": "search"}).status_code == 302
    page = cpo.get(url).content.decode()
    assert "A possible match held by agency POL; request contact through a referral." in page
    for value in (*MOTHER.values(), mother.reference):
        assert value not in page
    assert cpo.post(url, {"form": "propose", "tpropose-candidate": "0"}).status_code == 302
    request.refresh_from_db()
    assert request.state == "potential_match"

    # the same user cannot verify: refused in place, nothing stored
    refused = cpo.post(url, {"form": "verify", "tverify-method": "documents"})
    assert refused.status_code == 200
    assert (
        "verified by a second user, not the one who proposed the match" in refused.content.decode()
    )
    request.refresh_from_db()
    assert request.state == "potential_match"
    assert cpo2.post(url, {"form": "verify", "tverify-method": "documents"}).status_code == 302
    assessed = cpo2.post(
        url,
        {"form": "assess", "tassess-both_sides_willing": "on",
         "tassess-reunification_safe": "on", "tassess-childs_views": "misses her mother"},
    )  # fmt: skip
    assert assessed.status_code == 302
    page = cpo2.get(url).content.decode()
    bid_reason = (
        "a child is reunified only after a best-interests determination (BID) found local "
        "reunification in the child&#x27;s best interests"
    )
    assert 'data-blocked="reunify"' in page
    assert bid_reason in page
    refused = cpo2.post(url, {"form": "reunify"})
    assert bid_reason in refused.content.decode()
    request.refresh_from_db()
    assert request.state == "reunification_assessed"


def test_tracing_endpoints(clock: FrozenClock, people: dict[str, Any]) -> None:
    cpo, cpo2, police = (
        client_for(people["cpo"]),
        client_for(people["cpo2"]),
        client_for(people["police"]),
    )
    child, mother = _setup(people)
    base = f"/api/v1/cases/{child.pk}/tracing/"
    opened = cpo.post(
        base,
        {"sought": {"relation": "mother", "given_name": "Wendolin", "family_name": "Achterberg",
                    "date_of_birth": "1990-05"}, "family_contact_safe": True},
        content_type="application/json",
    )  # fmt: skip
    assert opened.status_code == 201
    url = f"{base}{opened.json()['id']}/"

    def act(client: Client, body: dict[str, Any]) -> Any:
        return client.post(url, body, content_type="application/json")

    refused = act(cpo, {"action": "search"})
    assert refused.status_code == 409
    assert refused.json() == {"refused": ["no consent to tracing is recorded"]}
    services.record_consent(people["cpo"], child, ConsentScope.TRACING, given_by="guardian")
    searched = act(cpo, {"action": "search"}).json()
    assert searched["state"] == "searching"
    [candidate] = searched["matches"]
    assert candidate["visible"] is False
    assert candidate["agency"] == "POL"
    assert "fields" not in candidate
    assert "label" not in candidate
    assert MOTHER["family_name"] not in str(searched)
    assert act(cpo, {"action": "propose_match"}).status_code == 400  # which candidate?
    assert act(cpo, {"action": "propose_match", "candidate": 0}).json()["proposed_match"] == 0
    assert act(cpo, {"action": "verify", "method": "interview"}).status_code == 409
    assert act(cpo2, {"action": "verify", "method": "interview"}).json()["state"] == "verified"
    assessed = act(
        cpo2, {"action": "assess_reunification", "both_sides_willing": True,
               "reunification_safe": True, "childs_views": "wants to go home"},
    )  # fmt: skip
    moves = assessed.json()["moves"]
    assert moves["reunify"] == [
        "a child is reunified only after a best-interests determination (BID) found local "
        "reunification in the child's best interests"
    ]
    assert act(cpo2, {"action": "reunify"}).status_code == 409
    # the police hold the mother's case: from their side, nothing of the child's request shows
    assert police.get(url).status_code == 404
    # the mother's case got an alert that names the requesting agency, never the child
    assert "agency CPS" in mother.alerts.get().message


def test_cross_border_message_endpoints(clock: FrozenClock, people: dict[str, Any]) -> None:
    cpo = client_for(people["cpo"])
    child, _ = _setup(people)
    for scope in (ConsentScope.TRACING, ConsentScope.CROSS_BORDER):
        services.record_consent(people["cpo"], child, scope, given_by="guardian")
    opened = cpo.post(
        f"/api/v1/cases/{child.pk}/tracing/",
        {"sought": {"relation": "father", "given_name": "Chidi", "family_name": "Obi"},
         "family_contact_safe": True, "cross_border": True, "counterpart_country": "NGA",
         "counterpart_agency": "Social Welfare", "data_sharing_agreement": "DSA-NGA-3"},
        content_type="application/json",
    ).json()  # fmt: skip
    url = f"/api/v1/cases/{child.pk}/tracing/{opened['id']}/"
    early = cpo.post(f"{url}messages/", {"direction": "outgoing"}, content_type="application/json")
    assert early.json() == {"refused": ["messages are sent while searching (the request is open)"]}
    cpo.post(url, {"action": "search"}, content_type="application/json")
    sent = cpo.post(f"{url}messages/", {"direction": "outgoing"}, content_type="application/json")
    assert sent.status_code == 201
    document = sent.json()["document"]
    assert document["to"] == {"country": "NGA", "agency": "Social Welfare"}
    assert document["persons"] == [{"relation": "father", "given_name": "Chidi",
                                    "family_name": "Obi"}]  # fmt: skip
    bad = cpo.post(f"{url}messages/", {"direction": "incoming", "document": {"format": "x"}},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 409
    assert "format: must be 'tiphub.tracing-message'" in bad.json()["refused"]
    listed = cpo.get(f"{url}messages/").json()
    assert [(m["direction"], m["persons"]) for m in listed] == [("outgoing", 1)]
    page = f"/casework/cases/{child.pk}/tracing/{opened['id']}/"
    download = cpo.get(f"{page}messages/{listed[0]['id']}/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.json()["message_id"] == document["message_id"]
