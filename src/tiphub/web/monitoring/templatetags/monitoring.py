"""Template helpers of the indicator pages: published figures as text, and SVG charts.

Charts are inline SVG drawn on the server (no script, no CDN; colours are SVG attributes, so the
strict style CSP holds). They draw published figures only: a suppressed year has no point, only
its label ("<11", "x"), so a chart never shows more than the table under it. Bar charts are the
layout's `bar_chart` tag (tiphub.web.pages.templatetags.tiphub).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tiphub.web.numbers import format_number

if TYPE_CHECKING:  # (Django imports every tag library at start: no pandas here)
    from tiphub.exchange.summary import Figure

register = template.Library()

PALETTE = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
MUTED = "#5b6475"


@register.filter
def figure(fig: Figure | None, decimals: int = 0) -> str:
    """A published figure as text: its published sign ("<11", "x", "–"), or its published
    number with the reader's separators (never rounded again, so the page, the report and the
    files agree to the last digit); `decimals` only when the published text is not a number."""
    if fig is None:
        return ""
    if fig.value is None:
        return fig.display
    try:
        exact = Decimal(fig.display.replace(",", ""))
    except InvalidOperation:
        return format_number(fig.value, decimals)
    exponent = exact.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(exact, places)


@register.filter
def number(value: float | None, decimals: int = 0) -> str:
    """A number rounded half up to `decimals` (Django's own formatting would truncate)."""
    return "" if value is None else format_number(value, decimals)


@register.filter
def percent(share: float | None) -> str:
    return "" if share is None else f"{share:.0%}"


@register.filter
def meter_value(share: float | None) -> float:
    """Progress clipped to the meter's 0..1 range (the text shows the real share)."""
    return 0.0 if share is None else max(0.0, min(1.0, share))


def _nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


WIDTH, LEFT, RIGHT, TOP, PLOT_HEIGHT = 560, 56, 24, 14, 190


@register.simple_tag
def trend_chart(
    title: str,
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[Figure]]],
    estimates: dict[int, tuple[float, float, float]] | None = None,
    target: tuple[int, float, str] | None = None,
    estimate_label: str = "",
    decimals: int = 0,
) -> SafeString:
    """Lines by year (one per series), MSE estimates with their intervals, a target line.

    series: (name, one figure per year). estimates: year -> (total, low, high).
    target: (year, value, label).
    """
    if not years:
        return format_html('<p class="empty">{}</p>', "—")
    estimates = estimates or {}
    highs = [f.value for _n, figs in series for f in figs if f.value is not None]
    highs += [high for _t, _l, high in estimates.values()]
    if target is not None:
        highs.append(target[1])
    top = _nice_max(max(highs, default=1.0))
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(1, len(years) - 1) if len(years) > 1 else 0
    x_of = {y: LEFT + (i * step if len(years) > 1 else plot_width / 2) for i, y in enumerate(years)}
    base = TOP + PLOT_HEIGHT

    def y_of(v: float) -> float:
        return base - PLOT_HEIGHT * v / top

    axis_decimals = 0 if top >= 10 else 1 if top >= 1 else 2
    parts: list[SafeString] = []
    for i in range(5):  # grid and y axis labels
        v = top * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d5dae3"></line>'
                '<text x="{}" y="{}" text-anchor="end" class="value">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y_of(v):.1f}",
                f"{y_of(v):.1f}",
                LEFT - 6,
                f"{y_of(v) + 4:.1f}",
                format_number(v, axis_decimals),
            )
        )
    for y in years:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>',
                f"{x_of[y]:.1f}",
                base + 18,
                y,
            )
        )
    if target is not None:
        ty = y_of(target[1])
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="5 4" '
                'class="target"></line><text x="{}" y="{}" fill="{}" class="value">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{ty:.1f}",
                f"{ty:.1f}",
                PALETTE[2],
                LEFT + 4,
                f"{ty - 5:.1f}",
                PALETTE[2],
                target[2],
            )
        )
    for k, (name, figs) in enumerate(series):
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        points = [
            (x_of[y], y_of(f.value))
            for y, f in zip(years, figs, strict=True)
            if f.value is not None
        ]
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                    'stroke-dasharray="{}"><title>{}</title></polyline>',
                    " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points),
                    colour,
                    dash,
                    name,
                )
            )
        for y, f in zip(years, figs, strict=True):
            if f.value is not None:
                parts.append(
                    format_html(
                        '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{} {}: {}</title>'
                        "</circle>",
                        f"{x_of[y]:.1f}",
                        f"{y_of(f.value):.1f}",
                        colour,
                        name,
                        y,
                        figure(f, decimals),
                    )
                )
            elif f.display and len(series) == 1:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>',
                        f"{x_of[y]:.1f}",
                        base - 6,
                        f.display,
                    )
                )
    for y, (total, low, high) in sorted(estimates.items()):
        if y not in x_of:
            continue
        x = x_of[y] + 8
        parts.append(
            format_html(
                '<g class="estimate"><line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" '
                'stroke-width="1.5"></line><line x1="{4}" x2="{5}" y1="{1}" y2="{1}" '
                'stroke="{3}"></line><line x1="{4}" x2="{5}" y1="{2}" y2="{2}" stroke="{3}">'
                '</line><rect x="{6}" y="{7}" width="7" height="7" fill="{3}"></rect>'
                "<title>{8} {9}: {10} ({11}-{12})</title></g>",
                f"{x:.1f}",
                f"{y_of(low):.1f}",
                f"{y_of(high):.1f}",
                PALETTE[1],
                f"{x - 4:.1f}",
                f"{x + 4:.1f}",
                f"{x - 3.5:.1f}",
                f"{y_of(total) - 3.5:.1f}",
                estimate_label,
                y,
                format_number(total, 0),
                format_number(low, 0),
                format_number(high, 0),
            )
        )
    legend = [
        (name, PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)])
        for k, (name, _f) in enumerate(series)
    ]
    if estimates:
        legend.append((estimate_label, PALETTE[1], "1 0"))
    legend_top = base + 34
    for i, (name, colour, dash) in enumerate(legend):
        ly = legend_top + 18 * i
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="{}"></line><text x="{}" y="{}" class="label">{}</text>',
                LEFT,
                LEFT + 24,
                ly - 4,
                ly - 4,
                colour,
                dash,
                LEFT + 30,
                ly,
                name,
            )
        )
    height = legend_top + 18 * len(legend)
    return format_html(
        '<svg class="chart" role="img" aria-label="{0}" viewBox="0 0 {1} {2}" '
        'preserveAspectRatio="xMinYMin meet"><title>{0}</title>{3}</svg>',
        title,
        WIDTH,
        height,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping[key]` in a template (a suppressed cell's option for a dimension)."""
    return mapping.get(key, "")
