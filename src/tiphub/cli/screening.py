"""Commands of the screening stage: screen, forms xlsform, screen-import, screen-catalogue.

Heavy work (the catalogue, openpyxl, pyxform, Django) is imported inside the commands so that
`tiphub --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tiphub.cli.app import app
from tiphub.cli.common import console, err_console, fail, progress, usage_error

if TYPE_CHECKING:
    from tiphub.screening import Screener, ScreeningResult

forms_app = typer.Typer(
    help="Generate offline screening forms (XLSForm for Kobo and ODK Collect).",
    no_args_is_help=True,
)
app.add_typer(forms_app, name="forms")

_VERDICT_STYLE = {"yes": "bold red", "no": "green", "insufficient": "bold yellow"}
_OUTCOME_TITLES = {
    "trafficking": "Trafficking",
    "forced_labour": "Forced labour",
    "smuggling": "Smuggling",
    "presumed_victim": "Presumed victim",
}

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        help="Presumed-victim policy file (YAML); default: the documented tiphub policy.",
        dir_okay=False,
        exists=True,
    ),
]
RecruitmentOption = Annotated[
    str | None,
    typer.Option(
        "--recruitment-dimensions",
        help="Dimensions that count as a means at recruitment for adults (default DR,CR,RV).",
    ),
]
MappingOption = Annotated[
    bool,
    typer.Option(
        "--icls-mapping/--no-icls-mapping",
        help="Let ILO/EC indicators count as ICLS forced-labour elements (tiphub mapping).",
    ),
]


def _screener(policy: Path | None, recruitment: str | None, icls_mapping: bool = True) -> Screener:
    from tiphub.screening import CatalogueError, RuleOptions, Screener, load_policy

    dims = None
    if recruitment:
        dims = tuple(d.strip().upper() for d in recruitment.split(",") if d.strip())
    try:
        loaded = load_policy(policy) if policy else None
        return Screener(
            policy=loaded,
            options=RuleOptions(recruitment_dimensions=dims, use_icls_mapping=icls_mapping),
        )
    except (CatalogueError, ValueError) as exc:
        fail(str(exc))


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        usage_error(f"cannot open {path}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")


@app.command("screen")
def screen_command(
    file: Annotated[Path, typer.Argument(help="JSON file: one screening object or a list.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Machine-readable output on stdout.")
    ] = False,
    policy: PolicyOption = None,
    recruitment_dimensions: RecruitmentOption = None,
    icls_mapping: MappingOption = True,
) -> None:
    """Screen people against the ILO/EC, ICLS and smuggling rules, with explained outcomes.

    FILE holds one object {"age", "is_child", "set", "indicators", "context"} or a list of them
    (docs/screening.md). For each person: the verdict (yes / no / insufficient) and the reasons
    for trafficking, forced labour, smuggling and presumed victim, and the missing information
    that could change them. Unknown indicator ids: exit 1, listing them.
    """
    from tiphub.screening import InputError, parse_people

    data = _read_json(file)
    screener = _screener(policy, recruitment_dimensions, icls_mapping)
    try:
        people, is_list = parse_people(data, screener.catalogue)
    except InputError as exc:
        _report_input_error(file, exc)
    results = [screener.screen(person) for person in people]
    if as_json:
        payload = [r.to_dict() for r in results]
        typer.echo(json.dumps(payload if is_list else payload[0], ensure_ascii=False, indent=2))
        return
    for index, result in enumerate(results, start=1):
        _render(result, index)


def _report_input_error(file: Path, exc: Any) -> None:
    lines = []
    if exc.unknown_ids:
        lines.append(f"unknown indicator ids: {', '.join(exc.unknown_ids)}")
    lines += [f"{file}: {p}" for p in exc.problems if not p.unknown_ids]
    fail("\n".join(lines))


def _render(result: ScreeningResult, index: int) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    data = result.to_dict()
    title = f"Person {index}" + (f" ({escape(str(data['id']))})" if data["id"] else "")
    subtitle = f"set: {data['set'] or 'none'} | population: {data['population']}"
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("Definition", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Rule / classification")
    for name, outcome in data["outcomes"].items():
        verdict = outcome["verdict"]
        extra = outcome.get("classification") or ""
        rule = outcome["rule"] or ""
        table.add_row(
            _OUTCOME_TITLES[name],
            f"[{_VERDICT_STYLE[verdict]}]{verdict}[/]",
            escape(f"{rule} {extra}".strip()),
        )
    console.print(Panel(table, title=title, subtitle=subtitle, title_align="left"))
    for name, outcome in data["outcomes"].items():
        verdict = outcome["verdict"]
        console.print(f"[bold]{_OUTCOME_TITLES[name]}[/] - [{_VERDICT_STYLE[verdict]}]{verdict}[/]")
        for reason in outcome["reasons"]:
            console.print(f"  - {escape(reason)}", highlight=False)
        for advice in outcome.get("advice") or []:
            console.print(f"  [cyan]advice:[/] {escape(advice)}", highlight=False)
    if data["missing_detail"]:
        console.print("[bold]Missing information that could change a verdict[/]")
        for item in data["missing_detail"]:
            affects = ", ".join(item["affects"])
            console.print(f"  - {escape(item['text'])} [dim]({affects})[/]", highlight=False)
    unverified = data["verification"]["indicators"]
    weak_rules = [r for r in data["verification"]["rules"] if r["status"] != "verified"]
    if unverified or weak_rules:
        console.print("[bold]Verification status[/] (see docs/screening.md)")
        for item in unverified:
            console.print(f"  - {item['id']}: {item['status'].replace('_', ' ')}", highlight=False)
        for rule in weak_rules:
            console.print(
                f"  - {escape(rule['rule'])}: {rule['status'].replace('_', ' ')}", highlight=False
            )
    console.print(f"[dim]{data['notice']}[/]\n")


@forms_app.command("xlsform")
def xlsform_command(
    set_key: Annotated[
        str,
        typer.Option("--set", help="Indicator set: adults_labour, adults_sexual, ... (or AL...)."),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="The XLSForm to write (.xlsx).", dir_okay=False)
    ],
    lang: Annotated[
        str,
        typer.Option("--lang", help="Form languages, comma-separated; the first is the default."),
    ] = "en,fr,es",
    xform: Annotated[
        Path | None,
        typer.Option("--xform", help="Also write the converted XForm (XML) here.", dir_okay=False),
    ] = None,
) -> None:
    """Write the offline screening form of one indicator set as an XLSForm (Kobo, ODK Collect).

    The form is converted with pyxform before this command succeeds, so what it writes can be
    uploaded to KoboToolbox or ODK Central as it is.
    """
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    from tiphub.screening import default_catalogue
    from tiphub.screening.forms import UNVERIFIED
    from tiphub.screening.xlsform import FormError, parse_languages, write_xlsform

    catalogue = default_catalogue()
    try:
        langs = parse_languages(lang)
        chosen = catalogue.indicator_set(set_key) if set_key else None
    except FormError as exc:
        usage_error(str(exc))
    except KeyError:
        usage_error(f"unknown set {set_key!r} (known: {', '.join(s.key for s in catalogue.sets)})")
    assert chosen is not None
    if out.suffix.lower() != ".xlsx":
        usage_error(f"--out must end in .xlsx (got {out.name})")
    if not out.parent.exists():
        usage_error(f"cannot write {out}: folder {out.parent} does not exist")
    schema = write_xlsform(catalogue, chosen.key, langs, out)
    warnings: list[str] = []
    try:
        result = convert(xlsform=str(out), warnings=warnings)
    except PyXFormError as exc:  # pragma: no cover - the generator's own tests prevent this
        fail(f"{out}: pyxform cannot convert the generated form: {exc}")
    if xform:
        xform.write_text(result.xform, encoding="utf-8")
    items = catalogue.set_indicators(chosen.code)
    unverified = sum(1 for i in items if i.status in UNVERIFIED)
    err_console.print(
        f"wrote {out} ({schema.form_id}, version {schema.catalogue_version}): {chosen.key}, "
        f"{len(items)} indicators ({unverified} not verified, marked †), "
        f"languages {', '.join(langs)}; converts with pyxform"
        + (f" ({len(warnings)} warnings)" if warnings else ""),
        highlight=False,
    )
    for warning in warnings:
        err_console.print(f"  pyxform: {warning}", highlight=False)


@app.command("screen-import")
def screen_import_command(
    file: Annotated[
        Path, typer.Argument(help="Kobo or ODK Central export of the screening form (CSV or JSON).")
    ],
    agency: Annotated[
        str, typer.Option("--agency", help="Code of the agency that submitted the screenings.")
    ],
    set_key: Annotated[
        str | None,
        typer.Option("--set", help="Indicator set, when the export has no tiphub_set column."),
    ] = None,
    include_insufficient: Annotated[
        bool,
        typer.Option(
            "--include-insufficient",
            help="Also record people whose presumed-victim status cannot be decided yet.",
        ),
    ] = False,
    policy: PolicyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Result as JSON on stdout.")] = False,
) -> None:
    """Screen every submission of a field-form export and record the presumed victims.

    Presumed victims become records of AGENCY (trafficking status: possible victim) through the
    registry's import: all or nothing, audited. Re-importing the same export updates the same
    records. Exit 0 done, 1 invalid (nothing stored), 2 usage.
    """
    from tiphub.cli.registry import cli_actor, django_session

    if not file.is_file():
        usage_error(f"{file}: no such file")
    screener = _screener(policy, None)
    with django_session():
        from tiphub.web.registry.services import RegistryError
        from tiphub.web.screening.services import import_submissions

        try:
            with progress() as bar:
                task = bar.add_task(f"screening {file.name}", total=None)

                def advance(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                outcome = import_submissions(
                    file,
                    agency,
                    cli_actor(),
                    set_key=set_key,
                    include_insufficient=include_insufficient,
                    screener=screener,
                    progress=advance,
                )
        except RegistryError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            err_console.print("[bold red]interrupted: nothing from this file was stored[/]")
            raise typer.Exit(130) from None
    summary = outcome.summary()
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    if not outcome.ok:
        for problem in outcome.problems[:200]:
            err_console.print(f"  {problem}", highlight=False, markup=False)
        fail(f"{file.name}: {len(outcome.problems)} problem(s); nothing was stored.")
    for warning in outcome.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    err_console.print(
        f"[green]screened {summary['submissions']} submission(s) of {file.name} "
        f"({summary['set']}):[/] {summary['presumed_victims']} presumed victim(s), "
        f"{summary['insufficient']} undecided, {summary['not_presumed_victims']} not presumed "
        f"victims; {summary['manual_review']} for manual review. Stored for {agency}: "
        f"{summary['records_stored']} record(s) ({summary['created']} new, {summary['updated']} "
        f"updated, {summary['unchanged']} unchanged).",
        highlight=False,
    )


@app.command("screen-catalogue")
def screen_catalogue_command(
    set_key: Annotated[str | None, typer.Option("--set", help="Only this indicator set.")] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Markdown tables (docs/screening-catalogue.md).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Machine-readable output on stdout.")
    ] = False,
) -> None:
    """List the screening catalogue: every indicator with its strength and verification status."""
    from rich.table import Table

    from tiphub.screening import default_catalogue
    from tiphub.screening.catalogue import STATUS_WORDS, text_in
    from tiphub.screening.docs import catalogue_tables

    catalogue = default_catalogue()
    try:
        sets = [catalogue.indicator_set(set_key)] if set_key else list(catalogue.sets)
    except KeyError:
        usage_error(f"unknown set {set_key!r} (known: {', '.join(s.key for s in catalogue.sets)})")
    if markdown:
        typer.echo(catalogue_tables(catalogue, sets[0].key if set_key else None))
        return
    if as_json:
        items = [
            {
                "id": i.id,
                "set": s.key,
                "dimension": i.dimension,
                "label": dict(i.label),
                "strength": i.strength,
                "status": i.status,
                "checked_against": list(i.checked_against),
                "note": i.note,
            }
            for s in sets
            for i in catalogue.set_indicators(s.code)
        ]
        typer.echo(
            json.dumps(
                {"version": catalogue.version, "indicators": items}, ensure_ascii=False, indent=2
            )
        )
        return
    for s in sets:
        table = Table(
            title=f"{text_in(s.label)} ({s.key}): {STATUS_WORDS[s.status]}", title_justify="left"
        )
        for column in ("id", "label", "strength", "status"):
            table.add_column(column, overflow="fold")
        for i in catalogue.set_indicators(s.code):
            table.add_row(i.id, text_in(i.label), i.strength, STATUS_WORDS[i.status])
        console.print(table)
