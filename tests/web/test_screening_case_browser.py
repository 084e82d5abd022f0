"""Browser flow on a phone (Playwright driving Debian's chromium): a child protection officer
screens a child on the screening page, opens an NRM case from the outcome, appoints the child's
guardian (a refusal first, shown in place by htmx with the workflow's reason) and records the
best-interests assessment."""

from __future__ import annotations

from typing import Any

import pytest

from .test_browser import _login, browser, new_page  # noqa: F401 - shared browser fixtures

pytestmark = pytest.mark.browser

GUARDIAN = "Ottoline Brackwater-Eze"  # invented


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_screening_to_case_guardian_and_bia_on_a_phone(
    live_server: Any,
    make_user: Any,
    new_page: Any,  # noqa: F811 - the imported fixture
) -> None:
    from tiphub.web.casework.models import Case

    make_user("child_protection_officer")
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    base = live_server.url
    _login(page, base, "child_protection_officer-pol")

    # screen a child: the outcome offers to open a case
    page.goto(f"{base}/screening/?set=children_labour")
    page.get_by_label("Age in years (leave empty if unknown)").fill("15")
    page.get_by_label("Excessive working days or hours").check()
    page.get_by_label("Low or no salary").check()
    page.locator('input[name="ctx_act"][value="yes"]').check()
    page.get_by_role("button", name="Screen").click()
    offer = page.locator("#open-case")
    offer.wait_for()
    offer.get_by_label("Unaccompanied or separated").check()
    offer.get_by_label("Gender").select_option("Feminine")
    offer.get_by_label("Given name").fill("Browserchild")
    offer.get_by_role("button", name="Open an NRM case").click()
    page.wait_for_url("**/casework/cases/*/")
    case = Case.objects.get()
    assert page.inner_text('[data-track="identification"]') == "presumed_victim"
    assert page.inner_text('[data-track="child"]') == "guardian_requested"
    assert "Browserchild" in page.content()

    # the guardian page: the appointment timer, a refusal in place, then the appointment
    page.locator("#record-links").get_by_role("link", name="Guardian").click()
    page.wait_for_url(f"**/casework/cases/{case.pk}/guardian/")
    assert page.locator('[data-rule="T7"]').count() == 1
    assert _fits_the_screen(page)
    page.get_by_label("an organisation").check()
    page.get_by_label("Organisation", exact=True).fill("Guardians Trust")
    page.get_by_label("Appointing authority").fill("Family court")
    page.get_by_label("A conflict-of-interest check was done").check()
    page.get_by_role("button", name="Record the appointment").click()
    refusal = page.locator('[data-refused="guardian"]')
    refusal.wait_for()
    assert "must name a natural person" in refusal.inner_text()
    assert page.get_by_label("Organisation", exact=True).input_value() == "Guardians Trust"  # kept
    page.get_by_label("Name of the guardian (the natural person)").fill(GUARDIAN)
    page.get_by_role("button", name="Record the appointment").click()
    page.get_by_text("Guardian appointed.").wait_for()
    assert GUARDIAN in page.locator("#guardians").inner_text()
    case.refresh_from_db()
    assert case.child_state == "guardian_appointed"

    # the best-interests assessment, with the child's views
    page.get_by_role("link", name=f"Case {case.reference}").click()
    page.locator("#record-links").get_by_role("link", name="Best-interests assessment").click()
    page.wait_for_url(f"**/casework/cases/{case.pk}/bia/")
    page.get_by_label("The child's views (heard in a language the child understands)").fill(
        "wants to finish school here"
    )
    page.get_by_label("local integration").check()
    page.get_by_role("button", name="Record the BIA").click()
    page.get_by_text("BIA recorded.").wait_for()
    assert page.inner_text('[data-track="child"]') == "bia_done"
    assert _fits_the_screen(page)
    case.refresh_from_db()
    assert case.child_state == "bia_done"
