"""Fixtures for the casework tests: agencies, one user per casework role, a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from casework_support import START
from django.contrib.auth import get_user_model

from tiphub.workflow import FrozenClock, SystemClock


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow by design; casework tests are not about passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    from tiphub.web.casework import services

    frozen = FrozenClock(START)
    services.set_clock(frozen)
    yield frozen
    services.set_clock(SystemClock())


@pytest.fixture
def agencies(db: Any) -> dict[str, Any]:
    from tiphub.web.registry.models import Agency, AgencyKind

    specs = {
        "POL": ("National Police", AgencyKind.LAW_ENFORCEMENT),
        "ATU": ("Anti-trafficking unit (competent authority)", AgencyKind.CENTRAL_GOVERNMENT),
        "SHE": ("Shelter NGO", AgencyKind.NGO),
        "CPS": ("Child protection services", AgencyKind.LOCAL_GOVERNMENT),
        "IOM": ("Return and reintegration partner", AgencyKind.OTHER),
        "IMM": ("Immigration service", AgencyKind.IMMIGRATION_SERVICE),
    }
    return {
        code: Agency.objects.create(code=code, name=name, kind=kind)
        for code, (name, kind) in specs.items()
    }


@pytest.fixture
def make_user(agencies: dict[str, Any]) -> Callable[..., Any]:
    from tiphub.web.accounts.models import Account

    def make(role: str, agency: str, name: str | None = None) -> Any:
        username = name or f"{role}-{agency}".lower()
        user = get_user_model().objects.create_user(username=username, password="x" * 20)
        Account.objects.create(user=user, role=role, agency=agencies[agency])
        return user

    return make


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    """The cast of the worked cases, each in their agency."""
    return {
        "police": make_user("first_responder", "POL"),
        "police_boss": make_user("supervisor", "POL"),
        "authority": make_user("competent_authority", "ATU"),
        "shelter": make_user("caseworker", "SHE"),
        "shelter_boss": make_user("supervisor", "SHE"),
        "cpo": make_user("child_protection_officer", "CPS"),
        "cpo2": make_user("child_protection_officer", "CPS", name="cpo-two"),
        "panel": make_user("bid_panel_member", "CPS"),
        "iom": make_user("return_coordinator", "IOM"),
        "immigration": make_user("immigration_officer", "IMM"),
        "stranger": make_user("caseworker", "IMM", name="stranger"),
    }
