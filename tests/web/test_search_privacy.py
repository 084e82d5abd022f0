"""No identity in a web address (privacy-requirements A6.6): identity searches are POSTed.

Pages: the search form POSTs (CSRF-checked) to `/records/search/`, the search is kept in the
session as blind-index tokens, and results paginate at `/records/?search=<token>`, a token that
only its own session can use and that expires. API: `POST /api/v1/records/search/` (JSON body,
page in the body); identity parameters in any query string are refused with a 400. Every search
is audited as `record.search` with the kinds of term, never the terms.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tiphub.web.pages import searches
from tiphub.web.pages.views import records as record_views

from .support import (
    CANARY_DOCUMENT,
    CANARY_FAMILY,
    CANARY_GIVEN,
    GOOD_ROWS,
    OWN,
    client_for,
    write_intake,
)

SEARCH_API = "/api/v1/records/search/"


def _events(action: str) -> list[Any]:
    from tiphub.web.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _forms(value: str) -> list[str]:
    raw = value.encode("utf-8")
    return [value, value.lower(), base64.b64encode(raw).decode(), raw.hex()]


@pytest.fixture
def namesakes(role_users: dict[str, Any], tmp_path: Path) -> list[str]:
    """POL records: the canary (W-1) and two more people of the same family name."""
    from tiphub.web.registry.services import import_file

    rows = [
        *GOOD_ROWS,
        {**GOOD_ROWS[1], "record_id": "W-4", "given_name": "Ilse", "family_name": CANARY_FAMILY},
        {**GOOD_ROWS[1], "record_id": "W-5", "given_name": "Oren", "family_name": CANARY_FAMILY},
    ]
    assert import_file(write_intake(tmp_path / "pol.csv", rows), OWN, "cli:test").ok
    return ["W-1", "W-4", "W-5"]


def test_the_page_search_posts_and_the_address_holds_only_a_token(
    role_users: dict[str, Any], namesakes: list[str]
) -> None:
    client = client_for(role_users["caseworker"])
    response = client.post("/records/search/", {"family_name": CANARY_FAMILY})
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith("/records/?search=")
    assert CANARY_FAMILY.lower() not in location.lower()
    page = client.get(location).content.decode()
    for record_id in namesakes:
        assert record_id in page
    assert 'id="search-summary"' in page
    assert "family_name" in page
    event = _events("record.search")[-1]
    assert event.details == {"via": "page", "terms": ["family_name"], "page": 1}
    assert CANARY_FAMILY not in json.dumps(event.details)


def test_htmx_gets_the_results_at_once_and_the_token_address_to_push(
    role_users: dict[str, Any], namesakes: list[str]
) -> None:
    client = client_for(role_users["caseworker"])
    response = client.post(
        "/records/search/",
        {"name": f"{CANARY_GIVEN} {CANARY_FAMILY}", "date_of_birth": "2001-03-09"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"].startswith("/records/?search=")
    body = response.content.decode()
    assert "W-1" in body
    assert "W-4" not in body
    assert "<html" not in body  # the results block only
    assert _events("record.search")[-1].details["terms"] == ["name", "date_of_birth"]


def test_results_paginate_by_token_and_each_page_is_audited(
    role_users: dict[str, Any], namesakes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_views, "PAGE_SIZE", 2)
    client = client_for(role_users["caseworker"])
    location = client.post("/records/search/", {"family_name": CANARY_FAMILY})["Location"]
    first = client.get(location).content.decode()
    token = location.split("search=", 1)[1]
    assert f'href="?search={token}&amp;page=2"' in first
    second = client.get(f"/records/?search={token}&page=2").content.decode()
    assert "W-5" in second
    assert "W-1" not in second
    assert [e.details["page"] for e in _events("record.search")] == [1, 2]


def test_a_search_token_works_only_in_its_own_session_and_expires(
    role_users: dict[str, Any], namesakes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = client_for(role_users["caseworker"])
    location = owner.post("/records/search/", {"family_name": CANARY_FAMILY})["Location"]
    for stranger in (client_for(role_users["caseworker"]), client_for(role_users["supervisor"])):
        page = stranger.get(location).content.decode()
        assert 'id="search-expired"' in page
        assert "W-1" not in page
    start = searches.now()
    monkeypatch.setattr(searches, "now", lambda: start + searches.SEARCH_LIFETIME_SECONDS + 1)
    page = owner.get(location).content.decode()
    assert 'id="search-expired"' in page
    assert "W-1" not in page


def test_the_session_keeps_blind_index_tokens_never_the_typed_terms(
    role_users: dict[str, Any], namesakes: list[str]
) -> None:
    from django.contrib.sessions.models import Session

    client = client_for(role_users["caseworker"])
    client.post(
        "/records/search/",
        {"name": f"{CANARY_GIVEN} {CANARY_FAMILY}", "document_number": CANARY_DOCUMENT},
    )
    row = Session.objects.get(session_key=client.session.session_key)
    stored = json.dumps(row.get_decoded()[searches.SESSION_KEY]) + row.session_data
    assert "bi_full_name" in stored  # the search is there, as keyed tokens
    for canary in (CANARY_GIVEN, CANARY_FAMILY, CANARY_DOCUMENT):
        assert not any(form in stored for form in _forms(canary)), canary


def test_the_search_form_needs_a_term_and_the_csrf_token(
    role_users: dict[str, Any], namesakes: list[str]
) -> None:
    client = client_for(role_users["caseworker"])
    empty = client.post("/records/search/", {"family_name": " "})
    assert empty.status_code == 200
    assert "Enter a name, family name, date of birth or document number." in empty.content.decode()
    bad_date = client.post("/records/search/", {"date_of_birth": "1999-02-31"})
    assert "Date of birth must be a date (YYYY-MM-DD)." in bad_date.content.decode()
    assert not _events("record.search")
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(role_users["caseworker"])
    assert guarded.post("/records/search/", {"family_name": CANARY_FAMILY}).status_code == 403
    assert client.get("/records/search/").status_code == 405


@pytest.mark.parametrize(
    "address",
    [
        "/records/?name=Quillondra",
        "/records/?family_name=Vestergaard-Oyelaran&page=2",
        "/records/?date_of_birth=2001-03-09",
        "/dashboard/?document_number=ZK4471902",
        "/api/v1/records/?name=Quillondra",
        "/api/v1/records/?given_name=Quillondra",
    ],
)
def test_an_identity_in_any_query_string_is_refused(
    role_users: dict[str, Any], address: str
) -> None:
    for client in (client_for(role_users["caseworker"]), Client()):  # logged in, or not
        response = client.get(address)
        assert response.status_code == 400, address
        assert "no-store" in response["Cache-Control"]
        if address.startswith("/api/"):
            assert "POST /api/v1/records/search/" in response.json()["detail"]
        else:
            body = response.content.decode()
            assert "never accepted in a web address" in body
            assert "Quillondra" not in body
            assert "Vestergaard" not in body


def test_non_identifying_filters_stay_in_the_address(
    role_users: dict[str, Any], namesakes: list[str]
) -> None:
    client = client_for(role_users["caseworker"])
    by_year = client.get("/records/", {"year": "2022"}).content.decode()
    assert "W-2" in by_year
    assert "W-1" not in by_year
    assert client.get("/records/", {"record_id": "W-4"}).content.decode().count("W-5") == 0
    bad = client.get("/records/", {"year": "last year"}).content.decode()
    assert "Enter a whole number." in bad
    api = client.get("/api/v1/records/", {"year": "2022"}).json()
    assert {r["record_id"] for r in api["results"]} == {"W-2", "W-4", "W-5"}
    assert client.get("/api/v1/records/", {"year": "x"}).status_code == 400
    kinds = [e.details["terms"] for e in _events("record.search")]
    assert kinds == [["year"], ["record_id"], ["year"]]


def test_the_api_search_takes_terms_and_page_in_the_body(
    role_users: dict[str, Any], namesakes: list[str], settings: Any
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 2}
    client = client_for(role_users["supervisor"])
    first = client.post(SEARCH_API, {"family_name": CANARY_FAMILY}, "application/json").json()
    assert first["count"] == 3
    assert first["num_pages"] == 2
    assert first["next_page"] == 2
    assert first["previous_page"] is None
    second = client.post(
        SEARCH_API, {"family_name": CANARY_FAMILY, "page": 2}, "application/json"
    ).json()
    assert [r["record_id"] for r in second["results"]] == ["W-5"]
    assert "given_name" not in second["results"][0]  # list rows: never an identity
    beyond = client.post(SEARCH_API, {"family_name": CANARY_FAMILY, "page": 3}, "application/json")
    assert beyond.status_code == 404
    assert client.post(SEARCH_API, {}, "application/json").status_code == 400
    bad = client.post(SEARCH_API, {"date_of_birth": "2001-02-30"}, "application/json")
    assert bad.status_code == 400
    assert "date_of_birth" in bad.json()
    events = _events("record.search")
    assert [e.details for e in events] == [
        {"via": "api", "terms": ["family_name"], "page": n} for n in (1, 2, 3)
    ]


def test_the_api_search_is_scoped_and_denied_to_roles_without_records(
    role_users: dict[str, Any], namesakes: list[str], tmp_path: Path
) -> None:
    from tiphub.web.registry.services import import_file

    other = [{**GOOD_ROWS[1], "record_id": "N-9", "family_name": CANARY_FAMILY}]
    assert import_file(write_intake(tmp_path / "ngo.csv", other), "NGO", "cli:test").ok
    body = {"family_name": CANARY_FAMILY}
    found = client_for(role_users["caseworker"]).post(SEARCH_API, body, "application/json")
    assert {r["record_id"] for r in found.json()["results"]} == set(namesakes)
    for role in ("statistician", "dpo", "admin"):
        refused = client_for(role_users[role]).post(SEARCH_API, body, "application/json")
        assert refused.status_code == 403, role
    assert Client().post(SEARCH_API, body, "application/json").status_code in {401, 403}
