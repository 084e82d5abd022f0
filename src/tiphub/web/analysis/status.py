"""The landing page's status of the linkage and estimation stages (tiphub.web.pages.stages).

A stage is available once it has run. The landing page is seen by every role, so the public
`detail` holds no count; the figures (persons found, the estimate and its interval) and the
links are shown only to roles that may open the stage's page.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiphub.web.pages.stages import StageStatus, package_has_code, register_status

INTERVAL_NAMES = {
    "wald": gettext_lazy("Wald"),
    "profile": gettext_lazy("profile-likelihood"),
    "bootstrap": gettext_lazy("BCa bootstrap"),
}


def linkage_status() -> StageStatus:
    from tiphub.web.analysis.models import LinkageRun

    installed = package_has_code("tiphub.linkage")
    latest = LinkageRun.objects.first()
    if latest is None:
        return StageStatus(
            installed,
            gettext_lazy("No linkage run yet."),
            "linkage:index",
            available=False,
            permission="linkage.run",
        )
    return StageStatus(
        installed,
        _("Last run %(when)s, %(mode)s.")
        % {"when": f"{latest.created_at:%Y-%m-%d}", "mode": latest.get_mode_display()},
        "linkage:index",
        available=True,
        permission="linkage.run",
        figures=_("%(records)s records from %(lists)d agencies → %(persons)s unique persons.")
        % {
            "records": f"{latest.records:,}",
            "lists": len(latest.agencies),
            "persons": f"{latest.persons:,}",
        },
    )


def estimation_status() -> StageStatus:
    from tiphub.web.analysis.models import EstimateRun

    installed = package_has_code("tiphub.estimation")
    latest = EstimateRun.objects.first()
    if latest is None:
        return StageStatus(
            installed,
            gettext_lazy("No estimate yet."),
            "estimation:index",
            available=False,
            permission="estimation.run",
        )
    high = "–" if latest.ci_high is None else f"{latest.ci_high:,.0f}"
    figures = _(
        "%(observed)s persons identified; estimated total %(total)s "
        "(%(level)s %(method)s interval %(low)s to %(high)s)."
    ) % {
        "observed": f"{latest.observed:,}",
        "total": f"{latest.total:,.0f}",
        "level": f"{latest.ci_level:.0%}",
        "method": INTERVAL_NAMES.get(latest.ci_method, latest.ci_method),
        "low": f"{latest.ci_low:,.0f}",
        "high": high,
    }
    if latest.by:
        figures += " " + _("All strata pooled; by %(by)s on its page.") % {
            "by": ", ".join(latest.by)
        }
    return StageStatus(
        installed,
        _("Last estimate %(when)s.") % {"when": f"{latest.created_at:%Y-%m-%d}"},
        "estimation:index",
        available=True,
        permission="estimation.run",
        figures=figures,
    )


def register() -> None:
    register_status("linkage", linkage_status)
    register_status("estimation", estimation_status)
