"""Unstorable characters anywhere in a request give a clear 400, never a database error.

PostgreSQL refuses NUL in text (schemathesis found a 500 from a NUL in an audit-log filter);
these tests are db-marked, so `.ci/run` repeats them on PostgreSQL, where the 500 happened.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from .support import client_for

NUL = "\x00"


def _detail(response: Any) -> str:
    return str(response.json()["detail"])


def test_nul_in_an_audit_filter_is_a_400_naming_the_parameter(
    role_users: dict[str, Any],
) -> None:
    dpo = client_for(role_users["dpo"])
    for name in ("actor", "action", "agency", "object_id", "outcome", "since"):
        api = dpo.get("/api/v1/audit/events/", {name: f"a{NUL}b"})
        assert api.status_code == 400, name
        assert f"“{name}”" in _detail(api)
        assert "NUL" in _detail(api)
        page = dpo.get("/audit/", {name: f"a{NUL}b"})
        assert page.status_code == 400
        assert "cannot be stored" in page.content.decode()
    # A NUL in a parameter's name is named escaped, never raw.
    response = dpo.get(f"/api/v1/audit/events/?ac{NUL}tor=x")
    assert response.status_code == 400
    assert "ac\\x00tor" in _detail(response)


def test_nul_in_a_cookie_or_a_token_is_a_400(role_users: dict[str, Any]) -> None:
    sessions = Client(HTTP_COOKIE=f"sessionid=abcdefghij{NUL}klm")
    assert sessions.get("/api/v1/me/").status_code == 400
    assert sessions.get("/records/").status_code == 400
    token = Client(HTTP_AUTHORIZATION=f"Token abc{NUL}def")
    response = token.get("/api/v1/me/")
    assert response.status_code == 400
    assert "Authorization" in _detail(response)


def test_nul_in_a_form_is_a_400_before_any_view(role_users: dict[str, Any]) -> None:
    form = "application/x-www-form-urlencoded"
    login = Client().post("/accounts/login/", "username=x%00&password=y", form)
    assert login.status_code == 400
    caseworker = client_for(role_users["caseworker"])
    for search in (
        caseworker.post("/records/search/", "family_name=Ve%00st", form),
        caseworker.post("/records/search/", {"family_name": f"Ve{NUL}st"}),  # multipart
    ):
        assert search.status_code == 400
        assert "“family_name”" in search.content.decode()


def test_nul_in_an_uploaded_file_name_is_dropped_not_stored(role_users: dict[str, Any]) -> None:
    from tiphub.web.registry.models import Submission

    officer = client_for(role_users["data_officer"])
    token = Token.objects.create(user=role_users["data_officer"])
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    for post in (
        lambda f: officer.post("/submissions/", {"file": f}),
        lambda f: api.post("/api/v1/submissions/", {"file": f}),
    ):
        upload = io.BytesIO(b"record_id,identification_date\nA-1,2023-01-01\n")
        upload.name = f"intake{NUL}.csv"
        assert post(upload).status_code in {201, 302}
    assert set(Submission.objects.values_list("file_name", flat=True)) == {"intake.csv"}


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"family_name": "Ve\\u0000st"}', "family_name"),
        ('{"family_name": "Ve\\ud800st"}', "family_name"),
        ('{"na\\u0000me": "x"}', "na\\x00me"),
        ('{"nested": {"deep": ["ok", "b\\u0000d"]}}', "nested.deep.1"),
    ],
)
def test_unstorable_characters_in_a_json_body_are_a_400(
    role_users: dict[str, Any], body: str, where: str
) -> None:
    client = client_for(role_users["supervisor"])
    response = client.post("/api/v1/records/search/", body, "application/json")
    assert response.status_code == 400
    assert f"“{where}”" in _detail(response)
    assert "cannot be stored" in _detail(response)


def test_ordinary_text_passes_untouched(role_users: dict[str, Any]) -> None:
    dpo = client_for(role_users["dpo"])
    response = dpo.get("/api/v1/audit/events/", {"actor": "Zoë Ñandú-O'Brien \t\u200b"})
    assert response.status_code == 200
