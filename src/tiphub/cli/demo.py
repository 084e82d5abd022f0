"""`tiphub demo`: a synthetic country, loaded and served, from nothing (what `make demo` runs).

Steps, each idempotent so that running the demo twice changes nothing:

1. secrets under `var/` (Django's signing key; the field-encryption key file via migrate);
2. `tiphub migrate`;
3. the synthetic country (`tiphub.standard.synth`) in `var/demo/` (kept when already there);
4. each agency's file imported (a re-import of unchanged records writes nothing);
5. one demo account per role at the first agency (the police), and a caseworker and a supervisor
   at the NGO shelter, with random passwords written to `var/demo-users.txt` (mode 0600) and
   printed once;
6. a small NRM casework scenario (`tiphub.web.casework.demo`: cases at different stages, a
   referral from the police to the shelter, a child with a guardian), made once;
7. the spine (`tiphub.cli.analysis`): each agency's identities encoded with a demo linkage key,
   the encodings linked into unique persons (`/linkage/`), the hidden figure estimated from the
   persons' capture histories, by year, with its interval (`/estimation/`);
8. the population table kept and an indicator release computed over unique persons, with the
   estimate (`/indicators/`);
9. `tiphub serve` on http://127.0.0.1:8000 (unless `--no-serve`).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

from tiphub.cli.app import app
from tiphub.cli.common import err_console, fail

DEMO_SEED = 1
DEMO_VICTIMS = 2000
DEMO_AGENCIES = 5
USERS_FILE = "demo-users.txt"


def synthesize(out_dir: Path, victims: int, agencies: int, seed: int) -> dict[str, Any]:
    """The synthetic country's metadata, generating it only when `out_dir` lacks this one."""
    from tiphub.standard.synth import SynthConfig, generate_country, write_country

    metadata_file = out_dir / "country.json"
    if metadata_file.exists():
        metadata: dict[str, Any] = json.loads(metadata_file.read_text(encoding="utf-8"))
        same = (metadata.get("seed"), metadata.get("N"), len(metadata.get("agencies", [])))
        if same == (seed, victims, agencies) and all(
            (out_dir / a["file"]).exists() for a in metadata["agencies"]
        ):
            err_console.print(f"synthetic country already in {out_dir} (seed {seed})")
            return metadata
    err_console.print(f"generating a synthetic country in {out_dir} ({victims} victims)...")
    country = generate_country(SynthConfig(victims=victims, agencies=agencies, seed=seed))
    write_country(country, out_dir)
    loaded: dict[str, Any] = json.loads(metadata_file.read_text(encoding="utf-8"))
    return loaded


def import_agencies(out_dir: Path, metadata: dict[str, Any]) -> None:
    from tiphub.cli.registry import import_with_progress, print_report

    for agency in metadata["agencies"]:
        result = import_with_progress(
            out_dir / agency["file"],
            agency["code"],
            create_agency=True,
            agency_name=agency["name"],
            agency_kind=agency["kind"],
        )
        if not result.ok:
            print_report(result.report)
            fail(f"the demo file {agency['file']} did not validate")
        err_console.print(
            f"  {agency['code']:<4} {agency['name']:<32} {result.rows_total:>6} records "
            f"({result.created} new, {result.updated} updated, {result.unchanged} unchanged)",
            highlight=False,
        )


#: accounts of a second agency, so that a referral between agencies can be shown:
#: (agency, role) -> user name.
PARTNER_ACCOUNTS = {
    ("NGO", "caseworker"): "demo-ngo-caseworker",
    ("NGO", "supervisor"): "demo-ngo-supervisor",
}


def demo_accounts(var_dir: Path, first_agency: str) -> list[tuple[str, str, str, str]]:
    """One account per role (agency roles at `first_agency`), and the partner agency's accounts;
    returns the rows created.

    Accounts that exist already are left alone (their passwords are in the users file).
    """
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from tiphub.cli.registry import cli_actor
    from tiphub.web.audit.services import record_event
    from tiphub.web.registry.models import Agency

    if not apps.is_installed("tiphub.web.accounts"):
        return []
    from tiphub.web.accounts.models import Account
    from tiphub.web.accounts.roles import roles

    user_model = get_user_model()
    wanted = [
        (f"demo-{code.replace('_', '-')}", code, first_agency if role.agency_bound else None)
        for code, role in sorted(roles().items())
    ]
    wanted += [
        (name, code, agency_code)
        for (agency_code, code), name in PARTNER_ACCOUNTS.items()
        if code in roles() and Agency.objects.filter(code=agency_code).exists()
    ]
    created = []
    for name, code, agency_code in wanted:
        if user_model.objects.filter(username=name).exists():
            continue
        password = secrets.token_urlsafe(15)
        with transaction.atomic():
            user = user_model.objects.create_user(username=name, password=password)
            agency = Agency.objects.get(code=agency_code) if agency_code else None
            Account.objects.create(user=user, role=code, agency=agency)
            record_event(
                cli_actor(),
                "account.create",
                details={"user_id": user.pk, "role": code, "agency": agency_code or ""},
            )
        created.append((name, password, code, agency_code or "-"))
    return created


def demo_casework() -> None:
    """The casework scenario (made once; its cases also feed the registry's statistics)."""
    from django.apps import apps

    if not apps.is_installed("tiphub.web.casework"):
        return
    from tiphub.web.casework.demo import run_scenario

    err_console.print("NRM casework scenario:")
    run_scenario(say=lambda line: err_console.print(line, highlight=False))


def write_users_file(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Append the new accounts to the users file (mode 0600)."""
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        if new:
            handle.write("# tiphub demo accounts (synthetic data only; never reuse these)\n")
            handle.write("# user\tpassword\trole\tagency\n")
        for row in rows:
            handle.write("\t".join(row) + "\n")


@app.command("demo")
def demo(
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Set everything up, then stop (do not serve).")
    ] = False,
    victims: Annotated[int, typer.Option("--victims", min=1, help="True victims.")] = DEMO_VICTIMS,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic country.")] = DEMO_SEED,
    host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Set up a demo: migrate, generate a synthetic country, import it, create accounts, serve."""
    from tiphub.cli.registry import django_session, run_migrate
    from tiphub.web import config

    var_dir = config.var_dir()
    var_dir.mkdir(parents=True, exist_ok=True)
    var_dir.chmod(0o700)  # database, keys and demo passwords: for this user only
    out_dir = var_dir / "demo"
    with django_session():
        run_migrate()
        metadata = synthesize(out_dir, victims, DEMO_AGENCIES, seed)
        err_console.print("importing the agencies' files:")
        import_agencies(out_dir, metadata)
        users_file = var_dir / USERS_FILE
        created = demo_accounts(var_dir, metadata["agencies"][0]["code"])
        if created:
            write_users_file(users_file, created)
            from rich.table import Table

            table = Table("user", "password", "role", "agency", title="demo accounts (shown once)")
            for row in created:
                table.add_row(*row)
            err_console.print(table)
            err_console.print(f"(also written to {users_file}, readable by you only)")
        elif users_file.exists():
            err_console.print(f"demo accounts already exist: their passwords are in {users_file}")
        demo_casework()
        from tiphub.cli.analysis import demo_analysis
        from tiphub.cli.indicators import demo_indicators

        demo_analysis(out_dir, metadata)
        demo_indicators(out_dir / metadata.get("files", {}).get("population", "population.csv"))
        if no_serve:
            err_console.print("[green]demo ready.[/] Serve it with: tiphub serve")
            return
        from tiphub.cli.serve import prepare_to_serve

        prepare_to_serve()
    from tiphub.cli.serve import run_gunicorn

    err_console.print(
        f"[green]serving the demo on http://{host}:{port}/[/] (log in with an account above; "
        "Ctrl-C to stop)",
        highlight=False,
    )
    run_gunicorn(host, port, workers=2)
