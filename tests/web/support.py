"""Helpers shared by the web tests (constants, record factory, logged-in clients)."""

from __future__ import annotations

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
