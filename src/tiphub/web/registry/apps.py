from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tiphub.web.registry"
    label = "registry"
