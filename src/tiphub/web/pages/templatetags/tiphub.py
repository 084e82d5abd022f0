"""Template tags of the layout: the menu, the user's role, and server-rendered SVG charts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tiphub.web.accounts import policy
from tiphub.web.pages import nav
from tiphub.web.pages.statistics import Cell

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_items(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Menu entries for the current user."""
    request = context.get("request")
    return nav.items_for(getattr(request, "user", None), getattr(request, "path", ""))


@register.simple_tag(takes_context=True)
def user_role(context: dict[str, Any]) -> str:
    """The label of the user's role, and their agency code when they have one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    role = policy.role_of(user)
    if role is None:
        return ""
    account = policy.account_of(user)
    agency = account.agency.code if account and account.agency else ""
    return f"{role.label} · {agency}" if agency else str(role.label)


BAR_HEIGHT = 22
LABEL_WIDTH = 150
CHART_WIDTH = 560


@register.simple_tag
def bar_chart(cells: list[Cell], title: str) -> SafeString:
    """A horizontal bar chart as inline SVG (no script; readable without colour).

    `cells` have a `label`, a `count` (int, or None when suppressed) and a `display` (the text
    shown, e.g. '<11'). Suppressed cells get a hatched stub rather than a bar, so a reader never
    mistakes a hidden count for zero.
    """
    if not cells:
        return format_html('<p class="empty">{}</p>', "—")
    largest = max((c.count or 0) for c in cells) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 70
    height = BAR_HEIGHT * len(cells) + 8
    rows = []
    for i, cell in enumerate(cells):
        y = 4 + i * BAR_HEIGHT
        count = cell.count
        width = max(2, round(span * (count or 0) / largest)) if count else 6
        css = "bar" if count is not None else "bar suppressed"
        rows.append(
            (
                y + BAR_HEIGHT * 0.68,
                LABEL_WIDTH - 6,
                cell.label,
                LABEL_WIDTH,
                y + 3,
                width,
                BAR_HEIGHT - 6,
                css,
                LABEL_WIDTH + width + 6,
                y + BAR_HEIGHT * 0.68,
                cell.display,
            )
        )
    body = format_html_join(
        "",
        '<text x="{1}" y="{0}" text-anchor="end" class="label">{2}</text>'
        '<rect x="{3}" y="{4}" width="{5}" height="{6}" class="{7}"></rect>'
        '<text x="{8}" y="{9}" class="value">{10}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMinYMin meet"><title>{}</title>{}</svg>',
        title,
        CHART_WIDTH,
        height,
        title,
        body,
    )
