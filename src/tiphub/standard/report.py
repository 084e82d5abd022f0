"""Validation issues and reports: what went wrong, where, in plain words.

An issue names the file, the row as the user sees it in a spreadsheet (the header is row 1), the
column, the offending value and the reason. For identifying columns (L-ID, L-SC) the value is
never stored in the issue, so a report can be printed, logged or sent back to an agency without
leaking a victim's identity.
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

DEFAULT_MAX_ERRORS = 200


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem in an input file.

    `row` is None for problems with the whole file (encoding, emptiness, size); `column` is None
    for problems with a whole row or the file; `value` is None when the column is identifying or
    when there is no single offending value.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        shown = f" {self.value!r}:" if self.value is not None else ""
        return f"{', '.join(where)}:{shown} {self.reason}"


@dataclass
class ValidationReport:
    """The outcome of validating one file: every issue found, up to `max_errors` listed."""

    file: str
    n_rows: int = 0
    errors: list[ValidationIssue] = field(default_factory=list)
    n_errors: int = 0
    max_errors: int = DEFAULT_MAX_ERRORS

    @property
    def ok(self) -> bool:
        return self.n_errors == 0

    @property
    def errors_not_shown(self) -> int:
        return self.n_errors - len(self.errors)

    def add(
        self,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        """Record an issue; past `max_errors` it is only counted."""
        self.n_errors += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(ValidationIssue(self.file, row, column, value, reason))

    def summary(self) -> str:
        if self.ok:
            return f"{self.file}: valid, {self.n_rows} data row(s)."
        more = f" ({self.errors_not_shown} more not listed)" if self.errors_not_shown else ""
        return (
            f"{self.file}: {self.n_errors} error(s) in {self.n_rows} data row(s){more}; "
            "nothing from this file can be stored until they are fixed."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": self.ok,
            "n_rows": self.n_rows,
            "n_errors": self.n_errors,
            "errors_not_shown": self.errors_not_shown,
            "errors": [issue.to_dict() for issue in self.errors],
        }

    def __iter__(self) -> Iterator[ValidationIssue]:
        return iter(self.errors)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        style = "bold green" if self.ok else "bold red"
        if self.errors:
            table = Table(title=f"Problems in {self.file}", title_justify="left", show_lines=False)
            table.add_column("row", justify="right", no_wrap=True)
            table.add_column("column", no_wrap=True)
            table.add_column("value", overflow="fold", max_width=30)
            table.add_column("reason", overflow="fold")
            for issue in self.errors:
                table.add_row(
                    "" if issue.row is None else str(issue.row),
                    issue.column or "",
                    "" if issue.value is None else issue.value,
                    issue.reason,
                )
            yield table
        yield Text(self.summary(), style=style)
