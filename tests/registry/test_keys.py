"""Key files against the database: missing or wrong keys fail clearly; rotation re-encrypts."""

import json
from pathlib import Path

import pytest
from django.db import connection
from typer.testing import CliRunner

from tiphub.cli.app import app
from tiphub.web.crypto import DecryptionError, KeyFileError, create_keyring
from tiphub.web.registry import keys, services
from tiphub.web.registry.models import KeyCheck, VictimRecord
from tiphub.web.registry.services import get_record, import_file

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_the_database_remembers_its_keys(private_key_file: Path, intake_file) -> None:
    import_file(intake_file(), "POL", None, create_agency=True)
    ring = keys.keyring()
    check = KeyCheck.objects.get()
    assert check.key_id == 1
    assert check.check_value == ring.check_value(1)
    assert set(VictimRecord.objects.values_list("key_id", flat=True)) == {1}


def test_a_wrong_key_file_is_refused_before_anything_is_read_or_written(
    private_key_file: Path, intake_file, tmp_path: Path, settings
) -> None:
    result = import_file(intake_file(), "POL", None, create_agency=True)
    stranger = tmp_path / "stranger.key"
    create_keyring(stranger)  # key id 1 too, but another key
    settings.FIELD_KEY_FILE = stranger
    keys.forget()
    with pytest.raises(KeyFileError, match="different key 1") as info:
        get_record(None, result.record_pks["P-1"])
    assert "Zorabelle" not in str(info.value)
    with pytest.raises(KeyFileError, match="different key 1"):
        import_file(intake_file(), "POL", None)
    outcome = runner.invoke(app, ["import", str(intake_file()), "--agency", "POL"])
    assert outcome.exit_code == 1
    assert "different key 1" in outcome.stderr
    assert "Traceback" not in outcome.output + outcome.stderr


def test_a_missing_key_file_says_what_to_do(private_key_file: Path, intake_file) -> None:
    result = import_file(intake_file(), "POL", None, create_agency=True)
    private_key_file.unlink()
    keys.forget()
    with pytest.raises(KeyFileError, match="no field-encryption key file"):
        get_record(None, result.record_pks["P-1"])
    # migrate must not make a new key for a database that has data under the lost one
    outcome = runner.invoke(app, ["migrate"])
    assert outcome.exit_code == 1
    assert "restore the key file" in outcome.stderr
    assert not private_key_file.exists()


def test_migrate_creates_a_missing_key_file_for_a_new_database(
    private_key_file: Path,
) -> None:
    private_key_file.unlink()
    keys.forget()
    outcome = runner.invoke(app, ["migrate"])
    assert outcome.exit_code == 0, outcome.stderr
    assert "created a new field-encryption key file" in outcome.stderr
    assert private_key_file.exists()
    assert oct(private_key_file.stat().st_mode & 0o777) == "0o600"
    assert KeyCheck.objects.filter(key_id=1).exists()


def test_a_ciphertext_moved_to_another_record_does_not_decrypt(
    private_key_file: Path, intake_file
) -> None:
    result = import_file(intake_file(), "POL", None, create_agency=True)
    p1, p2 = result.record_pks["P-1"], result.record_pks["P-2"]
    stolen = VictimRecord.objects.get(pk=p1).identity_ct
    table = VictimRecord._meta.db_table
    with connection.cursor() as cursor:  # what someone with database access might try
        cursor.execute(f"UPDATE {table} SET identity_ct = %s WHERE id = %s", [stolen, p2])  # noqa: S608
    with pytest.raises(DecryptionError, match="moved to another row"):
        get_record(None, p2)


def test_rotation_re_encrypts_every_row_and_keeps_search_working(
    private_key_file: Path, intake_file
) -> None:
    result = import_file(intake_file(), "POL", None, create_agency=True)
    before = {r.record_id: r for r in VictimRecord.objects.all()}
    outcome = runner.invoke(app, ["keys", "rotate", "--batch-size", "2"])
    assert outcome.exit_code == 0, outcome.stderr
    assert "re-encrypted 3 row(s)" in outcome.stderr  # P-3 has no identity but is re-keyed
    after = {r.record_id: r for r in VictimRecord.objects.all()}
    assert {r.key_id for r in after.values()} == {2}
    p1 = after["P-1"]
    assert bytes(p1.identity_ct) != bytes(before["P-1"].identity_ct)
    assert p1.bi_full_name != before["P-1"].bi_full_name
    assert p1.fingerprint != before["P-1"].fingerprint
    assert p1.gender == before["P-1"].gender
    keys.forget()
    assert get_record(None, p1.pk).identity["family_name"] == "Quistgaard-Vennick"
    q = services.blind_index_filter(full_name="Zorabelle Quistgaard-Vennick")
    assert list(VictimRecord.objects.filter(q).values_list("pk", flat=True)) == [p1.pk]
    ring = json.loads(private_key_file.read_text())
    assert [(k["id"], k["status"]) for k in ring["keys"]] == [(1, "retired"), (2, "active")]
    assert set(KeyCheck.objects.values_list("key_id", flat=True)) == {1, 2}
    again = import_file(intake_file(), "POL", None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)  # fingerprints re-keyed
    assert VictimRecord.objects.get(record_id="P-1").pk == result.record_pks["P-1"]


def test_an_interrupted_rotation_leaves_everything_readable(
    private_key_file: Path, intake_file
) -> None:
    result = import_file(intake_file(), "POL", None, create_agency=True)
    keys.keyring().rotated().save()
    keys.forget()
    from tiphub.web.registry import rotation

    assert rotation.reencrypt_batch(2, 1) == 1  # one row done, then "the power fails"
    assert sorted(VictimRecord.objects.values_list("key_id", flat=True)) == [1, 1, 2]
    for pk in result.record_pks.values():
        get_record(None, pk)  # rows under either key decrypt
    q = services.blind_index_filter(date_of_birth="2008-11-30")
    assert VictimRecord.objects.filter(q).count() == 1  # search spans both keys
    outcome = runner.invoke(app, ["keys", "reencrypt"])
    assert outcome.exit_code == 0, outcome.stderr
    assert set(VictimRecord.objects.values_list("key_id", flat=True)) == {2}
    status = runner.invoke(app, ["keys", "status", "--json"])
    data = json.loads(status.stdout)
    assert [(k["id"], k["status"], k["used_by"]) for k in data["keys"]] == [
        (1, "retired", []),
        (2, "active", ["registry.victimrecord"]),
    ]
