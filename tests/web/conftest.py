"""Fixtures of the web tests: two agencies, one user per role, records and submissions in both.

Records made here go straight through the ORM (statistical columns only, no ciphertext): the
access tests are about who reaches which row, not about encryption. The end-to-end tests
(`test_flows.py`, `test_browser.py`, `test_canary.py`) import real files through the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tiphub.web.accounts.models import Account
from tiphub.web.accounts.roles import roles

from .support import OTHER, OWN, PASSWORD, make_record


@pytest.fixture(autouse=True)
def fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    """Argon2 is slow by design; fixtures hash with MD5 unless a test asks for `real_hashing`.

    The deployment's hashers are checked in test_auth.py::test_passwords_are_hashed_with_argon2.
    """
    if "real_hashing" not in request.keywords:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]


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


@pytest.fixture
def indicator_release(stored: dict[str, Any], role_users: dict[str, Any]) -> Any:
    """A computed indicator release over the stored records (the indicator pages read it)."""
    from tiphub.web.monitoring.services import compute_release

    return compute_release(role_users["statistician"])
