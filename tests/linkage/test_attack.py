"""Attacks on our own encodings (the issue's privacy acceptance tests).

The attacker is as strong as it gets for a frequency attack: it knows the exact ranking of the
commonest names (and full names) of the very population that was encoded (FEBRL4, 10,000
records), and matches them to the largest groups of equal filters.
"""

import numpy as np
import pandas as pd
import pytest

from tiphub.linkage.attack import frequency_attack
from tiphub.linkage.datasets import FEBRL_SETTINGS, SEPARATE_NAMES_SETTINGS
from tiphub.linkage.encoder import Encoder
from tiphub.linkage.linker import LinkConfig, link
from tiphub.linkage.normalise import normalise_series
from tiphub.linkage.prepare import InputError, from_tables, read_encodings
from tiphub.linkage.settings import DEFAULT_SETTINGS

from .conftest import OTHER_KEY, TEST_KEY


@pytest.fixture(scope="module")
def population(febrl) -> tuple[pd.DataFrame, pd.DataFrame]:
    a, b, _ = febrl
    frame = pd.concat([a, b], ignore_index=True)
    truth = pd.DataFrame(
        {c: normalise_series(frame[c], "name") for c in ("given_name", "family_name")}
    )
    return frame, truth


def _commonest(values: pd.Series, n: int) -> list[str]:
    return values[values != ""].value_counts().index[:n].tolist()


def _commonest_full(truth: pd.DataFrame, n: int) -> list[tuple[str, str]]:
    named = truth[(truth["given_name"] != "") & (truth["family_name"] != "")]
    return list(named.value_counts().index[:n])


@pytest.mark.parametrize("top", [10, 50, 200])
def test_a_frequency_attack_with_the_commonest_names_reidentifies_under_1_percent(population, top):
    """Default settings: one filter for the full name. The attacker tries both priors: the
    population's commonest full names, and the commonest given x family names."""
    frame, truth = population
    table = Encoder(TEST_KEY, DEFAULT_SETTINGS).encode(frame, agency="X")
    given, family = _commonest(truth["given_name"], top), _commonest(truth["family_name"], top)
    crossed = [(g, f) for g in given for f in family][:top]
    for prior in (_commonest_full(truth, top), crossed):
        attack = frequency_attack(table, truth, given, family, prior)
        assert attack.records == 10_000
        assert attack.rate < 0.01, attack


def test_the_same_attack_succeeds_against_one_filter_per_name(population):
    """The control: it shows the attack is real, and why the default joins the names."""
    frame, truth = population
    table = Encoder(TEST_KEY, SEPARATE_NAMES_SETTINGS).encode(frame, agency="X")
    attack = frequency_attack(
        table, truth, _commonest(truth["given_name"], 50), _commonest(truth["family_name"], 50)
    )
    assert attack.rate > 0.05, attack


@pytest.mark.slow
def test_encodings_made_with_a_different_key_link_nothing(febrl):
    a, b, _ = febrl
    mine = Encoder(TEST_KEY, FEBRL_SETTINGS).encode(a, agency="A")
    theirs = Encoder(OTHER_KEY, FEBRL_SETTINGS).encode(b, agency="B")
    data = from_tables([mine, theirs], allow_mixed_keys=True)
    result = link(data, LinkConfig(threshold=0.5))
    persons = result.clusters.groupby("person_id")["agency"].nunique()
    assert int(np.sum(persons > 1)) == 0  # not one cross-agency person out of 5,000 true ones


def test_the_linker_refuses_files_encoded_with_different_keys(people, tmp_path):
    from tiphub.linkage.encoder import write_encodings

    write_encodings(Encoder(TEST_KEY).encode(people, agency="A"), str(tmp_path / "A.parquet"))
    write_encodings(Encoder(OTHER_KEY).encode(people, agency="B"), str(tmp_path / "B.parquet"))
    with pytest.raises(InputError, match="another key"):
        read_encodings([str(tmp_path / "A.parquet"), str(tmp_path / "B.parquet")])
