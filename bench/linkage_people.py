"""A large labelled population for the linkage benchmarks: people with duplicate records.

FEBRL-like, at any size: names drawn from Faker's name lists of several locales (heavy-tailed
frequencies), dates of birth over 1940-2010, and about 30% duplicate records, each with about
20% of its fields mistyped (insert, delete, substitute, transpose), 5% missing, plus day/month
swaps and given/family swaps. Deterministic for a seed. Not the synthetic country of
`tiphub synth` (whose agencies and capture model matter for estimation); this one exists to
stress the linker at a million records.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

LOCALES = ("en_US", "es_ES", "fr_FR", "ru_RU", "uk_UA", "ar_AA", "pt_BR", "vi_VN", "ro_RO")


def _names() -> tuple[list[str], list[str]]:
    import importlib

    given: set[str] = set()
    family: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names_female", "first_names_male", "first_names"):
            names = getattr(provider, attribute, ())
            given.update(names if not isinstance(names, dict) else names.keys())
        names = getattr(provider, "last_names", ())
        family.update(names if not isinstance(names, dict) else names.keys())
    return sorted(given), sorted(family)


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 2:
        return text
    i = int(rng.integers(0, len(text)))
    kind = int(rng.integers(0, 4))
    letter = string.ascii_lowercase[int(rng.integers(0, 26))]
    if kind == 0:
        return text[:i] + letter + text[i:]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + letter + text[i + 1 :]
    j = min(i + 1, len(text) - 1)
    chars = list(text)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def make_people(n_records: int, *, duplicates: float = 0.3, seed: int = 1) -> pd.DataFrame:
    """`n_records` records (record_id, given_name, family_name, date_of_birth, sex, person)."""
    rng = np.random.default_rng(seed)
    given, family = _names()
    n_people = int(n_records * (1 - duplicates))

    # Zipf-like popularity: a few names are very common, most are rare.
    def pick(pool: list[str], size: int) -> np.ndarray:
        weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.7
        order = rng.permutation(len(pool))
        return np.array(pool, dtype=object)[order][
            rng.choice(len(pool), size, p=weights / weights.sum())
        ]

    people = pd.DataFrame(
        {
            "given_name": pick(given, n_people),
            "family_name": pick(family, n_people),
            "date_of_birth": (
                pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 25_500, n_people), "D")
            ).strftime("%Y-%m-%d"),
            "sex": rng.choice(np.array(["F", "M"], dtype=object), n_people),
            "person": np.arange(n_people),
        }
    )
    extra = rng.integers(0, n_people, n_records - n_people)
    dups = people.iloc[extra].reset_index(drop=True)
    for column in ("given_name", "family_name"):
        values = dups[column].to_numpy(dtype=object)
        draw = rng.random(len(values))
        for i in np.flatnonzero(draw < 0.20):
            values[i] = _typo(rng, values[i])
        values[draw > 0.95] = ""
        dups[column] = values
    dob = dups["date_of_birth"].to_numpy(dtype=object)
    draw = rng.random(len(dob))
    for i in np.flatnonzero(draw < 0.10):
        y, m, d = dob[i].split("-")
        dob[i] = f"{y}-{d}-{m}" if int(d) <= 12 else f"{y}-{m}-{int(d) % 28 + 1:02d}"
    for i in np.flatnonzero((draw >= 0.10) & (draw < 0.15)):
        dob[i] = f"{int(dob[i][:4]) + int(rng.choice([-1, 1]))}{dob[i][4:]}"
    dob[draw > 0.95] = ""
    dups["date_of_birth"] = dob
    swap = rng.random(len(dups)) < 0.02
    dups.loc[swap, ["given_name", "family_name"]] = dups.loc[
        swap, ["family_name", "given_name"]
    ].to_numpy()
    frame = pd.concat([people, dups], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame.insert(0, "record_id", [f"r{i}" for i in range(len(frame))])
    return frame
