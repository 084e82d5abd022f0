"""Start Django from the CLI or a script (the CLI calls this only in commands that need it)."""

import os


def setup_django() -> None:
    """Configure settings and load the apps; safe to call more than once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiphub.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
