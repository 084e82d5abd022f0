"""Records into persons: clusters from the pairwise match probabilities.

Connected components of the pairs at or above the threshold (what Splink's
`cluster_pairwise_predictions_at_threshold` does) join A and C as soon as A-B and B-C pass, even
when A and C have nothing in common. In a large population two people who share a common name
and a near birth date are linked by one such step, their other records by the next, and whole
families of namesakes chain into one "person"; siblings identified together (same family name,
case, region and time) chain the same way.

`average` clustering keeps components whose records are all linked to each other. Any other
component is re-clustered by average linkage on the probabilities of all its pairs (a pair that
was never a candidate, or scored below what was kept, counts as 0): two groups merge only while
the mean probability over every pair between them reaches the threshold. A true person whose
records are mostly linked to each other stays whole; a chain held by one link splits.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

ClusterMethod = Literal["average", "components"]
CLUSTER_METHODS: tuple[str, ...] = ("average", "components")
#: Components larger than this are first split at rising thresholds (a dense matrix of a
#: component's pairs is k^2 probabilities).
MAX_DENSE = 4_000


def _components(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), (n, n))
    return connected_components(graph, directed=False)[1]


def connected_components(pairs: pd.DataFrame, n_records: int, threshold: float) -> np.ndarray:
    """Component label of each record over the pairs at or above `threshold`."""
    kept = pairs[pairs["match_probability"] >= threshold]
    return _components(
        kept["uid_l"].to_numpy(dtype=np.int64), kept["uid_r"].to_numpy(dtype=np.int64), n_records
    )


def cluster(
    pairs: pd.DataFrame,
    n_records: int,
    threshold: float,
    method: ClusterMethod = "average",
    average_threshold: float | None = None,
) -> pd.DataFrame:
    """(uid, cluster_id) of every record. `pairs` holds uid_l, uid_r, match_probability.
    With "average", groups of a loose component stay together while their mean probability
    reaches `average_threshold` (by default `threshold`)."""
    labels = connected_components(pairs, n_records, threshold)
    if method == "average":
        cut = threshold if average_threshold is None else average_threshold
        labels = _split_loose_components(pairs, labels, threshold, cut)
    elif method != "components":
        raise ValueError(f"unknown clustering method {method!r}")
    return pd.DataFrame({"uid": np.arange(n_records, dtype=np.int64), "cluster_id": labels})


def _split_loose_components(
    pairs: pd.DataFrame, labels: np.ndarray, threshold: float, cut: float
) -> np.ndarray:
    """Re-cluster, by average linkage, each component that is not fully linked at `threshold`."""
    sizes = np.bincount(labels)
    left = pairs["uid_l"].to_numpy(dtype=np.int64)
    right = pairs["uid_r"].to_numpy(dtype=np.int64)
    probability = pairs["match_probability"].to_numpy(dtype=float)
    inside = (labels[left] == labels[right]) & (sizes[labels[left]] >= 3)
    left, right, probability = left[inside], right[inside], probability[inside]
    strong = np.bincount(labels[left[probability >= threshold]], minlength=len(sizes))
    complete = strong == sizes * (sizes - 1) // 2
    loose = np.flatnonzero((sizes >= 3) & ~complete)
    if not len(loose):
        return labels
    out = labels.copy()
    next_label = int(labels.max()) + 1
    order = np.argsort(labels[left], kind="stable")
    left, right, probability = left[order], right[order], probability[order]
    starts = np.searchsorted(labels[left], loose, side="left")
    ends = np.searchsorted(labels[left], loose, side="right")
    # each loose component's records, from one sort (not one scan of all records per component)
    by_label = np.argsort(labels, kind="stable")
    first = np.searchsorted(labels[by_label], loose, side="left")
    for component, start, end, at in zip(loose, starts, ends, first, strict=True):
        members = by_label[at : at + sizes[component]]
        groups = _average_linkage(
            members, left[start:end], right[start:end], probability[start:end], cut
        )
        for group in groups[1:]:
            out[group] = next_label
            next_label += 1
    return out


def _average_linkage(
    members: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    threshold: float,
) -> list[np.ndarray]:
    """Groups of `members` by average linkage on 1 - probability, cut at 1 - threshold."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(members) < 2:
        return [members]
    if len(members) > MAX_DENSE:  # split at a higher threshold first, then each part
        higher = min(1.0 - (1.0 - threshold) / 2, 0.999_999)
        if higher <= threshold:
            return [members]
        index = pd.Index(members)
        local_l, local_r = index.get_indexer(left), index.get_indexer(right)
        keep = probability >= higher
        parts = _components(local_l[keep], local_r[keep], len(members))
        out: list[np.ndarray] = []
        for part in np.unique(parts):
            mask = (parts[local_l] == part) & (parts[local_r] == part)
            out += _average_linkage(
                members[parts == part], left[mask], right[mask], probability[mask], threshold
            )
        return out
    index = pd.Index(members)
    i, j = index.get_indexer(left), index.get_indexer(right)
    similarity = np.zeros((len(members), len(members)))
    similarity[i, j] = probability
    similarity[j, i] = probability
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    groups = fcluster(tree, t=1.0 - threshold + 1e-12, criterion="distance")
    return [members[groups == g] for g in np.unique(groups)]
