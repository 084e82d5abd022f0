import dataclasses

import numpy as np
import pyarrow.parquet as pq
import pytest

from tiphub.linkage.encoder import EncodeError, Encoder, value_tokens, write_encodings
from tiphub.linkage.keys import fingerprint
from tiphub.linkage.prepare import filter_words
from tiphub.linkage.settings import DEFAULT_SETTINGS, EncoderSettings, FieldSpec

from .conftest import OTHER_KEY, TEST_KEY

GIVEN_ONLY = EncoderSettings(fields=(FieldSpec("given_name", "name"),))
SALTED = EncoderSettings(
    fields=(FieldSpec("given_name", "name"), FieldSpec("date_of_birth", "date", bits=256)),
    salt="birth_year",
    salted_fields=("given_name",),
)


def dice(a: np.ndarray, b: np.ndarray) -> float:
    shared = np.bitwise_count(a.view(np.uint64) & b.view(np.uint64)).sum()
    total = np.bitwise_count(a.view(np.uint64)).sum() + np.bitwise_count(b.view(np.uint64)).sum()
    return float(2 * shared / total)


def test_the_same_identity_gives_the_same_filters_and_tokens(people):
    table = Encoder(TEST_KEY).encode(people, agency="POL")
    names, _ = filter_words(table.column("name_bf"))
    assert np.array_equal(names[0], names[3])  # 'María José García-López' == 'maria jose ...'
    assert table.column("bk_0")[0] == table.column("bk_0")[3]
    assert table.column("bk_0")[0] != table.column("bk_0")[1]


def test_similar_names_have_similar_filters_and_unrelated_names_do_not(people):
    frame = people.copy()
    frame["given_name"] = ["Michaela", "Micheala", "Bartholomew", "Michaela"]
    words, _ = filter_words(
        Encoder(TEST_KEY, GIVEN_ONLY).encode(frame, agency="X")["given_name_bf"]
    )
    assert dice(words[0], words[1]) > 0.7
    assert dice(words[0], words[2]) < 0.5
    assert dice(words[0], words[3]) == 1.0


def test_a_different_key_gives_unrelated_filters_and_tokens(people):
    mine = Encoder(TEST_KEY).encode(people, agency="POL")
    theirs = Encoder(OTHER_KEY).encode(people, agency="POL")
    a, _ = filter_words(mine["name_bf"])
    b, _ = filter_words(theirs["name_bf"])
    assert dice(a[0], b[0]) < 0.6
    assert not set(mine["bk_0"].to_pylist()) & set(theirs["bk_0"].to_pylist()) - {None}


def test_salting_separates_equal_names_born_in_different_years(people):
    frame = people.copy()
    frame["date_of_birth"] = ["1990-04-12", "1990-04-12", "1991-01-01", "1991-04-12"]
    frame["given_name"] = "Maria"
    words, _ = filter_words(Encoder(TEST_KEY, SALTED).encode(frame, agency="X")["given_name_bf"])
    assert np.array_equal(words[0], words[1])
    assert dice(words[0], words[3]) < 0.6
    plain = Encoder(TEST_KEY, GIVEN_ONLY).encode(frame, agency="X")
    unsalted, _ = filter_words(plain["given_name_bf"])
    assert np.array_equal(unsalted[0], unsalted[3])


def test_year_buckets_let_an_age_based_year_meet_the_true_one(people):
    """Two filters per salted field, on the 2-year buckets at offsets 0 and 1: years one apart
    share one of them, years further apart share none."""
    settings = dataclasses.replace(SALTED, salt_width=2)
    frame = people.assign(given_name="Maria", date_of_birth=["1990-04-12", "", "", "1994-01-01"])
    frame["year"], frame["age"] = ["2024"] * 4, ["", "33", "36", ""]
    table = Encoder(TEST_KEY, settings).encode(frame, agency="X")
    first, _ = filter_words(table["given_name_bf"])
    second, _ = filter_words(table["given_name_bf1"])
    shared = [
        np.array_equal(first[0], first[i]) or np.array_equal(second[0], second[i]) for i in range(4)
    ]
    assert shared == [
        True,
        True,
        False,
        False,
    ]  # 1990 ~ 2024-33 = 1991; not 2024-36 = 1988, not 1994


def test_balanced_filters_have_exactly_half_their_bits_set(people):
    settings = dataclasses.replace(DEFAULT_SETTINGS, balanced=True)
    table = Encoder(TEST_KEY, settings).encode(people, agency="X")
    words, present = filter_words(table["name_bf"])
    counts = np.bitwise_count(words.view(np.uint64)).sum(axis=1)
    assert table.schema.field("name_bf").type.byte_width == 2 * 1024 // 8
    assert set(counts[present]) == {1024}


def test_missing_values_give_null_filters_and_null_tokens(people):
    table = Encoder(TEST_KEY).encode(people, agency="X")
    assert table["date_of_birth_bf"][2].as_py() is None
    assert table["bk_2"][2].as_py() is None  # family name + date of birth
    assert table["name_bf"][2].as_py() is not None


def test_the_output_holds_no_identity_only_filters_tokens_and_statistics(people, tmp_path):
    table = Encoder(TEST_KEY).encode(people, agency="POL")
    path = tmp_path / "POL.parquet"
    write_encodings(table, str(path))
    names = set(pq.read_schema(path).names)
    assert names == {
        "agency", "record_id", "name_bf", "date_of_birth_bf", "birth_year_bf", "sex_bf",
        "citizenship_bf",
        "bk_0", "bk_1", "bk_2", "bk_3", "bk_4", "year", "sex", "age_band", "citizenship",
    }  # fmt: skip
    raw = path.read_bytes()
    for secret in (b"Garc", b"garc", b"Hassan", b"hassan", b"1990", b"19900412", b"Olena"):
        assert secret not in raw
    assert TEST_KEY not in raw
    assert TEST_KEY.hex().encode() not in raw
    meta = pq.read_schema(path).metadata
    assert meta[b"tiphub.linkage.key_fingerprint"] == fingerprint(TEST_KEY).encode()


@pytest.mark.parametrize(
    ("change", "column", "row"),
    [
        ({"record_id": ["1", "2", "2", "4"]}, "record_id", 2),
        ({"record_id": ["1", "", "3", "4"]}, "record_id", 1),
        ({"date_of_birth": ["1990-04-12", "soon", "", ""]}, "date_of_birth", 1),
    ],
)
def test_bad_input_names_row_and_column_but_not_the_value(people, change, column, row):
    frame = people.assign(**change)
    with pytest.raises(EncodeError) as error:
        Encoder(TEST_KEY).encode(frame, agency="X")
    assert (error.value.column, error.value.row) == (column, row)
    assert "soon" not in str(error.value)


def test_date_tokens_survive_a_day_month_swap_partially():
    spec = FieldSpec("date_of_birth", "date", bits=256, hashes=12)
    a, b = set(value_tokens("19900412", spec)), set(value_tokens("19901204", spec))
    assert "u0412" in a & b
    assert len(a & b) >= 5
