from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "tiphub.web.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from tiphub.web.pages.nav import NavItem, register
        from tiphub.web.pages.stages import StageStatus, register_status

        register(
            NavItem("screening", _("Screening"), "screening:screen", "screening.use", order=15)
        )

        def status() -> StageStatus:
            from tiphub.web.screening.models import ScreeningOutcome

            count = ScreeningOutcome.objects.count()
            detail = _("%(n)s presumed victims recorded from field screenings") % {"n": count}
            return StageStatus(True, detail if count else "", "screening:screen")

        register_status("screening", status)
