import stat

import pytest

from tiphub.linkage.keys import (
    KEY_BYTES,
    KeyFileError,
    derive_key,
    fingerprint,
    generate_key,
    read_key_file,
    write_key_file,
)


def test_a_written_key_reads_back_and_only_its_owner_can_read_it(tmp_path):
    path = tmp_path / "agency.key"
    key = write_key_file(path)
    assert len(key) == KEY_BYTES
    assert read_key_file(path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_key_is_never_overwritten_by_accident(tmp_path):
    path = tmp_path / "agency.key"
    first = write_key_file(path)
    with pytest.raises(KeyFileError, match="refusing to overwrite"):
        write_key_file(path)
    assert read_key_file(path) == first
    assert write_key_file(path, overwrite=True) != first


@pytest.mark.parametrize(
    "content", ["", "not a key\n", "tiphub-linkage-key-v1\nzz\n", "tiphub-linkage-key-v1\nabcd\n"]
)
def test_malformed_key_files_are_refused_without_echoing_them(tmp_path, content):
    path = tmp_path / "bad.key"
    path.write_text(content)
    with pytest.raises(KeyFileError) as error:
        read_key_file(path)
    assert "abcd" not in str(error.value)


def test_sub_keys_and_fingerprints_are_distinct_and_stable():
    key = generate_key()
    assert derive_key(key, "field/given_name") != derive_key(key, "field/family_name")
    assert fingerprint(key) == fingerprint(key)
    assert fingerprint(key) != fingerprint(generate_key())
    assert key.hex() not in fingerprint(key)
