from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "tiphub.web.casework"
    label = "casework"
    verbose_name = "NRM casework"

    def ready(self) -> None:
        from tiphub.web.casework import rotation
        from tiphub.web.pages.nav import NavItem, register
        from tiphub.web.registry import keys

        keys.register_reencryptor(rotation.REENCRYPTOR)
        from tiphub.web.pages.stages import StageStatus, register_status

        register_status(
            "casework",
            lambda: StageStatus(
                True, _("Deadlines from the jurisdiction profile"), "casework:tasks"
            ),
        )

        register(NavItem("casework", _("My tasks"), "casework:tasks", "case.list", order=12))
        register(NavItem("cases", _("Cases"), "casework:cases", "case.list", order=14))
        register(
            NavItem(
                "referrals", _("Referral inbox"), "casework:referrals", "referral.view", order=16
            )
        )
