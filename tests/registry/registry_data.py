"""Intake rows with canary identities for registry tests (invented values found nowhere else).

The dump test looks for every canary (and its lower-case, base64 and hex forms) in the whole
database; nothing identifying may be readable there.
"""

import csv
from pathlib import Path
from typing import Any

COLUMNS = (
    "record_id",
    "case_id",
    "identification_date",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "age",
    "gender",
    "citizenship",
    "country_of_exploitation",
    "region",
    "phone",
    "email",
    "address",
    "document_type",
    "document_number",
    "trafficking_status",
    "status_decision_org",
    "exploitation_types",
    "labour_sectors",
    "sexual_exploitation_types",
    "means_of_control",
    "recruitment_methods",
    "recruiter_relationship",
    "exploitation_months",
    "narrative",
)

CANARY_ROWS: list[dict[str, Any]] = [
    {
        "record_id": "P-1",
        "case_id": "C-1",
        "identification_date": "2023-04-02",
        "given_name": "Zorabelle",
        "family_name": "Quistgaard-Vennick",
        "other_names": "Zora Quist",
        "date_of_birth": "1999-07-14",
        "gender": "Feminine",
        "citizenship": "UKR",
        "country_of_exploitation": "POL",
        "region": "PL-MZ",
        "phone": "+48601234987",
        "email": "zorabelle.q@example.org",
        "address": "12 Imaginary Street",
        "document_type": "Passport",
        "document_number": "XQ7781234",
        "trafficking_status": "PossibleVictimOfTrafficking",
        "status_decision_org": "Police",
        "exploitation_types": "SexualExploitation",
        "sexual_exploitation_types": "Prostitution",
        "means_of_control": "DebtBondage;WithholdsDocuments",
        "recruiter_relationship": "Stranger",
        "exploitation_months": "7",
        "narrative": "Recruited by Thessaly Brambleworth near the Orvanne bus depot",
    },
    {
        "record_id": "P-2",
        "identification_date": "2024-01-10",
        "given_name": "Okonkwo",
        "family_name": "Villanueva-Strand",
        "date_of_birth": "2008-11-30",
        "gender": "Masculine",
        "citizenship": "NGA",
        "country_of_exploitation": "POL",
        "phone": "+2348031112299",
        "trafficking_status": "ActualVictimOfTrafficking",
        "status_decision_org": "NGO",
        "exploitation_types": "ForcedLabour",
        "labour_sectors": "Agriculture",
        "means_of_control": "ExcessiveWorkingHours",
        "recruiter_relationship": "Acquaintance",
        "exploitation_months": "12",
        "narrative": "Worked on the Kestrelmoor estate without pay",
    },
    {
        "record_id": "P-3",
        "identification_date": "2024-06-21",
        "age": "31",
        "gender": "NonSpecifiedUnknown",
        "citizenship": "POL",
        "exploitation_types": "OrganRemoval",
    },
]

#: Every identifying value above: none may appear in a database dump, log or export.
CANARIES = sorted(
    {
        str(row[name])
        for row in CANARY_ROWS
        for name in (
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "phone",
            "email",
            "address",
            "document_number",
            "narrative",
        )
        if row.get(name)
    }
)


def write_intake(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
