"""Screening meets casework and the registry's pages: a presumed victim screened on the page
opens an NRM case; field teams' Kobo / ODK exports are uploaded on the Submissions page (all or
nothing, the report row by row); a record made from a screening shows it on its page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .support import OTHER, OWN, client_for

pytestmark = pytest.mark.django_db

KOBO = Path(__file__).parents[1] / "data" / "screening" / "kobo_adults_labour.csv"
CHILD_SCREENING = {
    "set": "children_labour",
    "age": "15",
    "ind_ex": ["CL-EX-01", "CL-EX-02"],
    "ctx_act": "yes",
    "ctx_illegal_entry": "no",
}
WEAK_ADULT = {"set": "adults_labour", "ind_ex": ["AL-EX-01"], "ctx_act": "no"}
CANARY = "Ysoldine"


def test_a_presumed_victim_on_the_screening_page_opens_an_nrm_case(make_user: Any) -> None:
    from tiphub.web.casework.models import Case

    caseworker = client_for(make_user("caseworker"))
    html = caseworker.post("/screening/", CHILD_SCREENING).content.decode()
    assert 'id="open-case-form"' in html
    assert '<input type="hidden" name="ind_ex" value="CL-EX-02">' in html  # answers ride along
    # a role that may screen but not open cases is not offered the action, and is refused it
    officer = client_for(make_user("data_officer"))
    assert (
        'id="open-case-form"' not in officer.post("/screening/", CHILD_SCREENING).content.decode()
    )
    assert officer.post("/screening/open-case/", CHILD_SCREENING).status_code == 403

    response = caseworker.post(
        "/screening/open-case/",
        {**CHILD_SCREENING, "case-unaccompanied": "on", "case-gender": "Feminine",
         "case-urgent_needs": ["accommodation"], "case-given_name": CANARY},
    )  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/casework/cases/{case.pk}/"
    assert (case.identification_state, case.child_state) == (
        "presumed_victim",
        "guardian_requested",
    )
    assert (case.age, case.presumed_child, case.unaccompanied) == (15, True, True)
    assert case.screening_indicators == ["CL-EX-01", "CL-EX-02"]
    assert case.urgent_needs == ["accommodation"]
    assert CANARY.encode() not in bytes(case.identity_ct)
    page = caseworker.get(response["Location"]).content.decode()
    assert CANARY in page
    assert "basic services requested" in page  # the message, on the case page


def test_only_a_presumed_victim_opens_a_case_and_the_server_screens_again(make_user: Any) -> None:
    from tiphub.web.casework.models import Case

    client = client_for(make_user("caseworker"))
    html = client.post("/screening/", WEAK_ADULT).content.decode()
    assert 'id="open-case-form"' not in html
    # a forged post (the answers of a non-victim) is screened again and refused
    response = client.post("/screening/open-case/", WEAK_ADULT, follow=True)
    assert "presumed victim only" in response.content.decode()
    assert not Case.objects.exists()


def _export_rows() -> tuple[list[str], list[dict[str, str]]]:
    with KOBO.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_kobo_export_upload_on_the_submissions_page(make_user: Any) -> None:
    from tiphub.web.registry.models import Submission, VictimRecord

    officer = client_for(make_user("data_officer"))
    page = officer.get("/submissions/").content.decode()
    assert 'action="/submissions/screening/"' in page
    assert 'id="id_screening-file"' in page

    response = officer.post(
        "/submissions/screening/", {"screening-file": _upload(KOBO.name, KOBO.read_bytes())}
    )
    stored = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{stored.pk}/"
    assert stored.status == "succeeded"
    assert VictimRecord.objects.filter(record_id__startswith="scr-").count() == 2
    detail = officer.get(response["Location"]).content.decode()
    assert "3 submission(s) screened: 2 presumed victim(s), 1 not, 0 undecided" in detail

    # one bad answer: nothing stored, the rejected file in the history with its report
    header, rows = _export_rows()
    rows[1]["dim_cd/ind_cd"] = "AL-CD-99"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    response = officer.post(
        "/submissions/screening/", {"screening-file": _upload("bad.csv", out.getvalue().encode())}
    )
    rejected = Submission.objects.exclude(pk=stored.pk).get()
    assert response["Location"] == f"/submissions/{rejected.pk}/"
    assert (rejected.status, rejected.file_format, rejected.error_count) == (
        "rejected", "screening", 1,
    )  # fmt: skip
    report = officer.get(response["Location"]).content.decode()
    assert "Nothing was stored" in report
    row = re.search(r'<table id="validation-report">.*?</table>', report, re.S)
    assert row is not None
    assert "line 3" in row.group(0)
    assert "dim_cd/ind_cd" in row.group(0)
    assert "unknown choice(s) AL-CD-99" in row.group(0)
    assert VictimRecord.objects.filter(record_id__startswith="scr-").count() == 2

    # another agency's supervisor does not see either; a wrong kind of file is refused at once
    other = client_for(make_user("supervisor", OTHER, name="other-supervisor"))
    assert other.get(f"/submissions/{rejected.pk}/").status_code == 404
    wrong = officer.post(
        "/submissions/screening/", {"screening-file": _upload("x.xlsx", b"PK")}, follow=True
    )
    assert "KoboToolbox or ODK Central export" in wrong.content.decode()
    assert Submission.objects.count() == 2
    # a role without submission.create cannot import
    caseworker = client_for(make_user("caseworker"))
    assert caseworker.post("/submissions/screening/", {}).status_code == 403


def test_a_record_from_a_screening_shows_its_screening(make_user: Any) -> None:
    from tiphub.web.registry.models import VictimRecord
    from tiphub.web.screening.services import import_submissions

    assert import_submissions(KOBO, OWN, "cli:test").ok
    record = VictimRecord.objects.get(record_id="scr-5b2c1e0a-0d1c-4c5e-9a51-1f0e2b7d3a01")
    html = client_for(make_user("caseworker")).get(f"/records/{record.pk}/").content.decode()
    assert 'id="screening-panel"' in html
    assert 'data-verdict="presumed_victim">yes' in html
    assert "PV-1" in html
    assert "<code>AL-DR-01</code>" in html
    # a record that no screening made has no panel
    plain = VictimRecord.objects.create(
        agency=record.agency, record_id="plain-1", key_id=1, fingerprint="f" * 64,
        created_at=record.created_at, updated_at=record.updated_at, year=2026,
    )  # fmt: skip
    page = client_for(make_user("supervisor")).get(f"/records/{plain.pk}/").content.decode()
    assert 'id="screening-panel"' not in page
