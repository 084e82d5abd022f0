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
            # No count here: the landing page is seen by every role, and a national count of
            # presumed victims would bypass the agency scope and the minimum-cell rule.
            return StageStatus(
                True, _("Screening page; Kobo/ODK forms and their import"), "screening:screen"
            )

        register_status("screening", status)

        from tiphub.web.pages.views.submissions import register_upload
        from tiphub.web.screening.forms import ExportUploadForm

        register_upload("screening/_import_form.html", ExportUploadForm)
