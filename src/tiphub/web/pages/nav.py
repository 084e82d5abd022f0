"""Navigation: the one extension point through which a stage adds its pages to the menu.

A stage (linkage, estimation, indicators, screening, casework) registers its entry from its app's
`AppConfig.ready()`:

    from tiphub.web.pages.nav import NavItem, register
    register(NavItem("estimation", _("Estimation"), "estimation:index", "stats.view", order=60))

The menu shows an entry only to users for whom `policy.can(user, permission)` holds; the view
behind it must still check the policy itself (the menu is a convenience, not a guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiphub.web.accounts import policy


@dataclass(frozen=True)
class NavItem:
    """One menu entry: a URL name and the permission that makes it visible."""

    key: str
    label: str | Promise
    url_name: str
    permission: str | None = None
    order: int = 100


_REGISTRY: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    """Add (or replace, by key) a menu entry."""
    _REGISTRY[item.key] = item


def items_for(user: Any, path: str = "") -> list[dict[str, Any]]:
    """The entries this user may see, in order, with resolved URLs (`active` for `path`)."""
    entries = []
    for item in sorted(_REGISTRY.values(), key=lambda entry: (entry.order, entry.key)):
        if item.permission is not None and not policy.can(user, item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # a stage whose URLs are not installed in this deployment
        active = bool(path) and (path == url or (url != "/" and path.startswith(url)))
        entries.append({"key": item.key, "label": item.label, "url": url, "active": active})
    return entries


register(NavItem("home", _("Overview"), "pages:home", None, order=5))
register(NavItem("dashboard", _("Dashboard"), "pages:dashboard", "stats.view", order=10))
register(NavItem("records", _("Records"), "pages:records", "record.list", order=20))
register(NavItem("submissions", _("Submissions"), "pages:submissions", "submission.view", order=30))
register(NavItem("audit", _("Audit log"), "pages:audit", "audit.view", order=90))
register(NavItem("api", _("API"), "api-docs", "agency.view", order=95))
