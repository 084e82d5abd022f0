"""Which pipeline stages this installation has, and whether they have data (landing page).

A stage is *installed* when its core package has code (more than an empty `__init__`) or, for
web-only stages such as casework, when its Django app is in INSTALLED_APPS; it is *available*
when it has run or holds data (linkage: a run kept; estimation: an estimate kept; indicators: a
release computed). A stage's web app registers that status (what it holds, where its page is)
from its `AppConfig.ready()`:

    from tiphub.web.pages.stages import register_status
    register_status(
        "linkage",
        lambda: StageStatus(True, _("last run 2024-05-02"), "linkage:index", available=True,
                            permission="linkage.run", figures=_("1,904 records -> 1,310 persons")),
    )

The landing page is seen by every role, so `detail` must hold no count; `figures` (counts,
estimates) and the link are shown only to users whose role has `permission`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Stage:
    key: str
    label: str | Promise
    purpose: str | Promise
    package: str | None = None  # core package, e.g. "tiphub.linkage"
    app: str | None = None  # Django app, e.g. "tiphub.web.casework"


@dataclass(frozen=True)
class StageStatus:
    installed: bool
    detail: str | Promise = ""
    url_name: str | None = None
    #: Has run or holds data; None: the same as `installed` (a stage with nothing to run).
    available: bool | None = None
    #: Who may follow the link and read `figures` (None: everyone who sees the landing page).
    permission: str | None = None
    figures: str | Promise = ""


STAGES = (
    Stage(
        "standard",
        _("Data standard"),
        _("Validate and normalise agency files (HTCDS intake, CTDC export)."),
        package="tiphub.standard",
    ),
    Stage(
        "linkage",
        _("Linkage"),
        _("Find the same person across agencies without sharing identities."),
        package="tiphub.linkage",
    ),
    Stage(
        "estimation",
        _("Estimation"),
        _("Multiple systems estimation of the hidden number of victims."),
        package="tiphub.estimation",
    ),
    Stage(
        "indicators",
        _("Indicators"),
        _("SDG 16.2.2, GLOTIP tables and action-plan indicators."),
        package="tiphub.indicators",
    ),
    Stage(
        "screening",
        _("Screening"),
        _("Screen a person against established indicator sets (ILO/EC)."),
        package="tiphub.screening",
    ),
    Stage(
        "casework",
        _("Casework"),
        _("National referral mechanism: cases, referrals, deadlines, follow-up."),
        app="tiphub.web.casework",
    ),
)

_status_providers: dict[str, Callable[[], StageStatus]] = {}


def register_status(key: str, provider: Callable[[], StageStatus]) -> None:
    """Let a stage describe itself on the landing page (called from its AppConfig.ready)."""
    _status_providers[key] = provider


def package_has_code(name: str) -> bool:
    """True when the package exists and holds at least one module besides `__init__`."""
    try:
        package = importlib.import_module(name)
    except ImportError:
        return False
    path = getattr(package, "__path__", None)
    return bool(path) and any(True for _ in pkgutil.iter_modules(path))


def _default_status(stage: Stage) -> StageStatus:
    if stage.key == "standard":
        from tiphub.web.registry.models import VictimRecord

        return StageStatus(
            package_has_code("tiphub.standard"),
            url_name="pages:submissions",
            available=VictimRecord.objects.exists(),
            permission="submission.view",
        )
    if stage.app is not None:
        return StageStatus(apps.is_installed(stage.app))
    return StageStatus(package_has_code(stage.package or ""), available=False)


def stage_rows(records_shown: str | None, user: Any = None) -> list[dict[str, Any]]:
    """One row per stage: label, purpose, installed, available, detail and a link when it has
    a page the user may open.

    `records_shown` is the user's count of stored records as they may see it (None: no access
    to statistics), used as the data standard's detail.
    """
    from tiphub.web.accounts import policy

    rows = []
    for stage in STAGES:
        provider = _status_providers.get(stage.key)
        status = provider() if provider is not None else _default_status(stage)
        allowed = status.permission is None or policy.can(user, status.permission)
        detail = status.detail
        if stage.key == "standard" and status.installed and not detail and records_shown:
            detail = _("%(n)s records stored in the registry") % {"n": records_shown}
        url = None
        if status.url_name and allowed:
            try:
                url = reverse(status.url_name)
            except NoReverseMatch:
                url = None
        available = status.installed if status.available is None else status.available
        rows.append(
            {
                "key": stage.key,
                "label": stage.label,
                "purpose": stage.purpose,
                "installed": status.installed,
                "available": status.installed and available,
                "detail": detail,
                "figures": status.figures if allowed else "",
                "url": url,
            }
        )
    return rows
