"""The landing page: agencies, records per agency and year (scoped, suppressed), stages."""

import html as html_lib
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tiphub.web.accounts.models import Account
from tiphub.web.pages.views.home import suppress_table
from tiphub.web.registry.models import Agency, VictimRecord

pytestmark = pytest.mark.django_db


def _records(agency: Agency, year: int, n: int) -> None:
    now = timezone.now()
    VictimRecord.objects.bulk_create(
        VictimRecord(
            agency=agency,
            record_id=f"{agency.code}-{year}-{i}",
            year=year,
            key_id=1,
            fingerprint="0" * 64,
            created_at=now,
            updated_at=now,
        )
        for i in range(n)
    )


@pytest.fixture
def loaded() -> dict[str, Agency]:
    pol = Agency.objects.create(code="POL", name="Police unit", kind="LawEnforcement")
    ngo = Agency.objects.create(code="NGO", name="Shelter", kind="NGO")
    _records(pol, 2022, 30)
    _records(pol, 2023, 3)  # small cell
    _records(ngo, 2022, 20)
    _records(ngo, 2023, 25)
    return {"POL": pol, "NGO": ngo}


def _client(role: str, agency: Agency | None = None) -> Client:
    user = get_user_model().objects.create_user(f"u-{role}")  # no password: force_login
    Account.objects.create(user=user, role=role, agency=agency)
    client = Client()
    client.force_login(user)
    return client


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S)
    assert table, f"no table {table_id}"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [
        [
            html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def test_login_is_required() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_caseworker_sees_their_agency_in_full(loaded: dict[str, Agency]) -> None:
    html = _client("caseworker", loaded["POL"]).get("/").content.decode()
    cells = _cells(html, "records-by-agency-year")
    assert cells[0] == ["Agency", "2022", "2023", "Total"]
    assert cells[1] == ["POL", "30", "3", "33"]
    assert len(cells) == 3  # header, POL, totals: no other agency's counts
    assert "Police unit" in html  # agency list (agency.view)


def test_a_statistician_sees_every_agency_through_the_minimum_cell_rule(
    loaded: dict[str, Agency],
) -> None:
    html = _client("statistician").get("/").content.decode()
    cells = _cells(html, "records-by-agency-year")
    # POL 2023 (3) is below 11; its row total would give it away, so POL 2022 is hidden too,
    # then NGO 2023 and NGO 2022 so that neither column can be solved from its total.
    assert cells[1] == ["NGO", "<11", "<11", "45"]
    assert cells[2] == ["POL", "<11", "<11", "33"]
    assert cells[3] == ["Total", "50", "28", "78"]
    assert "Counts below 11" in html


def test_roles_without_statistics_see_no_counts(loaded: dict[str, Agency]) -> None:
    html = _client("dpo").get("/").content.decode()
    assert "Your role does not include statistics." in html
    assert 'id="records-by-agency-year"' not in html


def test_stages_say_what_is_installed(loaded: dict[str, Agency]) -> None:
    html = _client("caseworker", loaded["POL"]).get("/").content.decode()
    assert 'data-stage="standard" data-installed="yes"' in html
    assert 'data-stage="casework" data-installed="yes"' in html
    assert 'data-stage="linkage" data-installed="yes"' in html  # tiphub.linkage has code
    assert "33 records stored in the registry" in html


def test_suppress_table_secondary_rule() -> None:
    counts: dict[tuple[str, Any], int] = {
        ("A", 1): 30,
        ("A", 2): 3,
        ("B", 1): 20,
        ("B", 2): 25,
    }
    hidden = suppress_table(counts, 11)
    assert ("A", 2) in hidden  # primary
    assert ("A", 1) in hidden  # row A would reveal it
    assert ("B", 2) in hidden  # column 2 would reveal it
    assert ("B", 1) in hidden  # then column 1 and row B
    assert suppress_table({("A", 1): 30, ("A", 2): 40}, 11) == set()
