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
