"""Fixtures for registry tests (data in registry_data.py)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from registry_data import CANARY_ROWS, write_intake


@pytest.fixture
def intake_file(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (default: the canary rows) to an intake CSV and return its path."""
    counter = iter(range(1000))

    def make(rows: list[dict[str, Any]] | None = None, name: str | None = None) -> Path:
        target = tmp_path / (name or f"intake-{next(counter)}.csv")
        return write_intake(target, CANARY_ROWS if rows is None else rows)

    return make


@pytest.fixture(autouse=True)
def _fresh_keyring_cache() -> None:
    """Each test checks the key file against its own database (the cache is per process)."""
    from tiphub.web.registry import keys

    keys.forget()


@pytest.fixture
def private_key_file(tmp_path: Path, settings: Any) -> Path:
    """A key file of this test's own (for tests that rotate or replace keys)."""
    from tiphub.web.crypto import create_keyring
    from tiphub.web.registry import keys

    path = tmp_path / "keys" / "field.key"
    create_keyring(path)
    settings.FIELD_KEY_FILE = path
    keys.forget()
    return path
