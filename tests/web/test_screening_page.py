"""The screening page: tick indicators by set, see the explained outcome; nothing is stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from .support import client_for

pytestmark = pytest.mark.django_db


def verdicts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-outcome="(\w+)">.*?data-verdict="(\w+)"', html, re.S))


def test_the_form_offers_every_set_and_marks_unverified_items(make_user: Any) -> None:
    client = client_for(make_user("caseworker"))
    html = client.get("/screening/").content.decode()
    for key in ("adults_labour", "adults_sexual", "children_labour", "children_sexual"):
        assert f'value="{key}"' in html
    assert 'value="AL-DR-01"' in html
    html = client.get("/screening/?set=adults_sexual").content.decode()
    assert 'value="AS-DR-11"' in html
    assert "†" in html
    assert 'name="ind_cd" value="not_assessed"' in html


def test_a_child_without_means_is_screened_with_reasons(make_user: Any) -> None:
    from tiphub.web.audit.models import AuditEvent
    from tiphub.web.screening.models import ScreeningOutcome

    client = client_for(make_user("caseworker"))
    before = AuditEvent.objects.count()
    response = client.post(
        "/screening/",
        {
            "set": "children_labour",
            "age": "15",
            "ind_ex": ["CL-EX-01", "CL-EX-02"],
            "ctx_act": "yes",
            "ctx_illegal_entry": "no",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert verdicts(html) == {
        "trafficking": "yes",
        "forced_labour": "yes",
        "smuggling": "no",
        "presumed_victim": "yes",
    }
    assert "Rule TIP-CHILD" in html
    assert "CL-EX-01" in html
    assert 'id="screening-verification"' in html
    # The page stores and logs nothing about the person.
    assert not ScreeningOutcome.objects.exists()
    assert AuditEvent.objects.count() == before


def test_missing_information_is_listed(make_user: Any) -> None:
    client = client_for(make_user("data_officer"))
    html = client.post(
        "/screening/",
        {"set": "adults_labour", "ind_ex": ["AL-EX-01", "AL-EX-02"], "ctx_act": "yes"},
    ).content.decode()
    assert verdicts(html)["trafficking"] == "insufficient"
    assert 'id="screening-missing"' in html
    assert "Age, or whether the person is under 18" in html


def test_labels_follow_the_users_language(make_user: Any) -> None:
    client = client_for(make_user("caseworker"))
    client.post("/i18n/setlang/", {"language": "fr", "next": "/screening/"})
    html = client.get("/screening/").content.decode()
    assert (
        "Trompé(e) sur la nature de l&#x27;emploi" in html
        or "Trompé(e) sur la nature de l'emploi" in html
    )


def test_roles_without_screening_are_refused(make_user: Any, db: Any) -> None:
    assert client_for(make_user("statistician", None)).get("/screening/").status_code == 403
    assert Client().get("/screening/").status_code == 302


@pytest.mark.parametrize(
    ("language", "title", "verdict"),
    [("fr", "Dépistage", "Victime présumée"), ("es", "Detección", "Presunta víctima")],
)
def test_the_page_speaks_french_and_spanish(
    make_user: Any, language: str, title: str, verdict: str
) -> None:
    client = client_for(make_user("caseworker"))
    client.post("/i18n/setlang/", {"language": language, "next": "/screening/"})
    html = client.post("/screening/", {"set": "adults_labour", "age": "30"}).content.decode()
    assert f"<h1>{title}</h1>" in html
    assert verdict in html
