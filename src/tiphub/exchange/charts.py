"""Charts for the national report (matplotlib, returned as SVG or PNG bytes).

Charts draw published figures only: a suppressed bar is left empty and labelled with its
display text ("<5" / "x"), so a chart never shows more than the tables.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PALETTE = ["#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000", "#2E75B6"]
plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})


def _render(fig: plt.Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format=fmt,
        bbox_inches="tight",
        dpi=150,
        metadata={"Date": None} if fmt == "svg" else None,
    )
    plt.close(fig)
    return buf.getvalue()


def trend(
    years: Sequence[int],
    values: Sequence[float | None],
    labels: Sequence[str],
    estimates: dict[int, tuple[float, float, float]],
    target: tuple[int, float] | None = None,
    fmt: str = "svg",
) -> bytes:
    """Detected victims per year, MSE estimates with their intervals, and the target."""
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    xs = [y for y, v in zip(years, values, strict=True) if v is not None]
    ys = [v for v in values if v is not None]
    ax.plot(xs, ys, marker="o", color=PALETTE[0], label="Detected victims")
    for y, v, lab in zip(years, values, labels, strict=True):
        if v is None:
            ax.annotate(lab, (y, 0), ha="center", va="bottom", color="#666")
    if estimates:
        ey = sorted(estimates)
        mid = [estimates[y][0] for y in ey]
        lo = [estimates[y][0] - estimates[y][1] for y in ey]
        hi = [estimates[y][2] - estimates[y][0] for y in ey]
        ax.errorbar(
            ey,
            mid,
            yerr=[lo, hi],
            fmt="s",
            color=PALETTE[1],
            capsize=4,
            label="Estimated total (MSE, 95% CI)",
        )
    if target is not None:
        ax.axhline(target[1], color=PALETTE[2], linestyle="--", linewidth=1)
        ax.annotate(
            f"target {target[1]:,.0f} by {target[0]}",
            (xs[0] if xs else 0, target[1]),
            va="bottom",
            color=PALETTE[2],
        )
    ax.set_xticks(list(years))
    ax.set_ylim(bottom=0)
    ax.set_ylabel("victims")
    ax.legend(frameon=False, loc="upper left", fontsize=8)
    return _render(fig, fmt)


def bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    displays: Mapping[str, Sequence[str]],
    title: str,
    fmt: str = "svg",
) -> bytes:
    """Grouped horizontal bars; suppressed values drawn empty with their label."""
    n = len(categories)
    k = max(1, len(series))
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * n * max(1, k * 0.6) + 0.8))
    height = 0.8 / k
    for j, (name, vals) in enumerate(series.items()):
        pos = [i + j * height for i in range(n)]
        widths = [v or 0 for v in vals]
        ax.barh(pos, widths, height=height, color=PALETTE[j % len(PALETTE)], label=name)
        for p, v, d in zip(pos, vals, displays[name], strict=True):
            ax.annotate(
                d if v is None else f"{v:,.0f}",
                (v or 0, p),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
    ax.set_yticks([i + height * (k - 1) / 2 for i in range(n)])
    ax.set_yticklabels(categories)
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=9)
    if k > 1:
        ax.legend(frameon=False, fontsize=8)
    return _render(fig, fmt)


def estimate(
    observed: float | None, total: float, low: float, high: float, level: float, fmt: str = "svg"
) -> bytes:
    """Detected versus estimated total victims, with the estimate's confidence interval."""
    fig, ax = plt.subplots(figsize=(6.4, 1.6))
    if observed is not None:
        ax.barh([1], [observed], color=PALETTE[0])
        ax.annotate(
            f"detected {observed:,.0f}",
            (observed, 1),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    ax.barh([0], [total], color=PALETTE[1], alpha=0.5)
    ax.errorbar(
        [total], [0], xerr=[[total - low], [high - total]], fmt="o", color=PALETTE[1], capsize=5
    )
    ax.annotate(
        f"estimated {total:,.0f} ({level:.0%} CI {low:,.0f}-{high:,.0f})",
        (high, 0),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
    )
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["estimated total", "detected"])
    ax.set_xlim(0, high * 1.6)
    return _render(fig, fmt)


def progress(labels: Sequence[str], shares: Sequence[float | None], fmt: str = "svg") -> bytes:
    """Progress from baseline (0 %) to target (100 %) per target."""
    fig, ax = plt.subplots(figsize=(6.4, 0.5 * len(labels) + 0.8))
    vals = [0 if s is None else max(-0.2, min(1.2, s)) for s in shares]
    colors = [PALETTE[2] if (s or 0) >= 1 else PALETTE[0] for s in shares]
    ax.barh(range(len(labels)), vals, color=colors)
    for i, s in enumerate(shares):
        ax.annotate(
            "suppressed" if s is None else f"{s:.0%}",
            (vals[i], i),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.axvline(1.0, color="#888", linestyle=":")
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlim(-0.2, 1.35)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    return _render(fig, fmt)
