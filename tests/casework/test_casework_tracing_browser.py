"""Browser test: family tracing for a child on Debian's chromium (headless, phone-sized).

A child protection officer opens a tracing request for an unaccompanied child's mother, records
the guardian's consent to tracing, searches (the mother is a police case: a possible match held
by agency POL, never named), records the potential match; a second officer verifies it, records
the reunification assessment, and is refused reunification without a BID, with the reason.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

# The casework browser test's login; the shared browser fixtures (Debian's chromium, generous
# deadlines): tests/ and tests/casework/ are on sys.path.
from test_casework_browser import PASSWORD
from test_casework_browser import _login as login

from web.test_browser import browser, new_page  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

MOTHER = {"given_name": "Theodolinde", "family_name": "Mbarga-Oyelaran"}  # invented canary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    login(page, base, username)
    page.wait_for_selector("header .who")


def test_tracing_a_childs_mother_in_the_browser(
    live_server: Any,
    new_page: Any,  # noqa: F811 - the imported fixture
) -> None:
    from django.contrib.auth import get_user_model

    from tiphub.web.accounts.models import Account
    from tiphub.web.casework import services
    from tiphub.web.casework.models import TracingRequest
    from tiphub.web.registry.models import Agency

    pol = Agency.objects.create(code="POL", name="National Police")
    cps = Agency.objects.create(code="CPS", name="Child protection services")
    users = {}
    for name, role, agency in (
        ("officer", "first_responder", pol),
        ("cpo-one", "child_protection_officer", cps),
        ("cpo-two", "child_protection_officer", cps),
    ):
        users[name] = get_user_model().objects.create_user(username=name, password=PASSWORD)
        Account.objects.create(user=users[name], role=role, agency=agency)
    screened = services.ScreeningOutcome(True, ("ILO-D1-deception-nature-of-job",))
    child = services.open_case(
        users["cpo-one"], profile_fields={"age": 13, "presumed_child": True, "unaccompanied": True},
        identity={"given_name": "Chiamaka"}, screening=screened,
    )  # fmt: skip
    mother = services.open_case(
        users["officer"], profile_fields={"age": 39, "gender": "Feminine"},
        identity={**MOTHER, "date_of_birth": "1987-11-03"}, screening=screened,
    )  # fmt: skip

    page, base = new_page(viewport={"width": 390, "height": 844}), live_server.url
    _login(page, base, "cpo-one")
    page.goto(f"{base}/casework/cases/{child.pk}/tracing/")
    page.fill("#id_tracing-relation", "mother")
    page.fill("#id_tracing-given_name", "Theodolinda")  # as the child spells it
    page.fill("#id_tracing-family_name", "Oyelaran")
    page.fill("#id_tracing-date_of_birth", "1987")
    page.select_option("#id_tracing-family_contact_safe", "yes")
    page.click("#tracing-form button[type=submit]")
    page.wait_for_selector("#tracing-state")
    request = TracingRequest.objects.get()
    assert page.url.endswith(f"/casework/cases/{child.pk}/tracing/{request.pk}/")
    assert "no consent to tracing is recorded" in page.inner_text('[data-blocked="search"]')

    page.goto(f"{base}/casework/cases/{child.pk}/")
    page.fill("#c-scope", "tracing")
    page.click("#consent-form button[type=submit]")
    page.wait_for_selector("text=Consent recorded.")
    page.goto(f"{base}/casework/cases/{child.pk}/tracing/{request.pk}/")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector(".candidate")
    candidate = page.inner_text(".candidate")
    assert "A possible match held by agency POL; request contact through a referral." in candidate
    body = page.inner_text("body")
    assert not any(value in body for value in (*MOTHER.values(), mother.reference))
    page.check("input[name=tpropose-candidate][value='0']")
    page.click("#propose-form button[type=submit]")
    page.wait_for_selector("#tracing-state[data-state=potential_match]")
    page.click("header .who button[type=submit]")  # log out

    _login(page, base, "cpo-two")
    page.goto(f"{base}/casework/cases/{child.pk}/tracing/{request.pk}/")
    page.check("input[name=tverify-method][value=documents_and_interview]")
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#tracing-state[data-state=verified]")
    page.check("#id_tassess-both_sides_willing")
    page.check("#id_tassess-reunification_safe")
    page.fill("#id_tassess-childs_views", "She wants to live with her mother.")
    page.click("#assess-form button[type=submit]")
    page.wait_for_selector("#tracing-state[data-state=reunification_assessed]")
    reason = (
        "a child is reunified only after a best-interests determination (BID) found local "
        "reunification in the child's best interests"
    )
    assert reason in page.inner_text('[data-blocked="reunify"]')
    page.click("#reunify-form button[type=submit]")
    page.wait_for_selector('[data-refused="reunify"]')
    assert reason in page.inner_text('[data-refused="reunify"]')
    request.refresh_from_db()
    assert request.state == "reunification_assessed"
    assert request.verified_by == users["cpo-two"]
    assert request.match_proposed_by == users["cpo-one"]
