"""The indicator stage's web services: inputs, releases and downloads.

The pages, `tiphub indicators release`, `tiphub indicators population` and `tiphub demo` call
these functions, and these call the same core as the rest of the CLI:
`tiphub.exchange.publication.build()` (count cells -> disclosure control -> indicator values)
and the writers of `tiphub.exchange`. Nothing here computes a figure of its own.

A release is computed once (it runs the disclosure-control audit over every table and year) and
stored; pages and downloads rebuild its `Publication` from the stored, protected values.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from tiphub.web.monitoring.models import EstimateSet, PopulationTable, Release

if TYPE_CHECKING:
    import pandas as pd

    from tiphub.exchange.publication import Publication
    from tiphub.indicators.inputs import Estimate, Population
    from tiphub.indicators.registry import GlobalPlan, MonitoringPlan, Registry


class ReleaseError(ValueError):
    """A release cannot be computed (no records, bad year or threshold); the message says why."""


# --- the registry's frame and the country's definitions ----------------------------------------


def registry_frame() -> pd.DataFrame:
    """The registry's statistical frame (contracts.md section 2), checked and normalised."""
    from tiphub.indicators.frame import normalise_frame
    from tiphub.web.registry.services import statistical_frame

    frame = statistical_frame()
    if frame.empty:
        raise ReleaseError("the registry holds no victim records yet")
    return normalise_frame(frame, source="registry")


def data_fingerprint() -> str:
    """Changes whenever a record is added, changed or removed, or linkage changes who is who
    (a release is then out of date)."""
    from tiphub.web.registry.models import VictimRecord
    from tiphub.web.registry.services import person_map_version

    agg = VictimRecord.objects.aggregate(n=Count("pk"), top=Max("pk"), last=Max("updated_at"))
    last = agg["last"].isoformat() if agg["last"] else ""
    return f"{agg['n']}:{agg['top'] or 0}:{last}:{person_map_version()}"


def plan_file() -> Path | None:
    """The country's plan (targets, action plan, programmes): `TIPHUB_PLAN_FILE` or built-in."""
    configured = getattr(settings, "TIPHUB_PLAN_FILE", None)
    return Path(configured) if configured else None


@lru_cache(maxsize=1)
def definitions(plan_path: Path | None = None) -> tuple[Registry, GlobalPlan, MonitoringPlan]:
    """The indicator registry, the Global Plan of Action and the country's plan (cached)."""
    from tiphub.indicators.registry import load_gpa, load_plan, load_registry

    registry = load_registry()
    gpa = load_gpa()
    return registry, gpa, load_plan(plan_path, registry=registry, gpa=gpa)


def site_min_cell() -> int:
    """The smallest count any page shows (the accounts policy's minimum cell, TIPHUB_MIN_CELL)."""
    from tiphub.web.accounts import policy

    return policy.min_cell()


# --- inputs: population and estimates ----------------------------------------------------------


def _actor_fields(actor: Any) -> dict[str, Any]:
    if isinstance(actor, str) or actor is None:
        return {"uploaded_by": None, "actor_label": actor or "system"}
    return {"uploaded_by": actor, "actor_label": actor.get_username()}


def current_population() -> PopulationTable | None:
    return PopulationTable.objects.first()


def save_population(source: IO[bytes] | Path, name: str, actor: Any) -> PopulationTable:
    """Check a population CSV and keep it (the newest table is used). Raises InputError."""
    from tiphub.indicators.inputs import read_population
    from tiphub.web.audit.services import record_event

    population = read_population(source, name=name)
    table = population.table
    rows = [
        {
            "year": int(r["year"]),
            "sex": str(r["sex"]),
            "age_group": str(r["age_group"]),
            "population": float(r["population"]),
        }
        for r in table.to_dict("records")
    ]
    with transaction.atomic():
        stored = PopulationTable.objects.create(
            file_name=Path(name).name[:200],
            rows=rows,
            first_year=int(table["year"].min()),
            last_year=int(table["year"].max()),
            **_actor_fields(actor),
        )
        record_event(
            actor,
            "indicators.population",
            stored,
            details={"rows": len(rows), "years": [stored.first_year, stored.last_year]},
        )
    return stored


def population_of(rows: list[dict[str, Any]]) -> Population:
    import pandas as pd

    from tiphub.indicators.inputs import Population

    return Population(pd.DataFrame(rows, columns=["year", "sex", "age_group", "population"]))


def current_estimates() -> EstimateSet | None:
    return EstimateSet.objects.filter(active=True).first()


def save_estimates(source: IO[bytes] | Path, name: str, actor: Any) -> EstimateSet:
    """Check `tiphub estimate --json` output and use it from now on. Raises InputError."""
    from tiphub.indicators.inputs import read_estimates
    from tiphub.web.audit.services import record_event

    estimates = read_estimates(source, name=name)
    with transaction.atomic():
        EstimateSet.objects.filter(active=True).update(active=False)
        stored = EstimateSet.objects.create(
            file_name=Path(name).name[:200],
            estimates=[asdict(e) for e in estimates],
            **_actor_fields(actor),
        )
        record_event(
            actor,
            "indicators.estimate",
            stored,
            details={"estimates": len(estimates), "years": [e.year for e in estimates]},
        )
    return stored


def retire_estimates(actor: Any) -> int:
    """Stop using the current estimate (the next release has none). Returns how many retired."""
    from tiphub.web.audit.services import record_event

    with transaction.atomic():
        n = EstimateSet.objects.filter(active=True).update(active=False)
        if n:
            record_event(actor, "indicators.estimate", details={"retired": n})
    return n


def estimates_of(items: list[dict[str, Any]]) -> list[Estimate]:
    from tiphub.indicators.inputs import Estimate

    return [Estimate(**item) for item in items]


# --- releases -----------------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    """`value` with infinite or NaN floats as null (an unbounded audit interval is infinite;
    JSON, and PostgreSQL's jsonb, have no infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-safe records (NaN and NA become null; numpy scalars plain numbers)."""
    loaded: list[dict[str, Any]] = json.loads(df.to_json(orient="records", double_precision=15))
    return loaded


def compute_release(actor: Any, *, year: int | None = None, min_cell: int | None = None) -> Release:
    """Compute every agreed indicator over the registry, protect it and store it as a release.

    `year`: the reference year (default: the latest in the registry; earlier years are kept for
    trends). `min_cell`: the threshold T, at least the site's minimum cell (default: it).
    """
    from tiphub.disclosure.suppression import Policy
    from tiphub.exchange.publication import build
    from tiphub.web.audit.services import record_event

    floor = site_min_cell()
    min_cell = floor if min_cell is None else min_cell
    if min_cell < floor:
        raise ReleaseError(f"the minimum cell cannot be below this site's minimum ({floor})")
    try:
        policy = Policy(min_cell=min_cell)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    fingerprint = data_fingerprint()
    frame = registry_frame()
    registry, gpa, plan = definitions(plan_file())
    population_table = current_population()
    estimate_set = current_estimates()
    population = population_of(population_table.rows) if population_table else None
    estimates = estimates_of(estimate_set.estimates) if estimate_set else []
    try:
        pub = build(
            frame,
            year=year,
            registry=registry,
            gpa=gpa,
            plan=plan,
            population=population,
            estimates=estimates,
            policy=policy,
        )
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    fields = _actor_fields(actor)
    with transaction.atomic():
        release = Release.objects.create(
            created_by=fields["uploaded_by"],
            actor_label=fields["actor_label"],
            reference_year=pub.year,
            years=list(pub.years),
            min_cell=min_cell,
            registry_version=registry.version,
            records=len(frame),
            data_fingerprint=fingerprint,
            unduplicated=pub.unduplicated,
            population=population_table,
            estimate_set=estimate_set,
            cells=_records(pub.cells.table),
            values=_records(pub.values),
            report=_json_safe(json.loads(json.dumps(pub.report))),
            estimates=[asdict(e) for e in pub.estimates],
            population_rows=population_table.rows if population_table else [],
        )
        cells = pub.report["cells"]
        record_event(
            actor,
            "indicators.release",
            release,
            details={
                "year": pub.year,
                "min_cell": min_cell,
                "records": len(frame),
                "published": cells["published"],
                "primary": cells["primary"],
                "secondary": cells["secondary"],
                "withdrawn": cells["withdrawn"],
            },
        )
    return release


def latest_release() -> Release | None:
    return Release.objects.first()


def is_stale(release: Release) -> bool:
    """True when the registry or the inputs changed since the release was computed."""
    population = current_population()
    estimate_set = current_estimates()
    return (
        release.data_fingerprint != data_fingerprint()
        or release.population_id != (population.pk if population else None)
        or release.estimate_set_id != (estimate_set.pk if estimate_set else None)
    )


def publication(release: Release) -> Publication:
    """The release's `Publication` (protected figures only), rebuilt once per process."""
    return _publication(release.pk, release.created_at.isoformat())


@lru_cache(maxsize=4)
def _publication(pk: int, stamp: str) -> Publication:
    import pandas as pd

    from tiphub.disclosure.release import ProtectedCells
    from tiphub.disclosure.suppression import Policy
    from tiphub.exchange.publication import Publication
    from tiphub.indicators.compute import VALUE_COLUMNS

    release = Release.objects.get(pk=pk)
    registry, gpa, plan = definitions(plan_file())
    dims = list(registry.dimensions)
    cells = pd.DataFrame.from_records(
        release.cells, columns=["year", *dims, "value", "status", "display"]
    )
    cells["year"] = cells["year"].astype("int64")
    for dim in dims:
        cells[dim] = cells[dim].astype(str)
    cells["value"] = pd.array(list(cells["value"]), dtype="Float64")
    values = pd.DataFrame.from_records(release.values, columns=list(VALUE_COLUMNS))
    values["year"] = values["year"].astype("int64")
    values["version"] = values["version"].astype("int64")
    for column in ("value", "numerator"):
        values[column] = pd.to_numeric(values[column]).astype("float64")
    for column in ("lower", "upper", "denominator"):
        values[column] = values[column].astype(object).where(values[column].notna(), None)
    return Publication(
        registry=registry,
        gpa=gpa,
        plan=plan,
        cells=ProtectedCells(table=cells, dims=dims, report=release.report),
        values=values,
        years=[int(y) for y in release.years],
        year=release.reference_year,
        policy=Policy(min_cell=release.min_cell),
        estimates=estimates_of(release.estimates),
        population=population_of(release.population_rows) if release.population_rows else None,
        unduplicated=release.unduplicated,
    )


# --- downloads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str
    items: int


#: format key -> (content type, file suffix, per-year or reference year only)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "sdmx-v1": ("text/csv; charset=utf-8", "csv", True),
    "sdmx-v2": ("text/csv; charset=utf-8", "csv", True),
    "dhis2": ("application/json", "json", True),
    "glotip": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", True),
    "report-pdf": ("application/pdf", "pdf", False),
    "report-html": ("text/html; charset=utf-8", "html", False),
    "release-report": ("application/json", "json", False),
}


def download(release: Release, fmt: str, actor: Any, year: int | None = None) -> Download:
    """Write one publication file of the release (through the exchange writers) and audit it.

    Every figure in it is one of the release's protected figures. The export is audited as
    `indicators.export` with the format, year and release (never a value).
    """
    from tiphub.exchange.dhis2 import write_dhis2
    from tiphub.exchange.glotip import write_glotip
    from tiphub.exchange.report import write_report
    from tiphub.exchange.sdmx import write_sdmx_csv
    from tiphub.web.audit.services import record_event

    content_type, suffix, per_year = FORMATS[fmt]
    pub = publication(release)
    year = year if per_year and year is not None else pub.year
    if year not in pub.years:
        raise ReleaseError(f"the release has no year {year}")
    country = pub.plan.country
    with tempfile.TemporaryDirectory(prefix="tiphub-export-") as tmp:
        out = Path(tmp) / f"out.{suffix}"
        if fmt in ("sdmx-v1", "sdmx-v2"):
            items = write_sdmx_csv(pub, out, country.m49, int(fmt[-1]), year)
        elif fmt == "dhis2":
            items = write_dhis2(pub, out, country.iso3, year)
        elif fmt == "glotip":
            items = write_glotip(pub, out, year)
        elif fmt in ("report-pdf", "report-html"):
            write_report(pub, out)
            items = 1
        else:
            out.write_text(json.dumps(pub.report, indent=2), encoding="utf-8")
            items = len(pub.report.get("suppressed", []))
        content = out.read_bytes()
    stem = {"release-report": "release-report", "report-pdf": "report", "report-html": "report"}
    filename = f"tiphub-{stem.get(fmt, fmt)}-{country.iso3}-{year}.{suffix}"
    record_event(
        actor,
        "indicators.export",
        release,
        purpose="download",
        details={"format": fmt, "year": year, "items": items, "min_cell": release.min_cell},
    )
    return Download(content, content_type, filename, items)
