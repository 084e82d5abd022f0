from typing import Any

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Indicator pages: SDG 16.2.2, GLOTIP, targets, action plans and publications."""

    name = "tiphub.web.monitoring"
    label = "monitoring"
    verbose_name = "Indicators and publications"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from tiphub.web.pages.nav import NavItem, register

        register(
            NavItem("indicators", _("Indicators"), "monitoring:index", "indicators.view", order=50)
        )
        from tiphub.web.pages.stages import register_status

        register_status("indicators", indicators_status)


def indicators_status() -> Any:
    """The landing page's indicators stage: available once a release is computed; its headline
    (SDG 16.2.2, the estimate) for roles that may read the indicator pages."""
    from django.utils.translation import gettext as _

    from tiphub.web.monitoring.services import latest_release
    from tiphub.web.pages.stages import StageStatus, package_has_code

    installed = package_has_code("tiphub.indicators")
    release = latest_release()
    if release is None:
        return StageStatus(
            installed, _("No release computed yet."), "monitoring:index", False, "indicators.view"
        )
    shown = {
        v["indicator"]: v
        for v in release.values
        if v.get("year") == release.reference_year and not v.get("disaggregation")
    }
    parts = []
    if "VC_HTF_DETV" in shown:
        counted = _("persons") if release.unduplicated else _("records")
        parts.append(
            _("SDG 16.2.2 detected victims %(n)s (%(counted)s)")
            % {"n": shown["VC_HTF_DETV"]["display"], "counted": counted}
        )
    if "DETV_RATE" in shown:
        parts.append(_("%(rate)s per 100,000") % {"rate": shown["DETV_RATE"]["display"]})
    if "MSE_TOTAL" in shown:
        parts.append(_("estimated total %(e)s") % {"e": shown["MSE_TOTAL"]["display"]})
    return StageStatus(
        installed,
        _("Release of %(when)s, reference year %(year)s.")
        % {"when": f"{release.created_at:%Y-%m-%d}", "year": release.reference_year},
        "monitoring:index",
        True,
        "indicators.view",
        "; ".join(parts) + ("." if parts else ""),
    )
