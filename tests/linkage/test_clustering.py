"""Records into persons: connected components against average-linkage re-clustering."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from tiphub.linkage.clustering import cluster
from tiphub.linkage.linker import LinkConfig
from tiphub.linkage.prepare import context_columns, same_value_groups


def _pairs(edges: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["uid_l", "uid_r", "match_probability"])


def _groups(clusters: pd.DataFrame) -> set[frozenset[int]]:
    return {frozenset(g["uid"]) for _, g in clusters.groupby("cluster_id")}


#: Two persons of three records each, every pair within a person linked, and one link between
#: them (two namesakes born a day apart): a chain held by one link.
CHAIN = _pairs(
    [
        (0, 1, 0.99),
        (0, 2, 0.98),
        (1, 2, 0.97),
        (3, 4, 0.99),
        (3, 5, 0.96),
        (4, 5, 0.99),
        (2, 3, 0.7),
    ]
)


def test_components_chain_two_persons_through_one_link():
    assert _groups(cluster(CHAIN, 6, 0.5, "components")) == {frozenset(range(6))}


def test_average_linkage_splits_a_chain_held_by_one_link():
    assert _groups(cluster(CHAIN, 6, 0.5, "average")) == {
        frozenset({0, 1, 2}),
        frozenset({3, 4, 5}),
    }


def test_average_linkage_keeps_a_person_whose_records_are_mostly_linked():
    # four records of one person; one pair (0, 3) was never scored (typo and missing date)
    pairs = _pairs([(0, 1, 0.99), (0, 2, 0.9), (1, 2, 0.95), (1, 3, 0.9), (2, 3, 0.8)])
    assert _groups(cluster(pairs, 5, 0.5, "average")) == {frozenset({0, 1, 2, 3}), frozenset({4})}


def test_a_lower_average_threshold_keeps_chains_together():
    # mean probability between the two persons: 0.7 / 9 pairs = 0.078
    assert _groups(cluster(CHAIN, 6, 0.5, "average", average_threshold=0.05)) == {
        frozenset(range(6))
    }


def test_pairs_below_the_threshold_never_join_records():
    pairs = _pairs([(0, 1, 0.49), (1, 2, 0.2)])
    for method in ("average", "components"):
        assert _groups(cluster(pairs, 3, 0.5, method)) == {frozenset({i}) for i in range(3)}


def test_an_unknown_clustering_method_is_refused():
    with pytest.raises(ValueError, match="clustering"):
        LinkConfig(clustering="single")  # type: ignore[arg-type]


def test_equal_filters_share_a_group_and_count_it():
    words = np.array([[1, 2], [1, 2], [3, 4], [0, 0]], dtype=np.uint64)
    present = np.array([True, True, True, False])
    key, count = same_value_groups([(words, present)])
    assert key[0] == key[1] != key[2]
    assert count.tolist() == [2, 2, 1, 0]


def test_context_columns_read_the_statistical_columns_and_leave_unknowns_null():
    table = pa.table(
        {
            "year": ["2024", "", "2025"],
            "region": ["North", "_U", "South"],
            "form_sexual": ["true", "false", ""],
            "form_labour": ["false", "true", ""],
            "sex": ["F", "M", "F"],
        }
    )
    columns = context_columns(table)
    assert sorted(columns) == ["ctx_forms", "ctx_region", "ctx_year"]
    assert columns["ctx_year"].to_pylist() == [2024, None, 2025]
    assert columns["ctx_region"].to_pylist() == ["North", None, "South"]
    assert columns["ctx_forms"].to_pylist() == [1, 2, None]


def test_a_component_too_large_for_one_matrix_is_split_at_a_higher_threshold_first(monkeypatch):
    # With room for 4 records only, the 6-record chain is first cut at a stricter threshold
    # (0.75 for 0.5): the weak link (0.7) goes, each person is then clustered on its own.
    monkeypatch.setattr("tiphub.linkage.clustering.MAX_DENSE", 4)
    assert _groups(cluster(CHAIN, 6, 0.5, "average")) == {
        frozenset({0, 1, 2}),
        frozenset({3, 4, 5}),
    }
