"""Commands of the indicators stage: `indicators compute`, `export sdmx|dhis2|glotip`, `report`.

Every command publishes only through disclosure control (`--min-cell`, default 5). The data come
from the registry's statistical frame, or from `--frame FILE` (CSV/Parquet with the columns of
docs/contracts.md section 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tiphub.cli.app import app, export_app
from tiphub.cli.common import err_console, fail, usage_error

if TYPE_CHECKING:
    import pandas as pd

    from tiphub.exchange.publication import Publication
    from tiphub.indicators.inputs import Estimate, Population

indicators_app = typer.Typer(
    help="SDG 16.2.2, GLOTIP, GPA and programme indicators.", no_args_is_help=True
)
app.add_typer(indicators_app, name="indicators")

YearOpt = Annotated[int | None, typer.Option("--year", help="Reference year (default: latest).")]
FrameOpt = Annotated[
    Path | None,
    typer.Option("--frame", help="Statistical frame as CSV/Parquet (default: the registry)."),
]
PopulationOpt = Annotated[
    Path | None,
    typer.Option("--population", help="Population CSV: year, sex, age_group, population."),
]
EstimateOpt = Annotated[
    Path | None, typer.Option("--estimate", help="JSON printed by `tiphub estimate --json`.")
]
MinCellOpt = Annotated[
    int, typer.Option("--min-cell", help="Smallest count published; smaller ones are suppressed.")
]
RegistryOpt = Annotated[
    Path | None, typer.Option("--registry", help="Indicator registry YAML (default: built-in).")
]
PlanOpt = Annotated[
    Path | None,
    typer.Option("--plan", help="Country plan YAML: targets, action plan, programmes."),
]
EpsilonOpt = Annotated[
    float | None,
    typer.Option("--dp-epsilon", help="Release differentially private counts with this ε."),
]
LedgerOpt = Annotated[
    Path | None,
    typer.Option("--ledger", help="Privacy-budget ledger file (default: var/privacy_ledger.json)."),
]


def _frame(path: Path | None) -> pd.DataFrame:
    from tiphub.indicators.frame import FrameError, read_frame

    try:
        if path is not None:
            return read_frame(path)
        return _registry_frame()
    except FrameError as exc:
        fail(str(exc))


def _registry_frame() -> pd.DataFrame:
    """The registry's statistical frame (docs/contracts.md section 2), through Django."""
    from tiphub.cli.registry import django_session

    with django_session():
        from tiphub.web.monitoring.services import ReleaseError, registry_frame

        try:
            return registry_frame()
        except ReleaseError as exc:
            fail(f"{exc}: import some (tiphub import) or pass --frame")


def _stored_inputs() -> tuple[Population | None, list[Estimate]]:
    """The population table and estimate the statistician keeps in the web app, if any."""
    from tiphub.cli.registry import django_session

    with django_session():
        from tiphub.web.monitoring import services

        table = services.current_population()
        estimate_set = services.current_estimates()
        return (
            services.population_of(table.rows) if table else None,
            services.estimates_of(estimate_set.estimates) if estimate_set else [],
        )


def _publication(
    *,
    year: int | None,
    frame: Path | None,
    population: Path | None,
    estimate: Path | None,
    min_cell: int,
    registry: Path | None,
    plan: Path | None,
    dp_epsilon: float | None = None,
    ledger: Path | None = None,
) -> Publication:
    from importlib import resources

    from tiphub.disclosure.dp import DPRelease
    from tiphub.disclosure.ledger import BudgetExceeded, PrivacyLedger
    from tiphub.disclosure.suppression import Policy
    from tiphub.exchange.publication import build
    from tiphub.indicators.inputs import InputError, read_estimates, read_population
    from tiphub.indicators.registry import RegistryError, load_gpa, load_plan, load_registry
    from tiphub.web.config import var_dir

    try:
        policy = Policy(min_cell=min_cell)
    except ValueError as exc:
        usage_error(str(exc))
    stored_pop, stored_ests = _stored_inputs() if frame is None else (None, [])
    try:
        reg = load_registry(registry)
        gpa = load_gpa()
        mon = load_plan(plan, registry=reg, gpa=gpa)
        if population is None and plan is None and stored_pop is None:
            population = Path(
                str(resources.files("tiphub.indicators") / "data" / "synthetic_population.csv")
            )
        pop = read_population(population) if population is not None else stored_pop
        ests = read_estimates(estimate) if estimate is not None else stored_ests
    except (RegistryError, InputError) as exc:
        fail(str(exc))
    df = _frame(frame)
    dp = None
    if dp_epsilon is not None:
        dims = reg.dimensions
        dp = DPRelease(
            epsilon=dp_epsilon,
            dataset=f"statistical-frame:{year or 'latest'}",
            ledger=PrivacyLedger(ledger or var_dir() / "privacy_ledger.json"),
            options={
                d: [o for o in dims[d].options if o != "_T"]
                for d in dims
                if d in ("sex", "age_group", "form")
            },
            multi_valued=frozenset(d for d in dims if not dims[d].additive),
            release=f"indicators {year}",
        )
    try:
        return build(
            df,
            year=year,
            registry=reg,
            gpa=gpa,
            plan=mon,
            population=pop,
            estimates=ests,
            policy=policy,
            dp=dp,
        )
    except BudgetExceeded as exc:
        fail(f"privacy budget: {exc}")
    except ValueError as exc:
        fail(str(exc))


def _say(message: str) -> None:
    err_console.print(message, highlight=False)


@indicators_app.command("compute")
def compute_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory for the results.")],
    year: YearOpt = None,
    frame: FrameOpt = None,
    population: PopulationOpt = None,
    estimate: EstimateOpt = None,
    min_cell: MinCellOpt = 5,
    registry: RegistryOpt = None,
    plan: PlanOpt = None,
    dp_epsilon: EpsilonOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """Compute every agreed indicator (after disclosure control) into DIR.

    Writes indicators.csv (published values), cells.csv (every published cell with its
    display text), targets.csv (progress against targets) and release_report.json.
    """
    pub = _publication(
        year=year,
        frame=frame,
        population=population,
        estimate=estimate,
        min_cell=min_cell,
        registry=registry,
        plan=plan,
        dp_epsilon=dp_epsilon,
        ledger=ledger,
    )
    out.mkdir(parents=True, exist_ok=True)
    pub.values.to_csv(out / "indicators.csv", index=False)
    pub.cells.published().to_csv(out / "cells.csv", index=False)
    _targets(pub).to_csv(out / "targets.csv", index=False)
    (out / "release_report.json").write_text(json.dumps(pub.report, indent=2), encoding="utf-8")
    rep = pub.report["cells"]
    _say(
        f"{len(pub.values)} indicator values for {pub.years[0]}-{pub.year} written to {out} "
        f"({rep['published']} cells published, {rep['primary']} below {min_cell}, "
        f"{rep['secondary']} suppressed to protect them)"
    )


def _targets(pub: Publication) -> pd.DataFrame:
    import pandas as pd

    from tiphub.exchange.summary import target_progress

    rows = [
        {
            "indicator": tp.target.indicator,
            "disaggregation": tp.disaggregation,
            "baseline_year": tp.target.baseline_year,
            "baseline": tp.target.baseline_value,
            "target_year": tp.target.target_year,
            "target": tp.target.target_value,
            "year": tp.year,
            "current": tp.current.value,
            "progress": None if tp.progress is None else round(tp.progress, 4),
            "expected": None if tp.expected is None else round(tp.expected, 4),
            "on_track": tp.on_track,
            "source": tp.target.source,
            "agreed_by": tp.target.agreed_by,
        }
        for tp in target_progress(pub)
    ]
    return pd.DataFrame(rows)


@export_app.command("sdmx")
def export_sdmx(
    year: Annotated[int, typer.Option("--year", help="Reference year.")],
    out: Annotated[Path, typer.Option("--out", help="SDMX-CSV file to write.")],
    version: Annotated[int, typer.Option("--version", help="SDMX-CSV version: 1 or 2.")] = 2,
    ref_area: Annotated[
        str | None, typer.Option("--ref-area", help="UN M49 code (default: the plan's country).")
    ] = None,
    frame: FrameOpt = None,
    min_cell: MinCellOpt = 5,
    registry: RegistryOpt = None,
    plan: PlanOpt = None,
) -> None:
    """SDG 16.2.2 series as SDMX-CSV for the IAEG-SDGs SDG structure."""
    from tiphub.exchange.sdmx import write_sdmx_csv

    if version not in (1, 2):
        usage_error("--version must be 1 or 2")
    pub = _publication(
        year=year,
        frame=frame,
        population=None,
        estimate=None,
        min_cell=min_cell,
        registry=registry,
        plan=plan,
    )
    try:
        n = write_sdmx_csv(pub, out, ref_area or pub.plan.country.m49, version)
    except ValueError as exc:
        fail(str(exc))
    _say(f"{n} observations written to {out} (SDMX-CSV {version}.0, IAEG-SDGs:SDG(1.4))")


@export_app.command("dhis2")
def export_dhis2(
    year: Annotated[int, typer.Option("--year", help="Reference year.")],
    out: Annotated[Path, typer.Option("--out", help="dataValueSets JSON file to write.")],
    org_unit: Annotated[
        str | None, typer.Option("--org-unit", help="DHIS2 org unit code (default: ISO3).")
    ] = None,
    frame: FrameOpt = None,
    population: PopulationOpt = None,
    estimate: EstimateOpt = None,
    min_cell: MinCellOpt = 5,
    registry: RegistryOpt = None,
    plan: PlanOpt = None,
) -> None:
    """Indicator values as DHIS2 dataValueSets JSON (code id scheme)."""
    from tiphub.exchange.dhis2 import write_dhis2

    pub = _publication(
        year=year,
        frame=frame,
        population=population,
        estimate=estimate,
        min_cell=min_cell,
        registry=registry,
        plan=plan,
    )
    n = write_dhis2(pub, out, org_unit or pub.plan.country.iso3)
    _say(f"{n} data values written to {out} (import with idScheme=CODE)")


@export_app.command("glotip")
def export_glotip(
    year: Annotated[int, typer.Option("--year", help="Reference year.")],
    out: Annotated[Path, typer.Option("--out", help="XLSX workbook to write.")],
    frame: FrameOpt = None,
    estimate: EstimateOpt = None,
    min_cell: MinCellOpt = 5,
    registry: RegistryOpt = None,
    plan: PlanOpt = None,
) -> None:
    """A GLOTIP-style workbook: victims by sex, age, form and citizenship."""
    from tiphub.exchange.glotip import write_glotip

    pub = _publication(
        year=year,
        frame=frame,
        population=None,
        estimate=estimate,
        min_cell=min_cell,
        registry=registry,
        plan=plan,
    )
    n = write_glotip(pub, out)
    _say(f"{n} GLOTIP rows written to {out}")


@app.command("report")
def report_cmd(
    year: Annotated[int, typer.Option("--year", help="Reference year.")],
    out: Annotated[Path, typer.Option("--out", help="report.pdf or report.html")],
    frame: FrameOpt = None,
    population: PopulationOpt = None,
    estimate: EstimateOpt = None,
    min_cell: MinCellOpt = 5,
    registry: RegistryOpt = None,
    plan: PlanOpt = None,
) -> None:
    """The national report (HTML or PDF) with trends, breakdowns, the estimate and targets."""
    from tiphub.exchange.report import write_report

    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        usage_error("--out must end in .pdf or .html")
    pub = _publication(
        year=year,
        frame=frame,
        population=population,
        estimate=estimate,
        min_cell=min_cell,
        registry=registry,
        plan=plan,
    )
    write_report(pub, out)
    _say(f"report for {year} written to {out}")


@indicators_app.command("inputs")
def inputs_cmd(
    population: Annotated[
        Path | None,
        typer.Option("--population", help="Keep this population CSV for the web releases."),
    ] = None,
    estimate: Annotated[
        Path | None,
        typer.Option("--estimate", help="Keep this `tiphub estimate --json` output."),
    ] = None,
    no_estimate: Annotated[
        bool, typer.Option("--no-estimate", help="Stop using the kept estimate.")
    ] = False,
) -> None:
    """Keep the population table and the estimate that web releases use (as the page does)."""
    from tiphub.cli.registry import cli_actor, django_session

    if population is None and estimate is None and not no_estimate:
        usage_error("give --population FILE, --estimate FILE or --no-estimate")
    if estimate is not None and no_estimate:
        usage_error("--estimate and --no-estimate exclude each other")
    with django_session():
        from tiphub.indicators.inputs import InputError
        from tiphub.web.monitoring import services

        try:
            if population is not None:
                table = services.save_population(population, str(population), cli_actor())
                _say(
                    f"population table kept: {len(table.rows)} rows, "
                    f"{table.first_year}-{table.last_year}"
                )
            if estimate is not None:
                kept = services.save_estimates(estimate, str(estimate), cli_actor())
                _say(f"estimate kept: {len(kept.estimates)} estimate(s)")
        except InputError as exc:
            fail(str(exc))
        if no_estimate:
            n = services.retire_estimates(cli_actor())
            _say("the estimate is no longer used" if n else "no estimate was in use")


@indicators_app.command("release")
def release_cmd(
    year: YearOpt = None,
    min_cell: Annotated[
        int | None,
        typer.Option("--min-cell", help="Smallest published count (default: the site's)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the release summary.")] = False,
) -> None:
    """Compute a release for the web pages (the same as the statistician's button)."""
    from tiphub.cli.registry import cli_actor, django_session

    with django_session():
        from tiphub.web.monitoring import services

        try:
            release = services.compute_release(cli_actor(), year=year, min_cell=min_cell)
        except services.ReleaseError as exc:
            fail(str(exc))
        cells = release.report["cells"]
        if json_out:
            typer.echo(
                json.dumps(
                    {
                        "release": release.pk,
                        "reference_year": release.reference_year,
                        "years": release.years,
                        "min_cell": release.min_cell,
                        "records": release.records,
                        "cells": cells,
                    }
                )
            )
        _say(
            f"release {release.pk} for {release.reference_year} ({release.records} records): "
            f"{cells['published']} cells published, {cells['primary']} below "
            f"{release.min_cell}, {cells['secondary']} suppressed to protect them"
        )


def demo_indicators(population: Path) -> None:
    """`tiphub demo`: keep the synthetic country's population and compute a first release.

    Idempotent like the rest of the demo: the population is kept once, and a release is
    computed only when there is none or the registry changed since the last one.
    """
    from tiphub.cli.registry import cli_actor
    from tiphub.web.monitoring import services

    actor = cli_actor()
    if services.current_population() is None and population.exists():
        table = services.save_population(population, population.name, actor)
        _say(
            f"population table kept: {len(table.rows)} rows ({table.first_year}-{table.last_year})"
        )
    release = services.latest_release()
    if release is not None and not services.is_stale(release):
        _say(f"indicator release {release.pk} is up to date")
        return
    _say("computing the indicators (disclosure control over every table and year)...")
    # the synthetic country's last year is the reference year: the demo's NRM cases are dated
    # today, beyond the population table, and would otherwise make a year of four cases the
    # headline
    kept = services.current_population()
    release = services.compute_release(actor, year=kept.last_year if kept else None)
    cells = release.report["cells"]
    _say(
        f"indicator release for {release.reference_year}: {cells['published']} cells published, "
        f"{cells['primary']} below {release.min_cell}, {cells['secondary']} suppressed"
    )
