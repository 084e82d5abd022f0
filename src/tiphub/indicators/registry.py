"""Load and validate the indicator registry, the GPA and a country's plan file (all YAML).

The built-in files live in `tiphub/indicators/data/`; a country passes its own with
`--registry FILE` / `--plan FILE`. Bad files fail with a `RegistryError` naming the file, the
record and the field, never half-loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tiphub.indicators.model import (
    MEASURE_STATUSES,
    RESULT_LEVELS,
    ActionPlan,
    ActionPoint,
    Computation,
    Dimension,
    Indicator,
    Measure,
    Pillar,
    Programme,
    ResultIndicator,
    ResultNode,
    Target,
)

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
"""Dimension ids and columns become SQL identifiers: letters, digits and underscores only."""

MAX_DIMENSIONS_PER_TABLE = 3
"""Cross-tabulations are limited to 3 dimensions (privacy-requirements B1.5)."""


class RegistryError(ValueError):
    """A registry, GPA or plan file is malformed (the message names file, record and field)."""


@dataclass(frozen=True)
class Country:
    name: str
    iso3: str
    m49: str


@dataclass(frozen=True)
class Registry:
    version: str
    dimensions: dict[str, Dimension]
    indicators: dict[str, Indicator]
    history: tuple[Indicator, ...]
    universe_exclude: dict[str, tuple[str, ...]]

    def agreed(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.status == "agreed"]

    def get(self, indicator_id: str) -> Indicator:
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise RegistryError(f"unknown indicator {indicator_id!r}") from None


@dataclass(frozen=True)
class GlobalPlan:
    source: str
    purposes: tuple[dict[str, Any], ...]
    pillars: dict[str, Pillar]
    action_points: dict[str, ActionPoint]


@dataclass(frozen=True)
class MonitoringPlan:
    """A country's monitoring data: targets, the national action plan, programmes."""

    country: Country
    targets: tuple[Target, ...]
    action_plan: ActionPlan | None
    programmes: tuple[Programme, ...]


def _data_path(name: str) -> Path:
    return Path(str(resources.files("tiphub.indicators") / "data" / name))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(loaded, dict):
        raise RegistryError(f"{path}: expected a mapping at the top level")
    return loaded


def _need(record: dict[str, Any], key: str, where: str) -> Any:
    if key not in record or record[key] is None:
        raise RegistryError(f"{where}: missing field {key!r}")
    return record[key]


def load_registry(path: Path | None = None) -> Registry:
    """Read the indicator registry (the built-in one unless `path` is given)."""
    path = path or _data_path("indicators.yaml")
    raw = _read_yaml(path)
    dimensions: dict[str, Dimension] = {}
    for dim_id, spec in (_need(raw, "dimensions", str(path)) or {}).items():
        where = f"{path}: dimension {dim_id}"
        if not IDENTIFIER.match(str(dim_id)) or not IDENTIFIER.match(
            str(spec.get("column", dim_id))
        ):
            raise RegistryError(f"{where}: ids and columns may hold letters, digits and _ only")
        dimensions[dim_id] = Dimension(
            id=dim_id,
            name=str(_need(spec, "name", where)),
            column=str(spec.get("column", dim_id)),
            additive=bool(_need(spec, "additive", where)),
            options={str(k): str(v) for k, v in (spec.get("options") or {}).items()},
        )
    history: list[Indicator] = []
    for entry in _need(raw, "indicators", str(path)):
        history.append(_indicator(entry, dimensions, path))
    current: dict[str, Indicator] = {}
    for ind in history:
        if ind.status == "retired":
            continue
        if ind.id in current:
            raise RegistryError(
                f"{path}: indicator {ind.id}: two non-retired versions "
                f"({current[ind.id].version} and {ind.version}); retire the older one"
            )
        current[ind.id] = ind
    for ind in current.values():
        numerator = ind.computation.numerator
        if ind.kind == "rate" and numerator not in current:
            raise RegistryError(
                f"{path}: indicator {ind.id}: numerator {numerator!r} is not an indicator"
            )
    exclude = (raw.get("universe") or {}).get("exclude") or {}
    for column in exclude:
        if not IDENTIFIER.match(str(column)):
            raise RegistryError(f"{path}: universe.exclude: {column!r} is not a column name")
    return Registry(
        version=str(_need(raw, "registry_version", str(path))),
        dimensions=dimensions,
        indicators=current,
        history=tuple(history),
        universe_exclude={str(k): tuple(str(x) for x in v) for k, v in exclude.items()},
    )


def _indicator(entry: dict[str, Any], dimensions: dict[str, Dimension], path: Path) -> Indicator:
    ind_id = str(_need(entry, "id", f"{path}: indicator"))
    where = f"{path}: indicator {ind_id}"
    kind = str(_need(entry, "kind", where))
    if kind not in ("count", "rate", "estimate"):
        raise RegistryError(f"{where}: kind must be count, rate or estimate, not {kind!r}")
    comp = _need(entry, "computation", where)
    computation = Computation(
        numerator=str(_need(comp, "numerator", f"{where}: computation")),
        denominator=comp.get("denominator"),
        factor=float(comp.get("factor", 1)),
        filter={str(k): str(v) for k, v in (comp.get("filter") or {}).items()},
    )
    for dim in computation.filter:
        if dim not in dimensions:
            raise RegistryError(f"{where}: computation.filter uses unknown dimension {dim!r}")
    sets: list[tuple[str, ...]] = []
    for group in entry.get("disaggregations") or [[]]:
        group = tuple(str(d) for d in group)
        for dim in group:
            if dim not in dimensions:
                raise RegistryError(f"{where}: disaggregations use unknown dimension {dim!r}")
        if len(group) > MAX_DIMENSIONS_PER_TABLE:
            raise RegistryError(
                f"{where}: a disaggregation has {len(group)} dimensions "
                f"(at most {MAX_DIMENSIONS_PER_TABLE}, privacy-requirements B1.5)"
            )
        sets.append(group)
    sdg = entry.get("sdg") or {}
    return Indicator(
        id=ind_id,
        version=int(_need(entry, "version", where)),
        status=str(_need(entry, "status", where)),
        name=str(_need(entry, "name", where)),
        definition=str(_need(entry, "definition", where)).strip(),
        kind=kind,  # type: ignore[arg-type]
        computation=computation,
        unit=str(_need(entry, "unit", where)),
        disaggregations=tuple(sets),
        sdg_indicator=sdg.get("indicator"),
        sdg_series=sdg.get("series"),
        gpa_pillars=tuple(str(p) for p in entry.get("gpa") or ()),
        source=str(_need(entry, "source", where)),
        method=str(entry.get("method", "")).strip(),
    )


_PILLAR_KEYS = {"id", "name", "annex_section", "verified", "verified_against"}
_POINT_KEYS = {"id", "pillar", "summary", "paragraph", "verified", "verified_against", "note"}


def _only_keys(record: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuse keys the loader would drop (an unquoted comma in a flow mapping makes one)."""
    extra = sorted(str(k) for k in set(record) - allowed)
    if extra:
        raise RegistryError(f"{where}: unknown keys {extra} (quote texts that contain commas)")


def load_gpa(path: Path | None = None) -> GlobalPlan:
    """The Global Plan of Action's pillars and action points (see the file's verification note)."""
    path = path or _data_path("gpa.yaml")
    raw = _read_yaml(path)
    pillars: dict[str, Pillar] = {}
    for p in _need(raw, "pillars", str(path)):
        where = f"{path}: pillar {p.get('id')}"
        _only_keys(p, _PILLAR_KEYS, where)
        verified = bool(p.get("verified", False))
        source = str(p.get("verified_against") or "").strip()
        if verified and not source:
            raise RegistryError(
                f"{where}: a verified pillar needs `verified_against` (the copy read)"
            )
        pillars[str(p["id"])] = Pillar(
            id=str(p["id"]),
            name=str(p["name"]),
            annex_section=str(p["annex_section"]),
            verified=verified,
            verified_against=source,
        )
    points: dict[str, ActionPoint] = {}
    for p in _need(raw, "action_points", str(path)):
        where = f"{path}: action point {p.get('id')}"
        _only_keys(p, _POINT_KEYS, where)
        pillar = str(_need(p, "pillar", where))
        if pillar not in pillars:
            raise RegistryError(f"{where}: unknown pillar {pillar!r}")
        paragraph = p.get("paragraph")
        verified = bool(p.get("verified", False))
        source = str(p.get("verified_against") or "").strip()
        if verified and paragraph is None:
            raise RegistryError(f"{where}: a verified action point needs its paragraph number")
        if verified and not source:
            raise RegistryError(
                f"{where}: a verified action point needs `verified_against` (the copy read)"
            )
        if not verified and paragraph is not None:
            raise RegistryError(f"{where}: a paragraph number is given but not verified; use null")
        points[str(p["id"])] = ActionPoint(
            id=str(p["id"]),
            pillar=pillar,
            summary=str(_need(p, "summary", where)),
            paragraph=None if paragraph is None else str(paragraph),
            verified=verified,
            note=str(p.get("note", "")),
            verified_against=source,
        )
    return GlobalPlan(
        source=str(raw.get("source", "")),
        purposes=tuple(raw.get("purposes") or ()),
        pillars=pillars,
        action_points=points,
    )


def _target(t: dict[str, Any], where: str) -> Target:
    baseline = _need(t, "baseline", where)
    target = _need(t, "target", where)
    return Target(
        indicator=str(_need(t, "indicator", where)),
        disaggregation={str(k): str(v) for k, v in (t.get("disaggregation") or {}).items()},
        baseline_year=int(_need(baseline, "year", f"{where}: baseline")),
        baseline_value=float(_need(baseline, "value", f"{where}: baseline")),
        target_year=int(_need(target, "year", f"{where}: target")),
        target_value=float(_need(target, "value", f"{where}: target")),
        source=str(_need(t, "source", where)),
        agreed_by=str(t.get("agreed_by", "")),
        milestones={int(k): float(v) for k, v in (t.get("milestones") or {}).items()},
    )


def load_plan(
    path: Path | None = None, registry: Registry | None = None, gpa: GlobalPlan | None = None
) -> MonitoringPlan:
    """A country's targets, action plan and programmes (the demo country's unless `path`)."""
    path = path or _data_path("plan_example.yaml")
    raw = _read_yaml(path)
    c = _need(raw, "country", str(path))
    country = Country(
        name=str(_need(c, "name", f"{path}: country")),
        iso3=str(_need(c, "iso3", f"{path}: country")),
        m49=str(_need(c, "m49", f"{path}: country")),
    )
    targets = tuple(
        _target(t, f"{path}: target {i + 1}") for i, t in enumerate(raw.get("targets") or [])
    )
    if registry is not None:
        for t in targets:
            if t.indicator not in registry.indicators:
                raise RegistryError(f"{path}: target for unknown indicator {t.indicator!r}")
    plan = None
    if raw.get("action_plan"):
        plan = _action_plan(raw["action_plan"], path, registry, gpa)
    programmes = tuple(_programme(p, path) for p in raw.get("programmes") or [])
    return MonitoringPlan(country=country, targets=targets, action_plan=plan, programmes=programmes)


def _action_plan(
    ap: dict[str, Any], path: Path, registry: Registry | None, gpa: GlobalPlan | None
) -> ActionPlan:
    measures = []
    for m in ap.get("measures") or []:
        where = f"{path}: measure {m.get('id')}"
        status = str(_need(m, "status", where))
        if status not in MEASURE_STATUSES:
            raise RegistryError(f"{where}: status must be one of {', '.join(MEASURE_STATUSES)}")
        pillar = str(_need(m, "gpa_pillar", where))
        points = tuple(str(p) for p in m.get("gpa_action_points") or ())
        if gpa is not None:
            if pillar not in gpa.pillars:
                raise RegistryError(f"{where}: unknown GPA pillar {pillar!r}")
            for p in points:
                if p not in gpa.action_points:
                    raise RegistryError(f"{where}: unknown GPA action point {p!r}")
        indicators = tuple(str(i) for i in m.get("indicators") or ())
        if registry is not None:
            for i in indicators:
                if i not in registry.indicators:
                    raise RegistryError(f"{where}: unknown indicator {i!r}")
        measures.append(
            Measure(
                id=str(_need(m, "id", where)),
                objective=str(m.get("objective", "")),
                text=str(_need(m, "text", where)),
                lead_agency=str(_need(m, "lead_agency", where)),
                partners=tuple(str(p) for p in m.get("partners") or ()),
                status=status,
                deadline=str(m.get("deadline", "")),
                gpa_pillar=pillar,
                gpa_action_points=points,
                indicators=indicators,
                targets=tuple(
                    _target(t, f"{where}: target {i + 1}")
                    for i, t in enumerate(m.get("targets") or [])
                ),
            )
        )
    where = f"{path}: action_plan"
    return ActionPlan(
        id=str(_need(ap, "id", where)),
        title=str(_need(ap, "title", where)),
        period=str(ap.get("period", "")),
        adopted_on=str(ap.get("adopted_on", "")),
        coordinator=str(ap.get("coordinator", "")),
        measures=tuple(measures),
    )


def _programme(p: dict[str, Any], path: Path) -> Programme:
    where = f"{path}: programme {p.get('id')}"
    nodes = []
    ids = {str(n.get("id")) for n in p.get("results") or []}
    for n in p.get("results") or []:
        node_where = f"{where}: result {n.get('id')}"
        level = str(_need(n, "level", node_where))
        if level not in RESULT_LEVELS:
            raise RegistryError(f"{node_where}: level must be one of {', '.join(RESULT_LEVELS)}")
        parent = n.get("parent")
        if parent is not None and str(parent) not in ids:
            raise RegistryError(f"{node_where}: parent {parent!r} is not a result of the programme")
        nodes.append(
            ResultNode(
                id=str(n["id"]),
                level=level,
                text=str(_need(n, "text", node_where)),
                parent=None if parent is None else str(parent),
                indicators=tuple(
                    ResultIndicator(
                        name=str(_need(i, "name", node_where)),
                        unit=str(i.get("unit", "")),
                        baseline=float(_need(i, "baseline", node_where)),
                        target=float(_need(i, "target", node_where)),
                        actual=None if i.get("actual") is None else float(i["actual"]),
                        registry_indicator=i.get("registry_indicator"),
                    )
                    for i in n.get("indicators") or []
                ),
            )
        )
    return Programme(
        id=str(_need(p, "id", where)),
        title=str(_need(p, "title", where)),
        implementer=str(p.get("implementer", "")),
        icat_activity_types=tuple(str(t) for t in p.get("icat_activity_types") or ()),
        period=str(p.get("period", "")),
        results=tuple(nodes),
    )
