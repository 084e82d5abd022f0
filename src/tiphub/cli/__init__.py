"""The `tiphub` command line: one console script, one sub-command per stage.

Each stage's commands live in their own module below and register themselves on the shared
`app`; heavy libraries are imported inside the commands so that `tiphub --help` stays instant.
"""

from tiphub.cli import (  # noqa: F401  (imported for their command registrations)
    data,
)
from tiphub.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()
