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
