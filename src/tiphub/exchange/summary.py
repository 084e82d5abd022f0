"""The figures a reader sees, as plain data: shared by the national report and the web pages.

Every function reads a `Publication` (protected figures only) and returns small records; the
formatting and the language are the caller's (the report renders English with Jinja2, the web
pages translate their labels). Keeping the selection here means the report, the web pages and
`tiphub indicators compute` can never show different figures for the same thing.

Absent count cells: a count cell missing from the release is either a true zero (no victim has
that combination) or a cell *withdrawn* by disclosure control (docs/indicators.md, rule 3).
The two must look alike, or a withdrawal would announce what it hides, so both are shown with
the statisticians' sign for nil, `NIL` ("–"), and neither is taken as a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from tiphub.exchange.publication import Publication
from tiphub.indicators.compute import parse_disaggregation
from tiphub.indicators.model import (
    TOTAL,
    ActionPoint,
    Measure,
    Pillar,
    Programme,
    ResultIndicator,
    ResultNode,
    Target,
)

NIL = "–"
"""Shown for a count cell that is zero or withdrawn (indistinguishable on purpose)."""

SDG_SERIES = ("VC_HTF_DETV", "VC_HTF_DETVSX", "VC_HTF_DETVFL", "VC_HTF_DETVOG", "VC_HTF_DETVOP")
SDG_RATES = ("DETV_RATE", "DETVSX_RATE", "DETVFL_RATE", "DETVOG_RATE", "DETVOP_RATE")
SDG_COLUMNS = ("", "sex=F", "sex=M", "age_group=Y0T17", "age_group=Y_GE18")
"""Total, female, male, children, adults: the columns of the SDG 16.2.2 tables."""
HEADLINE = "VC_HTF_DETV"
FORM_SERIES = {
    "sexual": "VC_HTF_DETVSX",
    "labour": "VC_HTF_DETVFL",
    "organ": "VC_HTF_DETVOG",
    "other": "VC_HTF_DETVOP",
}


@dataclass(frozen=True)
class Figure:
    """One published figure: its number (None when suppressed, nil or not computed) and text.

    status: published | primary ("<T") | secondary ("x") | estimate | nil (zero or withdrawn,
    shown `NIL`) | missing (the indicator was not computed, e.g. a rate without population).
    """

    value: float | None
    display: str
    status: str

    @property
    def suppressed(self) -> bool:
        return self.status in ("primary", "secondary")


def figure(pub: Publication, indicator: str, year: int | None = None, dis: str = "") -> Figure:
    """The published figure of `indicator` for `year` and a disaggregation (`sex=F|...`)."""
    year = pub.year if year is None else year
    rec = pub.value(indicator, year, dis)
    if rec is None:
        ind = pub.registry.indicators.get(indicator)
        if ind is None or year not in pub.years:
            return Figure(None, "", "missing")
        if ind.kind == "count":
            return Figure(None, NIL, "nil")
        # A rate of a nil count is nil too, where the rate is defined for this breakdown.
        pairs = parse_disaggregation(dis)
        defined = any(frozenset(pairs) == frozenset(g) for g in ind.grouping_sets())
        has_population = pub.population is not None and (
            pub.population.get(year, pairs.get("sex", TOTAL), pairs.get("age_group", TOTAL))
            is not None
        )
        if ind.kind == "rate" and defined and has_population:
            numerator = figure(pub, ind.computation.numerator, year, dis)
            if numerator.status == "nil":
                return numerator
        return Figure(None, "", "missing")
    value = rec["value"]
    if value is None or value != value:  # None or NaN: suppressed
        return Figure(None, str(rec["display"]), str(rec["status"]))
    return Figure(float(value), str(rec["display"]), str(rec["status"]))


def disaggregation(pub: Publication, pairs: dict[str, str]) -> str:
    """`pairs` as the release writes them: registry dimension order, totals left out."""
    order = list(pub.registry.dimensions)
    known = sorted((d for d in pairs if d in order), key=order.index)
    return "|".join(f"{d}={pairs[d]}" for d in known if pairs[d] != TOTAL)


# --- headline figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EstimateFigure:
    """A multiple-systems estimate as published: total with its interval, and the detected."""

    year: int
    total: float
    low: float
    high: float
    level: float
    method: str
    model: str
    observed: Figure
    rate: Figure
    rate_low: float | None
    rate_high: float | None


def estimate(pub: Publication, year: int | None = None) -> EstimateFigure | None:
    """The MSE estimate for `year`, or None when no estimate was supplied for it."""
    year = pub.year if year is None else year
    rec = pub.value("MSE_TOTAL", year)
    if rec is None:
        return None
    source = next(
        (e for e in pub.estimates if (e.year if e.year is not None else pub.year) == year), None
    )
    numerator = rec["numerator"]
    if numerator is None or numerator != numerator:
        observed = Figure(None, pub.report["policy"]["primary_label"], "primary")
    else:
        observed = Figure(float(numerator), str(int(float(numerator))), "published")
    rate_rec = pub.value("MSE_RATE", year)
    return EstimateFigure(
        year=year,
        total=float(rec["value"]),
        low=float(rec["lower"]),
        high=float(rec["upper"]),
        level=source.ci_level if source else 0.95,
        method=source.ci_method if source else "",
        model=source.model if source else "",
        observed=observed,
        rate=figure(pub, "MSE_RATE", year),
        rate_low=None if rate_rec is None else float(rate_rec["lower"]),
        rate_high=None if rate_rec is None else float(rate_rec["upper"]),
    )


@dataclass(frozen=True)
class Headline:
    """The tiles: detected victims, the SDG 16.2.2 rate, child victims, the estimate."""

    year: int
    detected: Figure
    rate: Figure
    children: Figure
    rate_children: Figure
    estimate: EstimateFigure | None


def headline(pub: Publication, year: int | None = None) -> Headline:
    year = pub.year if year is None else year
    return Headline(
        year=year,
        detected=figure(pub, HEADLINE, year),
        rate=figure(pub, "DETV_RATE", year),
        children=figure(pub, HEADLINE, year, "age_group=Y0T17"),
        rate_children=figure(pub, "DETV_RATE", year, "age_group=Y0T17"),
        estimate=estimate(pub, year),
    )


# --- tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One table row: a key (indicator id or option code), its label, one figure per column."""

    key: str
    label: str
    cells: tuple[Figure, ...]


def sdg_table(pub: Publication, year: int | None = None, *, rates: bool = False) -> list[Row]:
    """SDG 16.2.2 series (counts, or rates per 100,000) by SDG_COLUMNS. Rates need population."""
    if rates and pub.population is None:
        return []
    ids = SDG_RATES if rates else SDG_SERIES
    return [
        Row(i, pub.registry.indicators[i].name, tuple(figure(pub, i, year, d) for d in SDG_COLUMNS))
        for i in ids
        if i in pub.registry.indicators
    ]


def options(pub: Publication, indicator: str, dimension: str, year: int | None = None) -> list[str]:
    """The options of `dimension` to list for `indicator`: the declared ones, then those found."""
    year = pub.year if year is None else year
    dim = pub.registry.dimensions[dimension]
    found: set[str] = set()
    values = pub.values
    rows = values[(values["indicator"] == indicator) & (values["year"] == year)]
    for text in rows["disaggregation"]:
        option = parse_disaggregation(str(text)).get(dimension)
        if option is not None:
            found.add(option)
    declared = [o for o in dim.options if o != TOTAL]
    if not dim.options or set(declared) <= {"_U"}:
        declared = [o for o in declared if o in found]  # open code lists: list what is there
    extra = sorted(found - set(declared))
    unknown = [o for o in declared if o == "_U"]
    return [o for o in declared if o != "_U"] + [o for o in extra if o != "_U"] + unknown


def crosstab(
    pub: Publication,
    indicator: str,
    row_dimension: str,
    columns: Sequence[str] = ("",),
    year: int | None = None,
    *,
    row_options: Iterable[str] | None = None,
) -> list[Row]:
    """Rows = options of `row_dimension`, columns = disaggregations (e.g. `sex=F`) of them."""
    dim = pub.registry.dimensions[row_dimension]
    opts = (
        list(row_options)
        if row_options is not None
        else options(pub, indicator, row_dimension, year)
    )
    rows = []
    for opt in opts:
        cells = []
        for col in columns:
            pairs = {row_dimension: opt, **parse_disaggregation(col)}
            cells.append(figure(pub, indicator, year, disaggregation(pub, pairs)))
        rows.append(Row(opt, dim.label(opt), tuple(cells)))
    return rows


# --- trends -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    year: int
    figure: Figure
    estimate: EstimateFigure | None


def trend(pub: Publication, indicator: str = HEADLINE, dis: str = "") -> list[TrendPoint]:
    """One point per year of the release (earlier years are kept for trends)."""
    out = []
    for y in pub.years:
        est = estimate(pub, y) if indicator == HEADLINE and not dis else None
        out.append(TrendPoint(y, figure(pub, indicator, y, dis), est))
    return out


def headline_target(pub: Publication) -> Target | None:
    """The plan's target for the headline series (total detected victims), if any."""
    return next(
        (t for t in pub.plan.targets if t.indicator == HEADLINE and not t.disaggregation), None
    )


# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    """A target with the published current value, progress and the path expected by now.

    progress = (current - baseline) / (target - baseline), from published figures only (None
    when the current figure is suppressed). expected = the milestone for the year, else the
    straight line from the baseline (or the last milestone) to the target.
    """

    target: Target
    label: str
    disaggregation: str
    year: int
    current: Figure
    progress: float | None
    expected: float | None
    on_track: bool | None


def expected_value(t: Target, year: int) -> float | None:
    """The value the plan expects in `year` (milestone, else linear between known points)."""
    if year in t.milestones:
        return t.milestones[year]
    points = sorted(
        {t.baseline_year: t.baseline_value, **t.milestones, t.target_year: t.target_value}.items()
    )
    if year < points[0][0] or year > points[-1][0]:
        return None
    for (y0, v0), (y1, v1) in pairwise(points):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return None


def target_progress(pub: Publication, year: int | None = None) -> list[TargetProgress]:
    year = pub.year if year is None else year
    out = []
    for t in pub.plan.targets:
        dis = disaggregation(pub, t.disaggregation)
        current = figure(pub, t.indicator, year, dis)
        share = None if current.value is None else t.progress(current.value)
        expected = expected_value(t, year)
        on_track = None
        if current.value is not None and expected is not None:
            ahead = current.value >= expected
            on_track = ahead if t.direction == "increase" else current.value <= expected
        ind = pub.registry.indicators.get(t.indicator)
        out.append(
            TargetProgress(
                target=t,
                label=ind.name if ind else t.indicator,
                disaggregation=dis,
                year=year,
                current=current,
                progress=share,
                expected=expected,
                on_track=on_track,
            )
        )
    return out


# --- the Global Plan of Action, the national action plan, programmes ---------------------------


@dataclass(frozen=True)
class PillarSummary:
    pillar: Pillar
    action_points: tuple[ActionPoint, ...]
    measures: tuple[Measure, ...]

    def count(self, *statuses: str) -> int:
        return sum(1 for m in self.measures if m.status in statuses)

    @property
    def completed(self) -> int:
        return self.count("completed")

    @property
    def in_progress(self) -> int:
        return self.count("in_progress")

    @property
    def behind(self) -> int:
        return self.count("delayed", "not_started")


def pillars(pub: Publication) -> list[PillarSummary]:
    """The GPA's four pillars with their action points and the plan's measures under each."""
    plan = pub.plan.action_plan
    measures = plan.measures if plan else ()
    return [
        PillarSummary(
            pillar=p,
            action_points=tuple(a for a in pub.gpa.action_points.values() if a.pillar == p.id),
            measures=tuple(m for m in measures if m.gpa_pillar == p.id),
        )
        for p in pub.gpa.pillars.values()
    ]


@dataclass(frozen=True)
class ResultFigure:
    """A programme indicator: actual from the release when it names a registry indicator."""

    indicator: ResultIndicator
    actual: Figure
    progress: float | None


@dataclass(frozen=True)
class ChainNode:
    node: ResultNode
    depth: int
    indicators: tuple[ResultFigure, ...]


def results_chain(
    pub: Publication, programme: Programme, year: int | None = None
) -> list[ChainNode]:
    """The programme's results in tree order (outcome, its outputs, their activities)."""
    year = pub.year if year is None else year
    children: dict[str | None, list[ResultNode]] = {}
    ids = {n.id for n in programme.results}
    for node in programme.results:
        parent = node.parent if node.parent in ids else None
        children.setdefault(parent, []).append(node)
    out: list[ChainNode] = []

    def visit(parent: str | None, depth: int) -> None:
        for node in children.get(parent, []):
            figures = []
            for ri in node.indicators:
                if ri.registry_indicator:
                    actual = figure(pub, ri.registry_indicator, year)
                elif ri.actual is None:
                    actual = Figure(None, "", "missing")
                else:
                    actual = Figure(ri.actual, f"{ri.actual:g}", "reported")
                share = None
                if actual.value is not None:
                    span = ri.target - ri.baseline
                    share = 1.0 if span == 0 else (actual.value - ri.baseline) / span
                figures.append(ResultFigure(ri, actual, share))
            out.append(ChainNode(node, depth, tuple(figures)))
            visit(node.id, depth + 1)

    visit(None, 0)
    return out
