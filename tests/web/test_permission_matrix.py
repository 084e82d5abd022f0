"""The permission matrix: every role x every URL of the site x own / other agency.

The URL list comes from Django's resolver, so a new page or endpoint that is not in `EXPECTED`
fails this test until someone states who may reach it. For each role the test requests every URL
(with ids of its own agency's objects and of another agency's), checks the status against the
policy, and checks that no response ever carries another agency's record or submission.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tiphub.web.accounts.roles import roles

from .support import OTHER, OWN, client_for

AGENCY_ROLES = {"caseworker", "data_officer", "supervisor"}
RECORD_ROLES = AGENCY_ROLES
SUBMISSION_ROLES = {"data_officer", "supervisor"}
STATS_ROLES = AGENCY_ROLES | {"statistician"}
INDICATOR_ROLES = {"statistician", "supervisor"}  # published aggregates, never an identity
ANALYSIS_ROLES = {"statistician"}  # linkage runs and estimates: aggregates and diagnostics
LINKAGE_SUBMITTERS = {"data_officer", "supervisor"}  # their own agency's encodings
ALL_ROLES = set(roles())
# NRM casework (tiphub.web.casework): roles with case.* / referral.* permissions in roles.yaml.
CASE_ROLES = {
    "caseworker",
    "supervisor",
    "first_responder",
    "competent_authority",
    "child_protection_officer",
    "bid_panel_member",
    "immigration_officer",
    "return_coordinator",
    "guardian",
    "asylum_officer",
    "legal_representative",
}
CASE_CREATE_ROLES = {"caseworker", "first_responder", "child_protection_officer"}
REFERRAL_ROLES = CASE_ROLES - {"bid_panel_member"}
REFERRAL_SEND_ROLES = {"caseworker", "supervisor", "first_responder", "child_protection_officer"}
TRANSITION_ROLES = CASE_ROLES - {"guardian"}
# The record pages of a case (casework.record_views.PAGES: a permission and a view section; the
# matrix's case is a child's). Full view of their own agency's cases:
FULL_VIEW = CASE_ROLES - {
    "bid_panel_member", "immigration_officer", "guardian", "asylum_officer",
    "legal_representative",
}  # fmt: skip
CASE_EDIT_ROLES = FULL_VIEW - {"competent_authority"}
SEES_CHILD = FULL_VIEW | {"bid_panel_member", "guardian"}
SEES_IMMIGRATION = FULL_VIEW | {"immigration_officer", "asylum_officer", "legal_representative"}

#: url name -> (object kind in the URL or None, roles that get 200, status for the others)
EXPECTED: dict[str, tuple[str | None, set[str], int]] = {
    "pages:home": (None, ALL_ROLES, 403),  # the landing page: aggregates in the user's scope
    "pages:dashboard": (None, STATS_ROLES, 403),
    "pages:records": (None, RECORD_ROLES, 403),
    "pages:record-search": (None, set(), 405),  # POST only (tests/web/test_search_privacy.py)
    "pages:record": ("record", RECORD_ROLES, 403),
    "pages:submissions": (None, SUBMISSION_ROLES, 403),
    "pages:submission": ("submission", SUBMISSION_ROLES, 403),
    "pages:audit": (None, {"dpo"}, 403),
    "pages:audit-verify": (None, set(), 405),  # POST only (tests/web/test_audit_page.py)
    "screening:screen": (None, AGENCY_ROLES | {"first_responder", "child_protection_officer"}, 403),
    "screening:open_case": (None, set(), 405),  # POST only (tests/web/test_screening_casework.py)
    "screening:import": (None, set(), 405),  # POST only (tests/web/test_screening_casework.py)
    "accounts:login": (None, set(), 302),  # a logged-in user is sent on
    "accounts:logout": (None, set(), 405),  # POST only
    "accounts:two_factor": (None, ALL_ROLES, 403),
    "api:record-list": (None, RECORD_ROLES, 403),
    "api:record-search": (None, RECORD_ROLES, 403),  # POST only: 405 to those allowed
    "api:record-detail": ("record", RECORD_ROLES, 403),
    "api:record-export": (None, {"supervisor"}, 403),
    "api:submission-list": (None, SUBMISSION_ROLES, 403),
    "api:submission-detail": ("submission", SUBMISSION_ROLES, 403),
    "api:agency-list": (None, ALL_ROLES, 403),
    "api:statistics": (None, STATS_ROLES, 403),
    "api:audit-event-list": (None, {"dpo"}, 403),
    "api:me": (None, ALL_ROLES, 403),
    "api-schema": (None, ALL_ROLES, 403),
    "api-docs": (None, ALL_ROLES, 403),
    "set_language": (None, set(), 302),  # GET changes nothing and sends the user back
    "casework:tasks": (None, CASE_ROLES, 403),
    "casework:cases": (None, CASE_ROLES, 403),
    "casework:case_new": (None, CASE_CREATE_ROLES, 403),
    "casework:case": ("case", CASE_ROLES, 403),
    "casework:child": ("case", SEES_CHILD, 403),
    "casework:guardian": ("case", CASE_EDIT_ROLES | {"guardian"}, 403),
    "casework:bia": ("case", SEES_CHILD - {"guardian"}, 403),
    "casework:bid": ("case", SEES_CHILD - {"guardian"}, 403),
    "casework:tracing": ("case", CASE_EDIT_ROLES | {"guardian"}, 403),
    "casework:tracing-request": ("case", CASE_EDIT_ROLES | {"guardian"}, 403),
    "casework:tracing-message": ("case", CASE_EDIT_ROLES | {"guardian"}, 403),  # a download
    "casework:risk": ("case", CASE_EDIT_ROLES, 403),
    "casework:return_plan": ("case", CASE_EDIT_ROLES, 403),
    "casework:follow_up": ("case", CASE_EDIT_ROLES, 403),
    "casework:permits": ("case", SEES_IMMIGRATION, 403),
    "casework:refer": ("case", REFERRAL_SEND_ROLES, 403),
    "casework:referrals": (None, REFERRAL_ROLES, 403),
    "casework:transition": ("case", set(), 405),  # POST only
    "casework:consent": ("case", set(), 405),  # POST only
    "casework:respond": ("case", set(), 405),  # POST only
    "casework:acknowledge": ("case", set(), 405),  # POST only
    "casework_api:case-list": (None, CASE_ROLES, 403),
    "casework_api:case-detail": ("case", CASE_ROLES, 403),
    "casework_api:case-transition": ("case", TRANSITION_ROLES, 403),
    "casework_api:case-guardian": ("case", SEES_CHILD, 403),
    "casework_api:case-best-interests": ("case", SEES_CHILD, 403),
    "casework_api:case-tracing": ("case", SEES_CHILD, 403),
    "casework_api:case-tracing-detail": ("case", SEES_CHILD, 403),
    "casework_api:case-tracing-messages": ("case", SEES_CHILD, 403),
    "casework_api:case-risk-assessments": ("case", FULL_VIEW, 403),
    "casework_api:case-return-plan": ("case", FULL_VIEW, 403),
    "casework_api:case-follow-ups": ("case", FULL_VIEW, 403),
    "casework_api:case-permits": ("case", SEES_IMMIGRATION, 403),
    "casework_api:tasks": (None, CASE_ROLES, 403),
    "casework_api:referral-list": (None, REFERRAL_ROLES, 403),
    "casework_api:referral-detail": ("referral", REFERRAL_ROLES, 403),
    "monitoring:index": (None, INDICATOR_ROLES, 403),
    "monitoring:trends": (None, INDICATOR_ROLES, 403),
    "monitoring:targets": (None, INDICATOR_ROLES, 403),
    "monitoring:plan": (None, INDICATOR_ROLES, 403),
    "monitoring:downloads": (None, INDICATOR_ROLES, 403),
    "monitoring:inputs": (None, {"statistician"}, 403),
    "monitoring:population": (None, set(), 405),  # POST only (tests/web/test_monitoring.py)
    "monitoring:estimate": (None, set(), 405),
    "monitoring:estimate-retire": (None, set(), 405),
    "monitoring:release-new": (None, set(), 405),
    "linkage:index": (None, ANALYSIS_ROLES | LINKAGE_SUBMITTERS, 403),
    "linkage:round-new": (None, set(), 405),  # POST only (tests/web/test_linkage_page.py)
    "linkage:round": ("linkage_round", ANALYSIS_ROLES | LINKAGE_SUBMITTERS, 403),
    "linkage:upload": ("linkage_round", set(), 405),
    "linkage:round-run": ("linkage_round", set(), 405),
    "linkage:plaintext": (None, set(), 405),
    "linkage:consent": (None, set(), 405),
    "linkage:run": ("linkage_run", ANALYSIS_ROLES, 403),
    "linkage:weights": ("linkage_run", ANALYSIS_ROLES, 403),
    "linkage:sizes": ("linkage_run", ANALYSIS_ROLES, 403),
    "linkage:histories": ("linkage_run", ANALYSIS_ROLES, 403),
    "estimation:index": (None, ANALYSIS_ROLES, 403),
    "estimation:run": (None, set(), 405),  # POST only (tests/web/test_estimation_page.py)
    "estimation:detail": ("estimate", ANALYSIS_ROLES, 403),
    "estimation:sensitivity": ("estimate", ANALYSIS_ROLES, 403),
    "estimation:download": ("estimate", ANALYSIS_ROLES, 403),
    "estimation:use": ("estimate", set(), 405),
    **{
        f"monitoring:download-{fmt}": (None, INDICATOR_ROLES, 403)
        for fmt in (
            "sdmx-v2",
            "sdmx-v1",
            "dhis2",
            "glotip",
            "report-pdf",
            "report-html",
            "release-report",
        )
    },
}

#: API endpoints that answer only POST: the roles allowed get 405 for a GET, the others 403.
POST_ONLY_API = {"api:record-search"}
#: URLs anyone may open without logging in (explicit opt-outs of LoginRequiredMiddleware).
PUBLIC = {"accounts:login", "set_language"}
#: Objects of a URL that belong to one agency (tried with the user's own and another agency's);
#: the other kinds are national (linkage runs, estimates) and tried once.
AGENCY_KINDS = {"record", "submission"}


@pytest.fixture
def national(role_users: dict[str, Any]) -> dict[str, Any]:
    """National objects of the analysis pages: an estimate, a linkage round and a run."""
    from pathlib import Path

    from tiphub.web.analysis.estimates import EstimateParameters, run_estimate
    from tiphub.web.analysis.linking import open_round
    from tiphub.web.analysis.models import LinkageMode, LinkageRun

    western = Path(__file__).resolve().parents[1] / "data" / "mse" / "Western.csv"
    estimate = run_estimate(
        role_users["statistician"], EstimateParameters(), histories=western.read_bytes()
    )
    png = b"\x89PNG\r\n\x1a\n"  # the picture views serve what the run kept
    run = LinkageRun.objects.create(
        mode=LinkageMode.ENCODED,
        threshold=0.5,
        data_fingerprint="0" * 64,
        records=0,
        persons=0,
        candidate_pairs=0,
        weights_png=png,
        sizes_png=png,
        actor_label="test",
    )
    linkage_round = open_round(role_users["statistician"], "test round")
    return {"estimate": estimate, "linkage_run": run, "linkage_round": linkage_round}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            found.append((name, prefix + str(entry.pattern)))
    return found


def site_urls() -> list[tuple[str, str]]:
    """(name, route) of every named URL pattern the project serves."""
    return _walk(get_resolver().url_patterns)


def test_every_url_has_a_stated_policy() -> None:
    unknown = sorted(name for name, _route in site_urls() if name not in EXPECTED)
    assert not unknown, f"URLs without an entry in the permission matrix: {unknown}"
    unnamed = [
        str(p.pattern)
        for p in get_resolver().url_patterns
        if isinstance(p, URLPattern) and not p.name
    ]
    assert not unnamed, f"unnamed URL patterns cannot be checked: {unnamed}"


def _url(
    route: str, kind: str | None, stored: dict[str, Any], agency: str, national: Any = None
) -> str:
    path = "/" + route.replace("^", "").replace("$", "")
    if kind == "record":
        return path.replace("<int:pk>", str(stored[agency]["records"][0].pk))
    if kind == "submission":
        return path.replace("<int:pk>", str(stored[agency]["submission"].pk))
    if kind in {"case", "referral"}:
        from .support import casework_objects

        objects = casework_objects(stored, agency)
        path = path.replace("<int:tracing_pk>", str(objects["tracing"].pk))
        path = path.replace("<int:message_pk>", str(objects["tracing_message"].pk))
        return path.replace("<int:pk>", str(objects[kind].pk))
    if kind is not None:
        return path.replace("<int:pk>", str(national[kind].pk))
    return path


def _foreign_markers(stored: dict[str, Any]) -> list[str]:
    other = stored[OTHER]
    return [r.record_id for r in other["records"]] + [other["submission"].file_name]


@pytest.mark.parametrize("role", sorted(roles()))
def test_role_reaches_exactly_what_the_policy_allows(
    role: str,
    role_users: dict[str, Any],
    stored: dict[str, Any],
    indicator_release: Any,
    national: dict[str, Any],
) -> None:
    from tiphub.web.audit.models import AuditEvent

    client = client_for(role_users[role])
    problems: list[str] = []
    for name, route in site_urls():
        kind, allowed, denied_status = EXPECTED[name]
        for agency in (OWN, OTHER) if kind in AGENCY_KINDS else (OWN,):
            url = _url(route, kind, stored, agency, national)
            response = client.get(url)
            if role not in allowed:
                expected = denied_status
            elif agency == OTHER and (role in AGENCY_ROLES or kind in {"case", "referral"}):
                expected = 404  # another agency's object does not exist for this user
            else:
                expected = 405 if name in POST_ONLY_API else 200
            if response.status_code != expected:
                problems.append(f"{role} GET {url} ({name}): {response.status_code} != {expected}")
            body = response.content.decode("utf-8", "replace")
            if role in AGENCY_ROLES or role not in STATS_ROLES | {"dpo"}:
                leaked = [m for m in _foreign_markers(stored) if m in body]
                if leaked:
                    problems.append(f"{role} GET {url}: shows another agency's {leaked}")
    assert not problems, "\n".join(problems)
    # Every attempt on another agency's record was audited as a denial.
    foreign_pk = str(stored[OTHER]["records"][0].pk)
    denials = AuditEvent.objects.filter(action="access.denied", object_id=foreign_pk)
    assert denials.exists() == (role in AGENCY_ROLES)


def test_anonymous_reaches_only_the_public_pages(
    stored: dict[str, Any], national: dict[str, Any]
) -> None:
    from django.test import Client

    client = Client()
    problems = []
    for name, route in site_urls():
        kind = EXPECTED[name][0]
        url = _url(route, kind, stored, OWN, national)
        response = client.get(url)
        if name in PUBLIC:
            ok = response.status_code in {200, 302}
        elif url.startswith("/api/"):
            ok = response.status_code in {401, 403}
        else:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        if not ok:
            problems.append(f"anonymous GET {url} ({name}): {response.status_code}")
        for marker in _foreign_markers(stored):
            assert marker not in response.content.decode("utf-8", "replace")
    assert not problems, "\n".join(problems)


def test_a_user_without_an_account_row_reaches_nothing(stored: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="bare", password="x" * 20)
    client = client_for(user)
    for path in ("/dashboard/", "/records/", "/submissions/", "/audit/", "/api/v1/records/"):
        assert client.get(path).status_code == 403, path
    record = stored[OWN]["records"][0]
    assert client.get(f"/records/{record.pk}/").status_code == 403
    assert client.get(f"/api/v1/records/{record.pk}/").status_code == 403
