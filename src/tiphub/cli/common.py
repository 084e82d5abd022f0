"""Helpers every command shares: consoles, exit codes, progress bars and error reporting.

Exit codes are part of the CLI contract: 0 success, 1 the input or the data is invalid (or a
model cannot be fitted), 2 usage error (bad flags or arguments, a file that cannot be opened).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print a plain-words error on stderr and leave with `code` (never a traceback)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def usage_error(message: str) -> NoReturn:
    """Leave with exit code 2: the command was called wrongly."""
    fail(message, EXIT_USAGE)


@contextmanager
def progress(transient: bool = True) -> Iterator[Progress]:
    """A rich progress bar on stderr, so that stdout stays clean for `--json` output."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
    )
    with bar:
        yield bar
