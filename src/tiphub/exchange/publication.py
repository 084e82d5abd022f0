"""One publication: frame -> count cells -> disclosure control -> indicator values.

Every writer (SDMX, DHIS2, GLOTIP workbook, national report, `indicators compute`) takes a
`Publication`, which holds only protected figures: the true counts stay inside `build()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tiphub.disclosure.dp import DPRelease
from tiphub.disclosure.release import ProtectedCells, protect
from tiphub.disclosure.suppression import Policy
from tiphub.indicators.compute import PublishedCells, count_cells, derive
from tiphub.indicators.inputs import Estimate, Population
from tiphub.indicators.registry import (
    GlobalPlan,
    MonitoringPlan,
    Registry,
    load_gpa,
    load_plan,
    load_registry,
)


@dataclass
class Publication:
    registry: Registry
    gpa: GlobalPlan
    plan: MonitoringPlan
    cells: ProtectedCells
    values: pd.DataFrame
    years: list[int]
    year: int
    policy: Policy
    estimates: list[Estimate]
    population: Population | None
    unduplicated: bool = False

    @property
    def report(self) -> dict[str, Any]:
        return self.cells.report

    def values_for(self, year: int | None = None) -> pd.DataFrame:
        y = self.year if year is None else year
        return self.values[self.values["year"] == y].reset_index(drop=True)

    def value(self, indicator: str, year: int, disaggregation: str = "") -> dict[str, Any] | None:
        v = self.values
        hit = v[
            (v["indicator"] == indicator)
            & (v["year"] == year)
            & (v["disaggregation"] == disaggregation)
        ]
        return None if hit.empty else {str(k): v for k, v in hit.iloc[0].to_dict().items()}


def build(
    frame: pd.DataFrame,
    *,
    year: int | None = None,
    registry: Registry | None = None,
    gpa: GlobalPlan | None = None,
    plan: MonitoringPlan | None = None,
    population: Population | None = None,
    estimates: Iterable[Estimate] = (),
    policy: Policy | None = None,
    dp: DPRelease | None = None,
) -> Publication:
    """Compute and protect all agreed indicators for every year up to `year` (default: latest).

    Earlier years are kept for trends; each year's cells are protected with the same policy.
    """
    registry = registry or load_registry()
    gpa = gpa or load_gpa()
    plan = plan or load_plan(registry=registry, gpa=gpa)
    policy = policy or Policy()
    years_in_frame = sorted({int(y) for y in frame["year"].unique()})
    if not years_in_frame:
        raise ValueError("the statistical frame is empty: no victim records to publish")
    if year is None:
        year = years_in_frame[-1]
    years = [y for y in years_in_frame if y <= year]
    if year not in years_in_frame:
        raise ValueError(
            f"no records for year {year} (the frame has {years_in_frame[0]}-{years_in_frame[-1]})"
        )
    cells = count_cells(frame, registry, years=years)
    dims = {d: registry.dimensions[d].additive for d in registry.dimensions}
    protected = protect(cells, dims, policy, dp)
    published = PublishedCells(table=protected.published(), dims=list(dims))
    estimates = list(estimates)
    values = derive(
        registry,
        published,
        population=population,
        estimates=estimates,
        estimate_year=year,
        min_cell=policy.min_cell,
    )
    protected.report["registry_version"] = registry.version
    protected.report["years"] = years
    protected.report["reference_year"] = year
    return Publication(
        registry=registry,
        gpa=gpa,
        plan=plan,
        cells=protected,
        values=values,
        years=years,
        year=year,
        policy=policy,
        estimates=estimates,
        population=population,
        unduplicated="person_id" in frame.columns,
    )
