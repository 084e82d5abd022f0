"""Labelled benchmark data sets in the encoder's shape (tests and `bench/` only).

FEBRL4 (5,000 originals, 5,000 corrupted duplicates) carries addresses as well as names and
dates, so its settings encode those too, and block as Splink's "wide" FEBRL rules do (date of
birth, postcode, surname, given name + suburb, address) plus the name/date combinations of the
default settings. Given and family names share one filter, as by default; no token holds a
single name (that would reveal how common each name is).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from tiphub.linkage.settings import DEFAULT_SETTINGS, EncoderSettings, FieldSpec

FEBRL_SETTINGS = EncoderSettings(
    fields=(
        FieldSpec("name", "name", bits=1024, hashes=20, sources=("given_name", "family_name")),
        FieldSpec("date_of_birth", "date", bits=256, hashes=12),
        FieldSpec("address", "text"),
        FieldSpec("address_2", "text"),
        FieldSpec("suburb", "text"),
        FieldSpec("postcode", "text", bits=256, hashes=12),
        FieldSpec("state", "code", bits=64, hashes=8, q=1),
    ),
    blocking_keys=(
        ("given_name", "family_name", "date_of_birth.year"),
        ("family_name", "date_of_birth"),
        ("given_name", "date_of_birth"),
        ("date_of_birth",),
        ("postcode",),
        ("given_name", "family_name"),
        ("given_name", "suburb"),
        ("address",),
    ),
)

#: The default settings with one filter per name (as plaintext mode compares them): the
#: frequency attack's easy target, kept as the control of the attack test.
SEPARATE_NAMES_SETTINGS = replace(
    DEFAULT_SETTINGS,
    fields=(
        FieldSpec("given_name", "name"),
        FieldSpec("family_name", "name"),
        *DEFAULT_SETTINGS.fields[1:],
    ),
)

#: fake_1000 also has city and email.
FAKE_1000_SETTINGS = replace(
    DEFAULT_SETTINGS,
    fields=(
        *DEFAULT_SETTINGS.fields[:2],
        FieldSpec("city", "text"),
        FieldSpec("email", "text"),
    ),
)


def _febrl_file(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"rec_id": "record_id", "surname": "family_name"})
    frame["address"] = (frame["street_number"] + " " + frame["address_1"]).str.strip()
    return frame.drop(columns=["soc_sec_id", "street_number", "address_1"])


def febrl4(directory: Path) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """(A, B, true pairs as (record_id in A, record_id in B))."""
    links = pd.read_csv(directory / "febrl4_true_links.csv", dtype=str)
    truth = set(zip(links["rec_id_a"], links["rec_id_b"], strict=True))
    return _febrl_file(directory / "febrl4_a.csv"), _febrl_file(directory / "febrl4_b.csv"), truth


def fake_1000(directory: Path) -> pd.DataFrame:
    """Splink's fake_1000 in the linkage CSV shape, with the true `cluster`."""
    frame = pd.read_csv(directory / "splink_fake_1000.csv", dtype=str, keep_default_na=False)
    return frame.rename(
        columns={
            "unique_id": "record_id",
            "first_name": "given_name",
            "surname": "family_name",
            "dob": "date_of_birth",
        }
    )[["record_id", "given_name", "family_name", "date_of_birth", "city", "email", "cluster"]]
