"""Pictures that let a statistician judge a link: where the threshold falls among the match
weights (a good model shows two humps with a valley between them, and the threshold sits in the
valley) and how large the clusters are (many huge clusters mean the threshold is too low)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def weight_histogram_png(histogram: pd.DataFrame, threshold: float, path: Path) -> Path:
    """Bar chart of candidate pairs by match weight, log count scale, threshold marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=110)
    ax.bar(
        histogram["weight_from"],
        histogram["pairs"],
        width=(histogram["weight_to"] - histogram["weight_from"]),
        align="edge",
        color="#3b6ea5",
    )
    weight = math.log2(threshold / (1 - threshold))
    ax.axvline(weight, color="#c0392b", linestyle="--", label=f"threshold p={threshold:g}")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("match weight (log2 Bayes factor)")
    ax.set_ylabel("candidate pairs")
    ax.set_title("Match weights of candidate pairs")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def cluster_sizes_png(sizes: pd.Series, path: Path) -> Path:
    """Bar chart: how many persons have 1, 2, 3... records."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    ax.bar(sizes.index.astype(str), sizes.to_numpy(), color="#2e8b57")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("records per person (cluster size)")
    ax.set_ylabel("persons")
    ax.set_title(f"Cluster sizes ({int(sizes.sum())} persons)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
