"""Django's manage.py, for developers: `python -m tiphub.web.manage <command>`."""

import os
import sys


def main() -> None:
    """Run a Django management command with tiphub's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiphub.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
