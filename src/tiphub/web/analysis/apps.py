from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    """Linkage (records -> persons) and estimation (persons -> the hidden figure) pages."""

    name = "tiphub.web.analysis"
    label = "analysis"
    verbose_name = "Linkage and estimation"

    def ready(self) -> None:
        from tiphub.web.analysis import status
        from tiphub.web.pages.nav import NavItem, register

        register(NavItem("linkage", _("Linkage"), "linkage:index", "linkage.run", 40))
        register(NavItem("linkage-submit", _("Linkage"), "linkage:index", "linkage.submit", 40))
        register(NavItem("estimation", _("Estimation"), "estimation:index", "estimation.run", 45))
        status.register()
