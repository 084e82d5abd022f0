"""Registry commands: migrate, import, export ctdc, keys, audit verify, serve, demo.

Each command sets Django up only when it runs (`tiphub --help` stays fast). Errors that users can
act on (a missing key file, an unreachable database, an unknown agency) are printed in plain words
with exit code 1 or 2, never as a traceback and never with a key or an identifying value.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from tiphub.cli.app import app, export_app
from tiphub.cli.common import EXIT_INVALID, console, err_console, fail, progress, usage_error

keys_app = typer.Typer(help="Field-encryption keys: status, rotation.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: verify its hash chain.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")

EXIT_INTERRUPTED = 130


def cli_actor() -> str:
    """How command-line work appears in the audit log: `cli:<operating-system user>`."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def masked_database_url() -> str:
    """`TIPHUB_DATABASE_URL` without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    from tiphub.web import config

    url = config.database_url()
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


@contextmanager
def django_session() -> Iterator[None]:
    """Set Django up; turn the errors users can fix into plain messages (exit 1)."""
    from tiphub.web.bootstrap import setup_django

    try:
        setup_django()
    except Exception as exc:  # settings that cannot load: say why, without a traceback
        fail(f"cannot start tiphub: {exc}")
    from django.db import OperationalError

    from tiphub.web.crypto import CryptoError

    try:
        yield
    except CryptoError as exc:
        fail(str(exc))
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(f"database error ({masked_database_url()}): {reason}")


# --- migrate -----------------------------------------------------------------------------------


def run_migrate(*, quiet: bool = False) -> bool:
    """Migrate the database and make sure the key file exists; True when a key was created."""
    from django.core.management import call_command

    from tiphub.web.registry import keys

    call_command("migrate", interactive=False, verbosity=0)
    _private_sqlite_files()
    _ring, created = keys.ensure_key_file()
    if not quiet:
        err_console.print(f"database ready: {masked_database_url()}")
    if created:
        err_console.print(
            f"[bold]created a new field-encryption key file[/] at {keys.key_file()} (mode 0600). "
            "Back it up separately from the database: without it the identifying fields cannot "
            "be read.",
            highlight=False,
        )
    return created


def _private_sqlite_files() -> None:
    """A SQLite database file (and its WAL) is readable by its owner only."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    name = Path(str(connection.settings_dict["NAME"]))
    for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
        if path.exists():
            path.chmod(0o600)


@app.command("migrate")
def migrate() -> None:
    """Create or update the database (TIPHUB_DATABASE_URL) and the key file (TIPHUB_KEY_FILE)."""
    with django_session():
        run_migrate()


# --- import ------------------------------------------------------------------------------------


def print_report(report: dict[str, Any]) -> None:
    """The validation report (identifying values already removed) as a table on stderr."""
    from rich.table import Table

    errors = report.get("errors", [])
    if errors:
        table = Table(title=f"Problems in {report.get('file', '')}", title_justify="left")
        table.add_column("row", justify="right", no_wrap=True)
        table.add_column("column", no_wrap=True)
        table.add_column("value", overflow="fold", max_width=30)
        table.add_column("reason", overflow="fold")
        for issue in errors:
            table.add_row(
                "" if issue.get("row") is None else str(issue["row"]),
                issue.get("column") or "",
                "" if issue.get("value") is None else str(issue["value"]),
                str(issue.get("reason", "")),
            )
        err_console.print(table)
    more = int(report.get("errors_not_shown", 0))
    err_console.print(
        f"[bold red]{report.get('file', '')}: {report.get('n_errors', 0)} error(s) in "
        f"{report.get('n_rows', 0)} data row(s){f' ({more} more not listed)' if more else ''}; "
        "nothing was stored.[/]",
        highlight=False,
    )


def import_with_progress(path: Path, agency: str, **options: Any) -> Any:
    """Run `registry.services.import_file` with a progress bar on stderr."""
    from tiphub.web.registry.services import import_file

    with progress() as bar:
        task = bar.add_task(f"importing {path.name}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return import_file(path, agency, cli_actor(), progress=advance, **options)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Intake file (CSV or XLSX), or a CTDC CSV.")],
    agency: Annotated[str, typer.Option("--agency", help="The agency's code, e.g. POLICE.")],
    name: Annotated[
        str | None, typer.Option("--name", help="Agency name, when the agency is new.")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="Agency type (HTCDS org_Type), when new.")
    ] = "Other",
    file_format: Annotated[
        str, typer.Option("--format", help="intake, ctdc or auto (from the header).")
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Result as JSON on stdout.")] = False,
) -> None:
    """Validate FILE and store its records for the agency: all or nothing.

    Re-importing the same record ids updates them (unchanged records are left alone). The agency
    is created when it does not exist yet. Exit 0 stored, 1 invalid (nothing stored), 2 usage.
    """
    if not file.is_file():
        usage_error(f"{file}: no such file")
    if file_format not in {"auto", "intake", "ctdc"}:
        usage_error(f"--format must be intake, ctdc or auto, not {file_format!r}")
    with django_session():
        from django.core.exceptions import ValidationError

        from tiphub.web.registry.models import AgencyKind
        from tiphub.web.registry.services import RegistryError

        if kind not in AgencyKind.values:
            usage_error(f"--kind must be one of: {', '.join(AgencyKind.values)}")
        try:
            result = import_with_progress(
                file,
                agency,
                create_agency=True,
                agency_name=name,
                agency_kind=kind,
                file_format=file_format,
            )
        except ValidationError as exc:
            usage_error(f"--agency {agency!r}: " + " ".join(exc.messages))
        except RegistryError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            err_console.print("[bold red]interrupted: nothing from this file was stored[/]")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        summary = {
            "ok": result.ok,
            "agency": result.agency_code,
            "agency_created": result.agency_created,
            "format": result.file_format,
            "submission": result.submission.pk if result.submission else None,
            "rows": result.rows_total if result.ok else result.report.get("n_rows", 0),
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": result.report.get("n_errors", 0),
        }
        if as_json:
            sys.stdout.write(json.dumps({**summary, "report": result.report}, indent=2) + "\n")
        if not result.ok:
            if not as_json:
                print_report(result.report)
            raise typer.Exit(EXIT_INVALID)
        if result.agency_created:
            err_console.print(
                f"note: agency {result.agency_code} did not exist and was created "
                f"(name {name or result.agency_code!r}, type {kind}).",
                highlight=False,
            )
        err_console.print(
            f"[green]stored {file.name} for {result.agency_code}:[/] {result.rows_total} "
            f"record(s): {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged (submission {summary['submission']}).",
            highlight=False,
        )


# --- export ------------------------------------------------------------------------------------


@export_app.command("ctdc")
def export_ctdc(
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Only this agency's records.")
    ] = None,
) -> None:
    """Write the stored records in the CTDC 2024 layout (no identifying field; audited)."""
    with django_session():
        from tiphub.web.registry.services import RegistryError
        from tiphub.web.registry.services import export_ctdc as run_export

        try:
            result = run_export(out, agency, cli_actor())
        except RegistryError as exc:
            usage_error(str(exc))
        except OSError as exc:
            usage_error(f"cannot write {out}: {exc.strerror}")
    err_console.print(f"wrote {result.rows} record(s) to {result.path}", highlight=False)


# --- keys --------------------------------------------------------------------------------------


@keys_app.command("status")
def keys_status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show the keyring: key ids, which is active, and how many rows each app has per key."""
    with django_session():
        from tiphub.web.registry import keys

        ring = keys.keyring()
        in_use: dict[int, list[str]] = {}
        for reencryptor in keys.reencryptors():
            for key_id in reencryptor.key_ids_in_use():
                in_use.setdefault(key_id, []).append(reencryptor.name)
        rows: list[dict[str, Any]] = [
            {
                "id": key_id,
                "status": ring.entries[key_id].status,
                "created": ring.entries[key_id].created,
                "used_by": in_use.get(key_id, []),
            }
            for key_id in ring.key_ids
        ]
    if as_json:
        sys.stdout.write(json.dumps({"file": str(ring.path), "keys": rows}, indent=2) + "\n")
        return
    from rich.table import Table

    table = Table("key id", "status", "created", "used by", title=str(ring.path))
    for row in rows:
        table.add_row(str(row["id"]), row["status"], row["created"], ", ".join(row["used_by"]))
    console.print(table)


def _reencrypt_all(batch_size: int) -> int:
    from tiphub.web.registry import keys

    active = keys.keyring().active_id
    done_total = 0
    with progress() as bar:
        for reencryptor in keys.reencryptors():
            total = reencryptor.stale(active)
            task = bar.add_task(f"re-encrypting {reencryptor.name}", total=total)
            while True:
                done = reencryptor.run(active, batch_size)
                if done == 0:
                    break
                done_total += done
                bar.advance(task, done)
    in_use: set[int] = set()
    for reencryptor in keys.reencryptors():
        in_use |= reencryptor.key_ids_in_use()
    ring = keys.keyring()
    unused = {k for k in ring.key_ids if k != ring.active_id and k not in in_use}
    newly_retired = {k for k in unused if ring.entries[k].status != "retired"}
    if newly_retired:
        ring.with_retired(newly_retired).save()
        keys.forget()
    return done_total


@keys_app.command("rotate")
def keys_rotate(
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Rows per transaction.")
    ] = 1000,
) -> None:
    """Make a new active key and re-encrypt every row under it, batch by batch.

    Old keys stay in the key file (marked retired once no row uses them) so that backups made
    before the rotation can still be read. Safe to interrupt: run `tiphub keys reencrypt` later.
    """
    with django_session():
        from tiphub.web.audit.services import record_event
        from tiphub.web.registry import keys

        ring = keys.keyring()
        rotated = ring.rotated()
        rotated.save()
        keys.forget()
        keys.keyring()  # registers the new key's check value
        record_event(cli_actor(), "keys.rotate", details={"new_key": rotated.active_id})
        err_console.print(f"new active key {rotated.active_id} in {rotated.path}")
        done = _reencrypt_all(batch_size)
        record_event(
            cli_actor(), "keys.reencrypt", details={"key": rotated.active_id, "rows": done}
        )
    err_console.print(f"[green]re-encrypted {done} row(s) under key {rotated.active_id}[/]")


@keys_app.command("reencrypt")
def keys_reencrypt(
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Rows per transaction.")
    ] = 1000,
) -> None:
    """Finish an interrupted rotation: re-encrypt rows still under an older key."""
    with django_session():
        from tiphub.web.audit.services import record_event
        from tiphub.web.registry import keys

        done = _reencrypt_all(batch_size)
        active = keys.keyring().active_id
        record_event(cli_actor(), "keys.reencrypt", details={"key": active, "rows": done})
    err_console.print(f"re-encrypted {done} row(s) under key {active}")


# --- audit -------------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    as_json: Annotated[bool, typer.Option("--json", help="Result as JSON on stdout.")] = False,
) -> None:
    """Check the audit log's hash chain: exit 0 intact, 1 broken (naming the first bad event).

    The check itself is audited (`audit.verify`, actor `cli:<user>`, as the page's check is),
    written after the check: the head printed is the one checked, and the next check covers
    this event too.
    """
    with django_session():
        from tiphub.web.audit.services import record_event, verify_chain

        with progress() as bar:
            task = bar.add_task("verifying the audit chain", total=None)
            report = verify_chain(
                progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
        details: dict[str, Any] = {
            "via": "cli",
            "events": report.events,
            "head_seq": report.head_seq,
            "head_hash": report.head_hash,
        }
        if not report.ok:
            details.update(bad_seq=report.bad_seq, bad_id=report.bad_pk)
        record_event(
            cli_actor(), "audit.verify", outcome="ok" if report.ok else "failed", details=details
        )
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "ok": report.ok,
                    "events": report.events,
                    "head_seq": report.head_seq,
                    "head_hash": report.head_hash,
                    "bad_seq": report.bad_seq,
                    "bad_id": report.bad_pk,
                    "reason": report.reason,
                },
                indent=2,
            )
            + "\n"
        )
    if not report.ok:
        if not as_json:
            err_console.print(
                f"[bold red]audit chain broken at event {report.bad_seq} (id {report.bad_pk}):[/] "
                f"{report.reason}. The {report.events} event(s) before it are intact.",
                highlight=False,
            )
        raise typer.Exit(EXIT_INVALID)
    if not as_json:
        err_console.print(
            f"[green]audit chain intact:[/] {report.events} event(s); head {report.head_seq} "
            f"{report.head_hash} (record this hash elsewhere to detect later truncation)",
            highlight=False,
        )
