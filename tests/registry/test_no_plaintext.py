"""A dump of the whole database holds no identifying value (privacy-requirements A2.1).

Canary identities (hand-made and a synthetic country's) are imported, read, searched and exported;
then every table is dumped as text (SQLite: `iterdump`; PostgreSQL: every row as text) and searched
for each value, in its original, lower- and upper-case forms, as UTF-8 hex and in base64 at every
alignment, and for unkeyed SHA-256 hashes of it.
"""

import base64
import hashlib
from pathlib import Path

import pytest
from django.db import connection
from registry_data import CANARIES
from typer.testing import CliRunner

from tiphub.cli.app import app
from tiphub.standard.dictionary import intake_fields
from tiphub.standard.synth import SynthConfig, generate_country, write_country
from tiphub.web.registry import services
from tiphub.web.registry.models import VictimRecord

pytestmark = pytest.mark.django_db

IDENTIFYING = [spec.name for spec in intake_fields() if spec.identifying]
HEX = set("0123456789abcdef")


def dump_database() -> str:
    """Every row of every table as text."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')  # noqa: S608
            parts.extend(row[0] for row in cursor.fetchall())
    return "\n".join(parts)


def forms(value: str) -> set[str]:
    """The spellings of a value that a careless store could leave readable."""
    raw = value.encode("utf-8")
    spelled = {value, value.lower(), value.upper(), raw.hex(), raw.hex().upper()}
    spelled |= {hashlib.sha256(v.encode()).hexdigest() for v in (value, value.lower())}
    for shift in range(3):  # base64 of a longer text containing the value, at each alignment
        encoded = base64.b64encode(b"\x00" * shift + raw).decode()
        start = -(-shift * 4 // 3) + (1 if shift else 0)
        inner = encoded[start:].rstrip("=")[:-2] if len(raw) > 3 else ""
        if len(inner) >= 8:
            spelled.add(inner)
    return spelled


def searchable(value: str) -> bool:
    """Long and distinctive enough that finding it in a dump is not chance (random hex/codes)."""
    text = value.strip()
    return len(text) >= 6 and not set(text.lower()) <= HEX


def assert_absent(dump: str, values: list[str]) -> None:
    leaks = sorted(
        {f"{value!r} as {form!r}" for value in values for form in forms(value) if form in dump}
    )
    assert not leaks, f"identifying values readable in the database dump: {leaks[:10]}"


def test_forms_of_a_value_are_found_when_present() -> None:
    """The checker itself finds what it looks for (so the real test can fail)."""
    secret = "Zorabelle Quistgaard"
    for text in (
        f"x{secret}y",
        secret.lower(),
        secret.encode().hex(),
        base64.b64encode(b"ab" + secret.encode() + b"cd").decode(),
        base64.b64encode(b"a" + secret.encode()).decode(),
        hashlib.sha256(secret.encode()).hexdigest(),
    ):
        with pytest.raises(AssertionError):
            assert_absent(text, [secret])


def test_dump_holds_none_of_the_canaries(intake_file, tmp_path: Path) -> None:
    result = services.import_file(intake_file(), "POL", "cli:test", create_agency=True)
    for pk in result.record_pks.values():
        services.get_record("cli:test", pk, purpose="dump test")  # reads are audited
    q = services.blind_index_filter(full_name="Zorabelle Quistgaard-Vennick")
    assert VictimRecord.objects.filter(q).count() == 1
    services.export_ctdc(tmp_path / "ctdc.csv", actor="cli:test")
    dump = dump_database()
    assert "registry_victimrecord" in dump or "P-1" in dump  # the dump is not empty
    assert_absent(dump, CANARIES)
    narrative_words = ["Brambleworth", "Thessaly", "Orvanne", "Kestrelmoor", "Quistgaard"]
    assert_absent(dump, narrative_words)
    export = (tmp_path / "ctdc.csv").read_text()
    assert_absent(export, CANARIES)


@pytest.mark.slow
def test_dump_holds_none_of_a_synthetic_countrys_identities(tmp_path: Path) -> None:
    country = generate_country(SynthConfig(victims=400, agencies=3, seed=7))
    write_country(country, tmp_path)
    values: set[str] = set()
    for agency in country.agencies:
        result = services.import_file(
            tmp_path / f"{agency.code}.csv", agency.code, None, create_agency=True
        )
        assert result.ok, result.report
        for row in country.records[agency.code]:
            values |= {row[name] for name in IDENTIFYING if row.get(name)}
    outcome = CliRunner().invoke(app, ["export", "ctdc", "--out", str(tmp_path / "all.csv")])
    assert outcome.exit_code == 0, outcome.stderr
    dump = dump_database()
    checked = sorted(v for v in values if searchable(v))
    assert len(checked) > 300  # names, dates of birth, phones, e-mails, narratives
    assert_absent(dump, checked)
    assert_absent((tmp_path / "all.csv").read_text(), checked)
