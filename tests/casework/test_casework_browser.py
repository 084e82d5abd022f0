"""Browser test: one case from screening to referral, on Debian's chromium (headless).

A first responder screens a person on the phone-sized page, records consent, refers the case to
the competent authority; the authority finds it in the referral inbox and accepts it, and sees
the case at the `referred` stage with the decision form.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

# The shared browser fixtures (Debian's chromium, generous deadlines): tests/ is on sys.path.
from web.test_browser import CHROMIUM, browser, new_page  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a long browser test password 7"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def _logout(page: Any) -> None:
    page.click("header .who button[type=submit]")


def test_screening_to_referral_in_the_browser(
    live_server: Any,
    new_page: Any,  # noqa: F811 - the imported fixture
) -> None:
    from django.contrib.auth import get_user_model

    from tiphub.web.accounts.models import Account
    from tiphub.web.casework.models import Case
    from tiphub.web.registry.models import Agency

    pol = Agency.objects.create(code="POL", name="National Police")
    atu = Agency.objects.create(code="ATU", name="Anti-trafficking unit")
    users = get_user_model().objects
    for name, role, agency in (
        ("officer", "first_responder", pol),
        ("decider", "competent_authority", atu),
    ):
        user = users.create_user(username=name, password=PASSWORD)
        Account.objects.create(user=user, role=role, agency=agency)

    page, base = new_page(viewport={"width": 390, "height": 844}), live_server.url  # a phone
    assert os.path.exists(CHROMIUM)
    _login(page, base, "officer")
    page.goto(f"{base}/casework/cases/new/")
    page.check("input[name=indicators][value=deceptive_recruitment]")
    page.check("input[name=urgent_needs][value=accommodation]")
    page.select_option("#id_gender", "Feminine")
    page.fill("#id_age", "27")
    page.fill("#id_citizenship", "UKR")
    page.select_option("#id_exploitation_types", "ForcedLabour")
    page.fill("#id_given_name", "Browsertest")
    page.click("#screening-form button[type=submit]")
    page.wait_for_selector("text=presumed_victim")
    case = Case.objects.get()
    assert page.url.endswith(f"/casework/cases/{case.pk}/")
    assert page.inner_text('[data-track="identification"]') == "presumed_victim"

    for scope in ("refer_to_nrm", "share_with_agency:ATU"):
        page.fill("#c-scope", scope)
        page.click("#consent-form button[type=submit]")
        page.wait_for_selector("text=Consent recorded.")
    page.click("#refer-link")
    page.select_option("#id_to_agency", "ATU")
    page.select_option("#id_purpose", "nrm_decision")
    page.click("#refer-form button[type=submit]")
    page.wait_for_selector("text=sent.")
    assert page.inner_text('[data-track="identification"]') == "referred"
    _logout(page)

    _login(page, base, "decider")
    page.goto(f"{base}/casework/referrals/")
    referral = case.referrals.get()
    card = page.locator(f'[data-referral="{referral.pk}"]')
    assert "nrm_decision" in card.inner_text()
    card.locator("button[value=accept]").click()
    page.wait_for_selector("text=accepted")
    page.goto(f"{base}/casework/cases/{case.pk}/")
    assert page.inner_text('[data-track="identification"]') == "referred"
    assert page.locator('[data-move="identification.rg_positive"]').count() == 1
    referral.refresh_from_db()
    assert referral.status == "accepted"
