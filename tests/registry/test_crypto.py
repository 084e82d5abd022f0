"""Field encryption: keyring file, AES-GCM ciphertexts bound to their rows, blind indexes."""

import base64
import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiphub.web.crypto import (
    BlindIndexer,
    DecryptionError,
    FieldCipher,
    KeyFileError,
    create_keyring,
    load_keyring,
    normalise_name,
)
from tiphub.web.crypto.cipher import PAD_TO

ROW = ("registry.victimrecord", "identity", 3, "P-0001")


@pytest.fixture
def ring(tmp_path: Path):
    return create_keyring(tmp_path / "keys" / "field.key")


def test_new_key_file_is_private_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "field.key"
    ring = create_keyring(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_keyring(path)
    assert loaded.active_id == ring.active_id == 1
    assert loaded.check_value(1) == ring.check_value(1)
    data = json.loads(path.read_text())
    assert data["format"] == "tiphub-keyring"
    assert data["version"] == 1
    assert len(base64.b64decode(data["keys"][0]["key"])) == 32


def test_create_refuses_to_overwrite(ring, tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="already exists"):
        create_keyring(tmp_path / "keys" / "field.key")


def test_missing_key_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="tiphub migrate") as info:
        load_keyring(tmp_path / "nowhere.key")
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\xff not json", "not a tiphub key file"),
        (b'{"format": "other"}', "not a tiphub key file"),
        (b'{"format": "tiphub-keyring", "version": 9, "keys": []}', "version 9"),
        (b'{"format": "tiphub-keyring", "version": 1, "active": 1, "keys": []}', "no keys"),
        (
            b'{"format": "tiphub-keyring", "version": 1, "active": 1,'
            b' "keys": [{"id": 1, "key": "c2hvcnQ=", "status": "active"}]}',
            "not 256 bits",
        ),
        (
            b'{"format": "tiphub-keyring", "version": 1, "active": 2,'
            b' "keys": [{"id": 1, "key": "' + base64.b64encode(b"k" * 32) + b'"}]}',
            "'active' must name",
        ),
    ],
)
def test_malformed_key_files_fail_clearly(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "field.key"
    path.write_bytes(content)
    with pytest.raises(KeyFileError, match=message):
        load_keyring(path)


def test_key_material_never_in_repr_or_errors(ring) -> None:
    material = ring.entries[1].material
    encoded = base64.b64encode(material).decode()
    assert encoded not in repr(ring)
    assert material.hex() not in repr(ring)
    other = FieldCipher(ring.rotated())
    token = other.encrypt(b"x", ROW)
    with pytest.raises(KeyFileError) as info:
        FieldCipher(ring).decrypt(token, ROW)
    assert encoded not in str(info.value)


def test_round_trip_and_nonce_uniqueness(ring) -> None:
    cipher = FieldCipher(ring)
    a = cipher.encrypt("María José".encode(), ROW)
    b = cipher.encrypt("María José".encode(), ROW)
    assert a != b  # random nonces: equal plaintexts give unrelated ciphertexts
    assert cipher.decrypt(a, ROW).decode() == "María José"
    assert a[0] == 1
    assert FieldCipher.key_id_of(a) == 1


def test_ciphertext_cannot_move_to_another_row_or_column(ring) -> None:
    cipher = FieldCipher(ring)
    token = cipher.encrypt_json({"given_name": "Ana"}, ROW)
    for other in [
        ("registry.victimrecord", "identity", 3, "P-0002"),  # another record
        ("registry.victimrecord", "identity", 4, "P-0001"),  # same id, another agency
        ("registry.victimrecord", "sensitive", 3, "P-0001"),  # another column
        ("casework.case", "identity", 3, "P-0001"),  # another table
    ]:
        with pytest.raises(DecryptionError, match="moved to another row"):
            cipher.decrypt_json(token, other)


def test_tampered_ciphertext_or_header_fails(ring) -> None:
    cipher = FieldCipher(ring)
    token = bytearray(cipher.encrypt(b"secret narrative", ROW))
    token[-1] ^= 1
    with pytest.raises(DecryptionError):
        cipher.decrypt(bytes(token), ROW)
    with pytest.raises(DecryptionError, match="format version"):
        cipher.decrypt(b"\x07" + bytes(token[1:]), ROW)
    with pytest.raises(DecryptionError, match="truncated"):
        cipher.decrypt(b"\x01\x00", ROW)


def test_wrong_key_file_fails_clearly(ring, tmp_path: Path) -> None:
    token = FieldCipher(ring).encrypt(b"Ana", ROW)
    stranger = create_keyring(tmp_path / "other.key")  # also key id 1, different key
    with pytest.raises(DecryptionError, match="wrong key file"):
        FieldCipher(stranger).decrypt(token, ROW)


def test_rotation_keeps_old_ciphertexts_readable(ring) -> None:
    old = FieldCipher(ring).encrypt(b"Ana", ROW)
    rotated = ring.rotated()
    assert rotated.active_id == 2
    assert rotated.entries[1].status == "previous"
    cipher = FieldCipher(rotated)
    new = cipher.encrypt(b"Ana", ROW)
    assert FieldCipher.key_id_of(new) == 2
    assert cipher.decrypt(old, ROW) == cipher.decrypt(new, ROW) == b"Ana"
    rotated.save()
    assert load_keyring(rotated.path).key_ids == [1, 2]  # type: ignore[arg-type]
    assert stat.S_IMODE(os.stat(rotated.path).st_mode) == 0o600  # type: ignore[arg-type]
    retired = rotated.with_retired({1})
    assert retired.entries[1].status == "retired"
    with pytest.raises(KeyFileError):
        rotated.with_retired({2})


def test_json_documents_are_padded(ring) -> None:
    cipher = FieldCipher(ring)
    short = cipher.encrypt_json({"given_name": "Al"}, ROW)
    longer = cipher.encrypt_json({"given_name": "Alexandra"}, ROW)
    assert len(short) == len(longer)  # lengths only in steps of PAD_TO
    assert (len(short) - 33) % PAD_TO == 0


_SHARED_CIPHER = FieldCipher(create_keyring(Path(tempfile.mkdtemp()) / "k"))


@given(st.dictionaries(st.sampled_from(["given_name", "narrative", "phone"]), st.text(max_size=60)))
def test_json_round_trip_any_text(document: dict[str, str]) -> None:
    cipher = _SHARED_CIPHER
    assert cipher.decrypt_json(cipher.encrypt_json(document, ROW), ROW) == document


def test_blind_index_is_keyed_and_normalised(ring, tmp_path: Path) -> None:
    index = BlindIndexer(ring)
    assert index.full_name("María", "LÓPEZ") == index.full_name("lopez", "maria")
    assert index.full_name("Maria", "Lopez") != index.full_name("Mario", "Lopez")
    assert index.date_of_birth("2001-02-03") != index.family_name("2001-02-03")  # kinds differ
    assert index.document("ab 12-345") == index.document("AB12345")
    assert index.full_name("", "") == ""  # nothing to index
    other = BlindIndexer(create_keyring(tmp_path / "other.key"))
    assert other.full_name("Maria", "Lopez") != index.full_name("Maria", "Lopez")
    import hashlib

    unkeyed = hashlib.sha256(b"lopez maria").hexdigest()
    assert unkeyed[:32] != index.full_name("Maria", "Lopez")


def test_name_normalisation_keeps_other_scripts() -> None:
    assert normalise_name("  Żółć-GĘŚLĄ ") == "zołc gesla"  # ł has no decomposition
    assert normalise_name("Олена Коваль") == "олена коваль"
    assert normalise_name("محمد  علي") == "محمد علي"
    assert normalise_name("B A", sort_words=True) == "a b"


def _load_or_message(path: Path):
    try:
        return load_keyring(path), ""
    except KeyFileError as exc:
        return None, str(exc)


@given(
    st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(
                    st.sampled_from(["format", "version", "active", "keys", "id", "key", "status"]),
                    children,
                    max_size=5,
                )
            ),
            max_leaves=20,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_any_key_file_content_loads_or_fails_with_key_file_error(content: bytes) -> None:
    """Whatever is in the key file, loading gives a ring or a plain KeyFileError, never a crash."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "field.key"
        path.write_bytes(content)
        ring, message = _load_or_message(path)
        if ring is None:
            assert str(path) in message
        else:
            assert ring.active_id in ring.entries


@given(st.binary(max_size=80))
def test_any_ciphertext_bytes_fail_cleanly(token: bytes) -> None:
    with pytest.raises((DecryptionError, KeyFileError)):
        _SHARED_CIPHER.decrypt(token, ROW)
