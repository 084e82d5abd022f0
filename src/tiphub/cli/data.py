"""Commands of the data standard: `tiphub synth`, `tiphub template`, `tiphub validate`.

Heavy imports happen inside the commands so that `tiphub --help` stays fast.
"""

import json
from pathlib import Path
from typing import Annotated

import typer

from tiphub.cli.app import app
from tiphub.cli.common import EXIT_INVALID, console, err_console, fail, progress, usage_error

YEARS_HELP = "First and last year of identification, e.g. 2019-2024."


def _parse_years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    if not (first.strip().isdigit() and last.strip().isdigit()):
        usage_error(f"--years must look like 2019-2024, not {text!r}")
    return int(first), int(last)


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the country into.")],
    victims: Annotated[int, typer.Option(help="Number of true victims (N).")] = 2000,
    agencies: Annotated[int, typer.Option(help="Number of agencies (1-8; default 5).")] = 5,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same country.")
    ] = 1,
    years: Annotated[str, typer.Option(help=YEARS_HELP)] = "2019-2024",
) -> None:
    """Generate a synthetic country: agency files, truth.csv, population.csv, country.json."""
    from tiphub.standard.synth import MAX_AGENCIES, SynthConfig, generate_country, write_country

    if out.exists() and not out.is_dir():
        usage_error(f"--out {out} exists and is not a directory")
    if victims < 1:
        usage_error("--victims must be at least 1")
    if not 1 <= agencies <= MAX_AGENCIES:
        usage_error(f"--agencies must be between 1 and {MAX_AGENCIES}")
    try:
        config = SynthConfig(
            victims=victims, agencies=agencies, seed=seed, years=_parse_years(years)
        )
    except ValueError as exc:
        usage_error(str(exc))
    with progress() as bar:
        task = bar.add_task("Generating the synthetic country", total=2)
        country = generate_country(config)
        bar.advance(task)
        try:
            write_country(country, out)
        except OSError as exc:
            fail(f"cannot write the country to {out}: {exc.strerror or exc}")
        bar.advance(task)
    n_records = sum(len(rows) for rows in country.records.values())
    for agency in country.agencies_by_display_order:
        err_console.print(
            f"  {agency.code}.csv  {len(country.records[agency.code]):>7,} records  {agency.name}"
        )
    err_console.print(
        f"Wrote {len(country.agencies)} agency files to {out}: {n_records:,} records of "
        f"{country.observed:,} identified victims (N = {victims:,} true victims, seed {seed}); "
        "truth.csv, population.csv, country.json."
    )


@app.command()
def template(
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .xlsx (with drop-downs) or .csv.")
    ],
) -> None:
    """Write an empty intake file with every column (XLSX: code lists, drop-downs, column notes)."""
    from tiphub.standard.template import TEMPLATE_SUFFIXES, write_template

    if out.suffix.lower() not in TEMPLATE_SUFFIXES:
        usage_error(f"--out must end in .xlsx or .csv, not {out.suffix or '(no suffix)'}")
    if not out.parent.is_dir():
        usage_error(f"the directory {out.parent} does not exist")
    try:
        write_template(out)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    err_console.print(f"Wrote the intake template {out}.")


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Intake file (.csv or .xlsx) to check.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON on stdout.")
    ] = False,
    ctdc: Annotated[
        bool, typer.Option("--ctdc", help="The file is in the CTDC 2024 layout.")
    ] = False,
    max_errors: Annotated[int, typer.Option(help="List at most this many problems.")] = 200,
) -> None:
    """Check an intake file without storing anything (exit 0 valid, 1 invalid, 2 usage error)."""
    from tiphub.standard import SUPPORTED_SUFFIXES, load_intake
    from tiphub.standard.ctdc import load_ctdc

    if not file.is_file():
        usage_error(f"{file} does not exist or is not a file")
    if file.suffix.lower() not in SUPPORTED_SUFFIXES:
        usage_error(f"{file.name}: unsupported file type; use .csv (UTF-8) or .xlsx")
    if max_errors < 1:
        usage_error("--max-errors must be at least 1")
    loader = load_ctdc if ctdc else load_intake
    report = loader(file, max_errors=max_errors).report
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(report)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID)
