"""The `tiphub` command line: one console script, one sub-command per stage.

Each stage's commands live in their own module in this package and register themselves on the
shared `app` (see `app.py`); every module here is imported, so a stage adds commands without
touching this file. Heavy libraries are imported inside the commands so `tiphub --help` stays fast.
"""

import importlib
import pkgutil

from tiphub.cli.app import app

_INFRASTRUCTURE = {"app", "common"}


def _register_commands() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _INFRASTRUCTURE and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


_register_commands()


def main() -> None:
    """Console-script entry point."""
    app()
