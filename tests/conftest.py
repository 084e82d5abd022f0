"""Test-wide configuration.

- Each test session gets its own `var/` directory, field-encryption key and SQLite file, so tests
  never touch a developer's data and run in parallel (pytest-xdist).
- Tests that use the database get the `db` marker automatically; `.ci/run` re-runs them on
  PostgreSQL with `pytest -m db`.
- A skipped test fails the run: CI must not pass by skipping (no silent skips).
"""

import os
from pathlib import Path

import pytest

# The private var/ directory and key file of each test process are set in
# tiphub.web.test_settings: pytest-django reads the settings before this file is imported.


@pytest.fixture(scope="session", autouse=True)
def _field_key_file() -> None:
    """Every test process gets its own field-encryption key (what `tiphub migrate` creates)."""
    from django.conf import settings

    from tiphub.web.crypto import create_keyring

    path = Path(settings.FIELD_KEY_FILE)
    if not path.exists():
        create_keyring(path)


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


def _flush_past_audit_triggers() -> None:
    """Let Django's test flush (transactional tests) empty the append-only audit table.

    The audit table refuses DELETE and TRUNCATE through database triggers; between transactional
    tests Django flushes every table, so the test run drops the triggers for the flush and puts
    them back at once. Production code never does this.
    """
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self: flush.Command, **options: object) -> None:
        from django.db import connections

        from tiphub.web.audit import triggers

        connection = connections[str(options.get("database") or "default")]
        triggers.uninstall(connection)
        try:
            original(self, **options)
        finally:
            triggers.install(connection)

    flush.Command.handle = handle  # type: ignore[method-assign]


_flush_past_audit_triggers()
