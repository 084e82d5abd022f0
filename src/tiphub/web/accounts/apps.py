from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tiphub.web.accounts"
    label = "accounts"
