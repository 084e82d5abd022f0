from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tiphub.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and access policy"

    def ready(self) -> None:
        from tiphub.web.accounts import signals  # noqa: F401  (connects the receivers)
