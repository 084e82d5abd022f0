"""The screening catalogues: indicator sets, rules and their sources, loaded from data files.

Nothing about an indicator or a rule is written in Python: the ILO/EC operational indicators, the
ICLS 2018 forced-labour elements, the other forms of trafficking, the context facts, the rules and
the trafficking-versus-smuggling decision table all live in `data/` with their sources and
verification status, so that a reviewer can check them against the source documents and a
country can adapt them without touching code. The loader validates everything it reads (ids,
cross-references, statuses, languages, the rule conditions) and fails with the file and the item
at fault, because a silently wrong catalogue would silently misclassify people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tiphub.screening import expressions
from tiphub.screening.expressions import Expr

LANGUAGES = ("en", "fr", "es")
STRENGTHS = ("strong", "medium", "weak")
STATUSES = (
    "verified",
    "corroborated",
    "recalled_unverified",
    "reconstructed",
    "reconstructed_low_confidence",
    "tiphub_interpretation",
)
STATUS_WORDS = {
    "verified": "verified",
    "corroborated": "corroborated",
    "recalled_unverified": "recalled, unverified",
    "reconstructed": "reconstructed",
    "reconstructed_low_confidence": "reconstructed, low confidence",
    "tiphub_interpretation": "tiphub interpretation",
}
ICLS_GROUPS = {
    "IV": "involuntary work",
    "TP": "threat or menace of penalty",
    "CH": "children's categories",
}
OUTCOMES = ("trafficking", "forced_labour", "smuggling", "presumed_victim")
_ILO_EC_ID = re.compile(r"^(?P<set>[A-Z]{2})-(?P<dim>[A-Z]{2})-(?P<nn>\d{2})$")


class CatalogueError(ValueError):
    """A data file of the screening catalogue is invalid (the message names file and item)."""


Labels = Mapping[str, str]


def text_in(labels: Labels, lang: str = "en") -> str:
    """The label in `lang`, falling back to English."""
    return labels.get(lang) or labels["en"]


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    read: str
    url: str | None = None


@dataclass(frozen=True)
class Dimension:
    code: str
    key: str
    role: str
    palermo_element: str
    label: Labels


@dataclass(frozen=True)
class IndicatorSet:
    code: str
    key: str
    population: str
    purpose: str
    indicator_count: int
    status: str
    checked_against: tuple[str, ...]
    label: Labels


@dataclass(frozen=True)
class Indicator:
    """One ILO/EC indicator of one set (e.g. AL-CD-02, debt bondage at destination)."""

    id: str
    set_code: str
    dimension: str
    concept: str
    strength: str
    status: str
    checked_against: tuple[str, ...]
    label: Labels
    note: str | None = None


@dataclass(frozen=True)
class IclsElement:
    id: str
    group: str
    status: str
    checked_against: tuple[str, ...]
    label: Labels
    note: str | None = None


@dataclass(frozen=True)
class OtherFormIndicator:
    id: str
    form: str
    element: str
    status: str
    label: Labels


@dataclass(frozen=True)
class OtherForm:
    key: str
    status: str
    label: Labels
    indicators: tuple[OtherFormIndicator, ...]


@dataclass(frozen=True)
class Ilo11Indicator:
    id: str
    label: Labels


@dataclass(frozen=True)
class ContextFact:
    key: str
    when_unknown: bool | None
    status: str
    used_by: tuple[str, ...]
    label: Labels
    explain: str
    source: str | None = None


@dataclass(frozen=True)
class IclsMapping:
    concept: str
    element: str
    population: str  # all | adult | child


@dataclass(frozen=True)
class Rule:
    """A named condition with its provenance (an outcome rule, a term or a table row)."""

    id: str
    when: Expr
    text: str
    status: str = "tiphub_interpretation"
    source: str | None = None
    checked_against: tuple[str, ...] = ()
    note: str | None = None
    then: str | None = None  # decision-table rows only

    @property
    def condition(self) -> str:
        return expressions.render(self.when)


@dataclass(frozen=True)
class Combination:
    id: str
    needs: Mapping[str, int]

    def describe(self) -> str:
        parts = [f"{n} {kind.replace('_', ' ')}" for kind, n in self.needs.items()]
        return " + ".join(parts)


@dataclass(frozen=True)
class Catalogue:
    """Everything the screening engine and the form generator read, validated."""

    sources: Mapping[str, Source]
    dimensions: tuple[Dimension, ...]
    sets: tuple[IndicatorSet, ...]
    indicators: Mapping[str, Indicator]
    icls_elements: Mapping[str, IclsElement]
    ilo_11: tuple[Ilo11Indicator, ...]
    other_forms: tuple[OtherForm, ...]
    facts: Mapping[str, ContextFact]
    mappings: tuple[IclsMapping, ...]
    mappings_enabled: bool
    combinations: tuple[Combination, ...]
    dimension_rule_status: str
    recruitment_dimensions: tuple[str, ...]
    terms: Mapping[str, Rule]
    outcome_rules: Mapping[str, Mapping[str, Rule]]
    decision_table: tuple[Rule, ...]
    version: str
    other_indicators: Mapping[str, OtherFormIndicator] = field(default_factory=dict)

    # -- lookups ---------------------------------------------------------------------------
    def dimension(self, code: str) -> Dimension:
        return next(d for d in self.dimensions if d.code == code)

    def indicator_set(self, key_or_code: str) -> IndicatorSet:
        """A set by key (`adults_labour`) or code (`AL`), case-insensitively."""
        wanted = key_or_code.strip().lower()
        for item in self.sets:
            if wanted in (item.key, item.code.lower()):
                return item
        raise KeyError(key_or_code)

    def set_indicators(self, set_code: str, dimension: str | None = None) -> list[Indicator]:
        """The indicators of a set (and dimension), in catalogue order."""
        return list(self._by_set_dimension.get((set_code, dimension), ()))

    @cached_property
    def _by_set_dimension(self) -> dict[tuple[str, str | None], tuple[Indicator, ...]]:
        index: dict[tuple[str, str | None], list[Indicator]] = {}
        for item in self.indicators.values():
            index.setdefault((item.set_code, None), []).append(item)
            index.setdefault((item.set_code, item.dimension), []).append(item)
        return {key: tuple(items) for key, items in index.items()}

    def is_known_id(self, item_id: str) -> bool:
        return (
            item_id in self.indicators
            or item_id in self.icls_elements
            or item_id in self.other_indicators
            or any(i.id == item_id for i in self.ilo_11)
        )

    def status_of(self, item_id: str) -> str:
        if item_id in self.indicators:
            return self.indicators[item_id].status
        if item_id in self.icls_elements:
            return self.icls_elements[item_id].status
        if item_id in self.other_indicators:
            return self.other_indicators[item_id].status
        return "corroborated"  # the ILO 11 names

    def label_of(self, item_id: str, lang: str = "en") -> str:
        if item_id in self.indicators:
            return text_in(self.indicators[item_id].label, lang)
        if item_id in self.icls_elements:
            return text_in(self.icls_elements[item_id].label, lang)
        if item_id in self.other_indicators:
            return text_in(self.other_indicators[item_id].label, lang)
        return text_in(next(i for i in self.ilo_11 if i.id == item_id).label, lang)

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every name a rule condition may use (see docs/screening.md)."""
        codes = [d.code for d in self.dimensions]
        names = set(codes)
        names |= {f"any_{c}" for c in codes} | {f"strong_{c}" for c in codes}
        names |= {"recruitment_means", "act_evidence", "child"}
        names |= {f"ICLS_{g}" for g in ICLS_GROUPS}
        names |= {f.key for f in self.other_forms} | {"other_forms"}
        names |= set(self.facts)
        names |= set(self.terms)
        names |= set(OUTCOMES)
        return frozenset(names)


# -- loading ------------------------------------------------------------------------------------


def data_dir() -> Path:
    """The folder of the shipped catalogue files."""
    return Path(str(resources.files("tiphub.screening") / "data"))


def _read(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    try:
        with path.open(encoding="utf-8") as handle:
            content = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc}") from exc
    if not isinstance(content, dict):
        raise CatalogueError(f"{path}: expected a mapping at the top level")
    return content


class Checker:
    """Collects the context (file, item) for error messages while a file is validated."""

    def __init__(self, file: str, sources: Mapping[str, Source] | None = None) -> None:
        self.file = file
        self.sources = sources or {}

    def fail(self, item: str, message: str) -> CatalogueError:
        return CatalogueError(f"{self.file}: {item}: {message}")

    def labels(self, item: str, value: Any) -> Labels:
        if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
            raise self.fail(item, f"label needs a text in each of {', '.join(LANGUAGES)}")
        return {lang: str(value[lang]) for lang in LANGUAGES}

    def status(self, item: str, value: Any) -> str:
        if value not in STATUSES:
            raise self.fail(item, f"status {value!r} is not one of {', '.join(STATUSES)}")
        return str(value)

    def checked(self, item: str, value: Any) -> tuple[str, ...]:
        value = value or []
        unknown = [v for v in value if v not in self.sources]
        if unknown:
            raise self.fail(item, f"checked_against names unknown sources {unknown}")
        return tuple(value)

    def expr(self, item: str, value: Any) -> Expr:
        try:
            return expressions.parse(str(value))
        except expressions.ExpressionError as exc:
            raise self.fail(item, str(exc)) from exc


def _load_sources(folder: Path) -> dict[str, Source]:
    raw = _read(folder, "sources.yaml")
    return {
        key: Source(id=key, citation=str(v["citation"]), read=str(v["read"]), url=v.get("url"))
        for key, v in raw["sources"].items()
    }


def _load_ilo_ec(
    folder: Path, sources: Mapping[str, Source]
) -> tuple[tuple[Dimension, ...], tuple[IndicatorSet, ...], dict[str, Indicator]]:
    check = Checker("ilo_ec_operational_indicators.yaml", sources)
    raw = _read(folder, check.file)
    dimensions = tuple(
        Dimension(
            code=d["code"],
            key=d["key"],
            role=d["role"],
            palermo_element=d["palermo_element"],
            label=check.labels(d["code"], d["label"]),
        )
        for d in raw["dimensions"]
    )
    dim_codes = {d.code for d in dimensions}
    sets = tuple(
        IndicatorSet(
            code=s["code"],
            key=s["key"],
            population=s["population"],
            purpose=s["purpose"],
            indicator_count=int(s["indicator_count"]),
            status=check.status(s["key"], s["status"]),
            checked_against=check.checked(s["key"], s.get("checked_against")),
            label=check.labels(s["key"], s["label"]),
        )
        for s in raw["sets"]
    )
    set_codes = {s.code for s in sets}
    concepts: dict[str, dict[str, Any]] = raw["concepts"]
    indicators: dict[str, Indicator] = {}
    for row in raw["indicators"]:
        item = str(row.get("id"))
        match = _ILO_EC_ID.match(item)
        if not match:
            raise check.fail(item, "id must look like AL-DR-01")
        if item in indicators:
            raise check.fail(item, "duplicate id")
        concept = concepts.get(row.get("concept"))
        if concept is None:
            raise check.fail(item, f"unknown concept {row.get('concept')!r}")
        if match["set"] not in set_codes or match["dim"] not in dim_codes:
            raise check.fail(item, "unknown set or dimension code")
        if concept["dimension"] != match["dim"]:
            raise check.fail(item, f"concept belongs to {concept['dimension']}, not {match['dim']}")
        if row.get("strength") not in STRENGTHS:
            raise check.fail(item, f"strength must be one of {', '.join(STRENGTHS)}")
        indicators[item] = Indicator(
            id=item,
            set_code=match["set"],
            dimension=match["dim"],
            concept=row["concept"],
            strength=row["strength"],
            status=check.status(item, row.get("status")),
            checked_against=check.checked(item, row.get("checked_against")),
            label=check.labels(row["concept"], concept["label"]),
            note=row.get("note"),
        )
    for s in sets:
        count = sum(1 for i in indicators.values() if i.set_code == s.code)
        if count != s.indicator_count:
            raise check.fail(s.key, f"has {count} indicators, the header says {s.indicator_count}")
    return dimensions, sets, indicators


def _load_icls(
    folder: Path, sources: Mapping[str, Source]
) -> tuple[dict[str, IclsElement], tuple[Ilo11Indicator, ...]]:
    check = Checker("forced_labour_icls2018.yaml", sources)
    raw = _read(folder, check.file)
    elements: dict[str, IclsElement] = {}
    for row in raw["elements"]:
        item = str(row["id"])
        if row.get("group") not in ICLS_GROUPS or not item.startswith(f"ICLS-{row['group']}-"):
            raise check.fail(item, "group must be IV, TP or CH and match the id")
        if item in elements:
            raise check.fail(item, "duplicate id")
        elements[item] = IclsElement(
            id=item,
            group=row["group"],
            status=check.status(item, row.get("status")),
            checked_against=check.checked(item, row.get("checked_against")),
            label=check.labels(item, row.get("label")),
            note=row.get("note"),
        )
    ilo_11 = tuple(
        Ilo11Indicator(id=i["id"], label=check.labels(i["id"], i["label"]))
        for i in raw["ilo_11_indicators"]["items"]
    )
    return elements, ilo_11


def _load_other_forms(folder: Path) -> tuple[OtherForm, ...]:
    check = Checker("other_forms_indicators.yaml")
    raw = _read(folder, check.file)
    forms = []
    for form in raw["forms"]:
        status = check.status(form["key"], form["status"])
        forms.append(
            OtherForm(
                key=form["key"],
                status=status,
                label=check.labels(form["key"], form["label"]),
                indicators=tuple(
                    OtherFormIndicator(
                        id=i["id"],
                        form=form["key"],
                        element=i["element"],
                        status=status,
                        label=check.labels(i["id"], i["label"]),
                    )
                    for i in form["indicators"]
                ),
            )
        )
    return tuple(forms)


def _load_facts(folder: Path, sources: Mapping[str, Source]) -> dict[str, ContextFact]:
    check = Checker("context_facts.yaml", sources)
    raw = _read(folder, check.file)
    facts = {}
    for row in raw["facts"]:
        if row.get("when_unknown") not in (True, False, None):
            raise check.fail(row["key"], "when_unknown must be true, false or null")
        facts[row["key"]] = ContextFact(
            key=row["key"],
            when_unknown=row.get("when_unknown"),
            status=check.status(row["key"], row.get("status")),
            used_by=tuple(row.get("used_by", ())),
            label=check.labels(row["key"], row.get("label")),
            explain=" ".join(str(row.get("explain", "")).split()),
            source=row.get("source"),
        )
    return facts


def make_rule(check: Checker, item: str, row: Mapping[str, Any]) -> Rule:
    return Rule(
        id=str(row.get("id", item)),
        when=check.expr(item, row.get("when")),
        text=" ".join(str(row.get("text", "")).split()),
        status=check.status(item, row.get("status", "tiphub_interpretation")),
        source=row.get("source"),
        checked_against=check.checked(item, row.get("checked_against")),
        note=row.get("note"),
        then=row.get("then"),
    )


def validate_names(check: Checker, item: str, rule: Rule, vocabulary: Iterable[str]) -> None:
    """Fail if a condition uses a name the engine does not provide."""
    allowed = set(vocabulary)
    unknown = sorted({n for n in expressions.names(rule.when) if n not in allowed})
    if unknown:
        raise check.fail(item, f"condition uses unknown names {unknown}")


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Read and validate every catalogue file in `folder` (default: the shipped data)."""
    folder = folder or data_dir()
    sources = _load_sources(folder)
    dimensions, sets, indicators = _load_ilo_ec(folder, sources)
    icls, ilo_11 = _load_icls(folder, sources)
    other_forms = _load_other_forms(folder)
    facts = _load_facts(folder, sources)

    check = Checker("ilo_ec_to_icls.yaml", sources)
    raw_map = _read(folder, check.file)
    concepts = {i.concept for i in indicators.values()}
    mappings = []
    for row in raw_map["mappings"]:
        population = row.get("population", "all")
        if row["concept"] not in concepts or row["element"] not in icls:
            raise check.fail(row["concept"], f"unknown concept or ICLS element {row['element']}")
        if population not in ("all", "adult", "child"):
            raise check.fail(row["concept"], "population must be all, adult or child")
        mappings.append(IclsMapping(row["concept"], row["element"], population))

    check = Checker("rules.yaml", sources)
    raw_rules = _read(folder, check.file)
    dim_rule = raw_rules["dimension_rule"]
    combinations = tuple(
        Combination(id=str(c["id"]), needs=dict(c["needs"])) for c in dim_rule["combinations"]
    )
    for combo in combinations:
        bad = set(combo.needs) - {"strong", "medium", "weak", "medium_or_weak"}
        if bad:
            raise check.fail(f"combination {combo.id}", f"unknown strength classes {sorted(bad)}")
    recruitment = tuple(raw_rules["options"]["recruitment_dimensions"])
    if not set(recruitment) <= {d.code for d in dimensions}:
        raise check.fail("options", "recruitment_dimensions must be dimension codes")
    terms = {
        name: make_rule(check, name, {"id": name, **row})
        for name, row in raw_rules["terms"].items()
    }
    outcome_rules = {
        outcome: {
            population: make_rule(check, f"{outcome}.{population}", row)
            for population, row in rules.items()
        }
        for outcome, rules in raw_rules["outcomes"].items()
    }

    check_table = Checker("smuggling_vs_trafficking.yaml", sources)
    raw_table = _read(folder, check_table.file)
    table = tuple(
        make_rule(check_table, str(row["id"]), row) for row in raw_table["decision_table"]
    )

    catalogue = Catalogue(
        sources=sources,
        dimensions=dimensions,
        sets=sets,
        indicators=indicators,
        icls_elements=icls,
        ilo_11=ilo_11,
        other_forms=other_forms,
        facts=facts,
        mappings=tuple(mappings),
        mappings_enabled=bool(raw_map.get("enabled", True)),
        combinations=combinations,
        dimension_rule_status=check.status("dimension_rule", dim_rule["status"]),
        recruitment_dimensions=recruitment,
        terms=terms,
        outcome_rules=outcome_rules,
        decision_table=table,
        version=_version(folder),
        other_indicators={i.id: i for f in other_forms for i in f.indicators},
    )
    vocabulary = catalogue.vocabulary - {"presumed_victim"}
    for name, term in terms.items():
        validate_names(check, f"terms.{name}", term, vocabulary)
    for outcome, rules in outcome_rules.items():
        if outcome not in OUTCOMES or set(rules) not in ({"adult", "child"}, {"all"}):
            raise check.fail(outcome, "outcomes need adult and child rules, or one 'all' rule")
        for population, rule in rules.items():
            validate_names(check, f"{outcome}.{population}", rule, vocabulary)
    for row in table:
        validate_names(check_table, row.id, row, vocabulary)
    return catalogue


def _version(folder: Path) -> str:
    """A short fingerprint of the catalogue files, recorded with every result and form."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return load_catalogue()
