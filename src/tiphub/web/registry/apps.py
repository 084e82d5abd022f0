from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tiphub.web.registry"
    label = "registry"
    verbose_name = "Registry of victim records"

    def ready(self) -> None:
        from tiphub.web.registry import keys, rotation

        keys.register_reencryptor(rotation.REENCRYPTOR)
