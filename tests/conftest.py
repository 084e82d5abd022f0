"""Test-wide configuration.

- Each test session gets its own `var/` directory, field-encryption key and SQLite file, so tests
  never touch a developer's data and run in parallel (pytest-xdist).
- Tests that use the database get the `db` marker automatically; `.ci/run` re-runs them on
  PostgreSQL with `pytest -m db`.
- A skipped test fails the run: CI must not pass by skipping (no silent skips).
"""

import os
import tempfile
from pathlib import Path

import pytest

_session_dir = Path(tempfile.mkdtemp(prefix="tiphub-test-"))
os.environ.setdefault("TIPHUB_VAR_DIR", str(_session_dir / "var"))
os.environ.setdefault("TIPHUB_KEY_FILE", str(_session_dir / "keys" / "field.key"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if item.get_closest_marker("django_db") or {"db", "transactional_db", "client"} & set(
            fixtures
        ):
            item.add_marker(pytest.mark.db)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped and not os.environ.get("TIPHUB_ALLOW_SKIPS"):
        terminalreporter.write_line(
            f"{len(skipped)} test(s) skipped: skips are failures in tiphub (see conftest.py)",
            red=True,
        )
        config._tiphub_skipped = True  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if getattr(session.config, "_tiphub_skipped", False) and exitstatus == 0:
        session.exitstatus = 1
