"""Fixtures of the web tests: two agencies, one user per role, records and submissions in both.

Records made here go straight through the ORM (statistical columns only, no ciphertext): the
access tests are about who reaches which row, not about encryption. The end-to-end tests
(`test_flows.py`, `test_browser.py`, `test_canary.py`) import real files through the registry.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tiphub.web.accounts.models import Account
from tiphub.web.accounts.roles import roles

from .support import OTHER, OWN, PASSWORD, make_record


@pytest.fixture(scope="session", autouse=True)
def field_key_file() -> Iterator[Path]:
    """A field-encryption key of this test session, never the developer's `var/keys`.

    pytest-django loads the settings before tests/conftest.py sets TIPHUB_KEY_FILE, so the
    settings' path is pointed at the session's key file here.
    """
    from django.conf import settings

    from tiphub.web.crypto import KeyFileError
    from tiphub.web.crypto.keyring import create_keyring
    from tiphub.web.registry import keys

    path = Path(os.environ["TIPHUB_KEY_FILE"])
    if not path.exists():
        with contextlib.suppress(KeyFileError):  # another xdist worker made it first
            create_keyring(path)
    previous = settings.FIELD_KEY_FILE
    settings.FIELD_KEY_FILE = path
    keys.forget()
    yield path
    settings.FIELD_KEY_FILE = previous
    keys.forget()


@pytest.fixture
def agencies(db: Any) -> dict[str, Any]:
    from tiphub.web.registry.models import Agency, AgencyKind

    return {
        OWN: Agency.objects.create(
            code=OWN, name="National Police", kind=AgencyKind.LAW_ENFORCEMENT
        ),
        OTHER: Agency.objects.create(code=OTHER, name="Shelter NGO", kind=AgencyKind.NGO),
    }


@pytest.fixture
def make_user(db: Any, agencies: dict[str, Any]) -> Callable[..., Any]:
    """make_user(role, agency_code_or_None, name=None) -> a user with a tiphub account."""

    def make(role: str, agency: str | None = OWN, name: str | None = None) -> Any:
        spec = roles()[role]
        agency_code = agency if spec.agency_bound else None
        username = name or f"{role}-{agency_code or 'national'}".lower()
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        Account.objects.create(
            user=user, role=role, agency=agencies[agency_code] if agency_code else None
        )
        return user

    return make


@pytest.fixture
def role_users(make_user: Callable[..., Any]) -> dict[str, Any]:
    """One user per role in the roles file (agency roles work for POL)."""
    return {code: make_user(code) for code in roles()}


@pytest.fixture
def stored(agencies: dict[str, Any], role_users: dict[str, Any]) -> dict[str, Any]:
    """A submission and a few records in each agency; record ids name their agency."""
    from tiphub.web.registry.models import Submission

    out: dict[str, Any] = {}
    for code, agency in agencies.items():
        submission = Submission.objects.create(
            agency=agency,
            file_name=f"{code.lower()}-2023.csv",
            sha256="0" * 64,
            status="succeeded",
            uploaded_by=role_users["data_officer"] if code == OWN else None,
            rows_total=3,
            rows_created=3,
        )
        records = [
            make_record(agency, f"{code}-REC-{i}", submission=submission, year=2020 + i)
            for i in range(3)
        ]
        out[code] = {"submission": submission, "records": records}
    return out
