from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "tiphub.web.pages"
    label = "pages"
