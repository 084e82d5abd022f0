"""Helpers shared by the web tests (constants, record factory, logged-in clients)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone

PASSWORD = "correct horse battery staple 42"
OWN, OTHER = "POL", "NGO"


def make_record(agency: Any, record_id: str, **fields: Any) -> Any:
    from tiphub.web.registry.models import VictimRecord

    now = timezone.now()
    defaults: dict[str, Any] = {
        "year": 2023,
        "sex": "F",
        "age_group": "Y0T17",
        "gender": "Feminine",
        "form_sexual": True,
        "trafficking_status": "PossibleVictimOfTrafficking",
    }
    defaults.update(fields)
    return VictimRecord.objects.create(
        agency=agency,
        record_id=record_id,
        key_id=1,
        fingerprint=f"{record_id:0>64}"[:64],
        created_at=now,
        updated_at=now,
        **defaults,
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


#: Invented identities (found nowhere else) for the flow, canary and browser tests.
CANARY_GIVEN, CANARY_FAMILY = "Quillondra", "Vestergaard-Oyelaran"
CANARY_DOCUMENT = "ZK4471902"

GOOD_ROWS: list[dict[str, str]] = [
    {
        "record_id": "W-1",
        "identification_date": "2023-05-02",
        "given_name": CANARY_GIVEN,
        "family_name": CANARY_FAMILY,
        "date_of_birth": "2001-03-09",
        "gender": "Feminine",
        "citizenship": "UKR",
        "document_type": "Passport",
        "document_number": CANARY_DOCUMENT,
        "exploitation_types": "SexualExploitation",
        "narrative": "Met the recruiter Quillondra trusted at a bus station.",
    },
    {
        "record_id": "W-2",
        "identification_date": "2022-11-20",
        "given_name": "Tomasz",
        "family_name": "Brennickel",
        "age": "34",
        "gender": "Masculine",
        "citizenship": "POL",
        "exploitation_types": "ForcedLabour",
    },
    {
        "record_id": "W-3",
        "identification_date": "2023-01-15",
        "age": "15",
        "gender": "Feminine",
        "exploitation_types": "ForcedCriminalActivity",
    },
]

BAD_ROWS: list[dict[str, str]] = [
    {**GOOD_ROWS[0]},
    {**GOOD_ROWS[1], "gender": "Dragon"},
    {**GOOD_ROWS[2], "identification_date": "2023-02-31"},
]


def write_intake(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows as an intake CSV (the union of their columns, in first-seen order)."""
    columns: list[str] = []
    for row in rows:
        columns += [name for name in row if name not in columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def casework_objects(stored: dict[str, Any], agency_code: str) -> dict[str, Any]:
    """A child case of the agency and a draft referral of it (made once, for the matrix test)."""
    from datetime import date

    from tiphub.web.casework.models import Case, Referral

    cached = stored[agency_code]
    if "case" not in cached:
        agency = cached["records"][0].agency
        other = next(v for k, v in stored.items() if k != agency_code)["records"][0].agency
        now = timezone.now()
        case = Case.objects.create(
            reference=f"NRM-TEST-{agency_code}",
            agency=agency,
            first_contact_date=date(2027, 1, 4),
            age=15,
            presumed_child=True,
            identification_state="presumed_victim",
            child_state="identified_child",
            created_at=now,
            updated_at=now,
        )
        cached["case"] = case
        cached["referral"] = Referral.objects.create(
            case=case,
            from_agency=agency,
            to_agency=other,
            purpose="shelter",
            view_profile="shelter",
            created_at=now,
        )
        from tiphub.web.casework.models import TracingMessage, TracingRequest

        tracing = TracingRequest.objects.create(case=case, cross_border=True, created_at=now)
        cached["tracing"] = tracing
        cached["tracing_message"] = TracingMessage.objects.create(
            tracing=tracing, direction="outgoing", message_id=f"matrix-{agency_code}",
            counterpart_country="NGA", counterpart_agency="Social Welfare",
            data_sharing_agreement="DSA-1", created_at=now,
        )  # fmt: skip
    return cached
