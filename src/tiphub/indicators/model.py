"""The indicator registry's records: definitions, dimensions, targets, plans and programmes.

Everything here is plain data (frozen dataclasses) loaded from versioned YAML, in the spirit of
DHIS2's metadata-driven indicators, with two deliberate differences: disaggregations are stored as
dimension=option pairs (never pre-generated category-option combinations), and targets and
baselines are first-class records rather than shadow data elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TOTAL = "_T"
"""The option code for 'all options of this dimension' (SDMX convention)."""

IndicatorKind = Literal["count", "rate", "estimate"]


@dataclass(frozen=True)
class Dimension:
    """A disaggregation dimension over the statistical frame.

    `additive` dimensions partition the victims (each victim has exactly one option, unknown
    included), so the options add up to the total; multi-valued dimensions (form of exploitation:
    one victim may be exploited in several forms) do not, and each option is only bounded by the
    total. Disclosure control relies on this flag to know which equations an attacker can use.
    """

    id: str
    name: str
    column: str
    additive: bool
    options: dict[str, str] = field(default_factory=dict)
    """Known option codes and labels; options found in the data but not listed keep their code."""

    def label(self, option: str) -> str:
        if option == TOTAL:
            return "Total"
        return self.options.get(option, option)


@dataclass(frozen=True)
class Computation:
    """How an indicator is computed over the statistical frame.

    count: number of detected victims matching `filter` (dimension -> option).
    rate: `numerator` indicator's count / population x `factor` (population supplied by the user).
    estimate: read from a multiple-systems-estimation result (`tiphub estimate --json`).
    """

    numerator: str
    denominator: str | None = None
    factor: float = 1.0
    filter: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """One versioned indicator definition. A published definition is never edited in place:
    a change makes a new `version`, and the old one stays readable in the registry history."""

    id: str
    version: int
    status: str
    name: str
    definition: str
    kind: IndicatorKind
    computation: Computation
    unit: str
    disaggregations: tuple[tuple[str, ...], ...]
    sdg_indicator: str | None
    sdg_series: str | None
    gpa_pillars: tuple[str, ...]
    source: str
    method: str = ""

    def grouping_sets(self) -> tuple[tuple[str, ...], ...]:
        return self.disaggregations or ((),)


@dataclass(frozen=True)
class Target:
    """A baseline and a target for one indicator (optionally one disaggregation)."""

    indicator: str
    disaggregation: dict[str, str]
    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    source: str
    agreed_by: str = ""
    milestones: dict[int, float] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        return "increase" if self.target_value >= self.baseline_value else "decrease"

    def progress(self, current: float) -> float:
        """Share of the way from baseline to target (0 = at baseline, 1 = target met)."""
        span = self.target_value - self.baseline_value
        if span == 0:
            return 1.0 if current == self.target_value else 0.0
        return (current - self.baseline_value) / span


@dataclass(frozen=True)
class ActionPoint:
    """One action point of the UN Global Plan of Action (A/RES/64/293, annex)."""

    id: str
    pillar: str
    summary: str
    paragraph: str | None
    verified: bool
    note: str = ""
    # the address of the copy of the annex the paragraph number was checked against
    verified_against: str = ""


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    annex_section: str
    verified: bool
    verified_against: str = ""


@dataclass(frozen=True)
class Measure:
    """A national action plan measure: who leads it, where it stands, how it is measured."""

    id: str
    objective: str
    text: str
    lead_agency: str
    partners: tuple[str, ...]
    status: str
    deadline: str
    gpa_pillar: str
    gpa_action_points: tuple[str, ...]
    indicators: tuple[str, ...]
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class ActionPlan:
    id: str
    title: str
    period: str
    adopted_on: str
    coordinator: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class ResultIndicator:
    """A programme indicator with its own baseline, target and reported progress."""

    name: str
    unit: str
    baseline: float
    target: float
    actual: float | None
    registry_indicator: str | None = None

    def progress(self) -> float | None:
        if self.actual is None:
            return None
        span = self.target - self.baseline
        return 1.0 if span == 0 else (self.actual - self.baseline) / span


@dataclass(frozen=True)
class ResultNode:
    """One level of an ICAT-toolkit results chain: activity -> output -> outcome (-> impact)."""

    id: str
    level: str
    text: str
    parent: str | None
    indicators: tuple[ResultIndicator, ...]


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    implementer: str
    icat_activity_types: tuple[str, ...]
    period: str
    results: tuple[ResultNode, ...]


RESULT_LEVELS = ("impact", "outcome", "output", "activity")
MEASURE_STATUSES = ("not_started", "in_progress", "completed", "delayed", "cancelled")
