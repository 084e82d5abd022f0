from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tiphub.web.audit"
    label = "audit"
