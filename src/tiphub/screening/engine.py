"""The screening engine: from what was recorded about a person to explained outcomes.

For each definition - trafficking (for labour or sexual exploitation), forced labour, smuggling,
and the presumed-victim policy - the engine gives a verdict (yes / no / insufficient), the chain
of reasons (which indicators made which dimension positive, which rule fired, with each item's
verification status), and what information is missing that could change the verdict.

How it works: the recorded facts become named *atoms* (a dimension is positive, an ICLS element
is present, a context fact is true / false / unknown...). The rules of `data/rules.yaml`, the
decision table and the policy are conditions over these names, evaluated with three-valued
logic. When the person's age is unknown, the whole evaluation runs twice - as a child and as an
adult - and an outcome on which the two disagree is "insufficient" with the age as the missing
information. Missing information is found by asking, for each unknown atom, whether making it
true or false would change the verdict, and for each negative dimension, whether making it
positive would.

The classification is a screening aid for frontline staff, not a legal determination; the
explanations say so and name the status of every rule and indicator they rely on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tiphub.screening import expressions
from tiphub.screening.catalogue import (
    ICLS_GROUPS,
    OUTCOMES,
    STATUS_WORDS,
    Catalogue,
    CatalogueError,
    Indicator,
    Rule,
    default_catalogue,
    text_in,
)
from tiphub.screening.dimensions import DimensionAssessment, assess, describe_completion
from tiphub.screening.expressions import Name, Or, Tri
from tiphub.screening.inputs import ScreeningInput, parse_person
from tiphub.screening.policy import Policy, default_policy

VERDICTS: dict[Tri, str] = {True: "yes", False: "no", None: "insufficient"}
_WORD: dict[Tri, str] = {True: "yes", False: "no", None: "unknown"}
_PURPOSE_WORDS = {
    "labour_exploitation": "labour exploitation",
    "sexual_exploitation": "sexual exploitation",
}


@dataclass(frozen=True)
class RuleOptions:
    """Choices the research left open, with the documented defaults of rules.yaml."""

    recruitment_dimensions: tuple[str, ...] | None = None  # None: rules.yaml's option
    use_icls_mapping: bool | None = None  # None: ilo_ec_to_icls.yaml's `enabled`


@dataclass(frozen=True)
class Atom:
    """One named fact the rules read, with its explanation."""

    value: Tri
    text: str
    hint: str | None = None  # what would change it, when it is false
    question: str | None = None  # what to find out, when it is unknown
    missing_key: str | None = None


@dataclass(frozen=True)
class MissingItem:
    """Information that could change one or more verdicts."""

    key: str
    text: str
    kind: str  # unknown (not recorded) | would_change (a negative finding that decides)
    affects: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.key,
            "kind": self.kind,
            "text": self.text,
            "affects": list(self.affects),
        }


@dataclass
class Outcome:
    name: str
    verdict: Tri
    reasons: list[str]
    missing: list[MissingItem]
    rule: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": VERDICTS[self.verdict],
            "reasons": list(self.reasons),
            "rule": self.rule,
            "missing": [m.text for m in self.missing],
            **self.extra,
        }


@dataclass
class ScreeningResult:
    """Everything the engine concluded about one person (`to_dict` is the CLI's JSON)."""

    person: ScreeningInput
    outcomes: dict[str, Outcome]
    missing: list[MissingItem]
    dimensions: dict[str, DimensionAssessment]
    verification: dict[str, Any]
    population: str
    catalogue_version: str
    policy: str

    def verdict(self, outcome: str) -> str:
        return VERDICTS[self.outcomes[outcome].verdict]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.person.ref,
            "set": self.person.set_key,
            "population": self.population,
            "outcomes": {name: self.outcomes[name].to_dict() for name in OUTCOMES},
            "missing": [m.text for m in self.missing],
            "missing_detail": [m.to_dict() for m in self.missing],
            "dimensions": {
                code: {
                    "status": d.status,
                    "present": [i.id for i in d.present],
                    "combination": d.combination.id if d.combination else None,
                }
                for code, d in self.dimensions.items()
            },
            "verification": self.verification,
            "catalogue_version": self.catalogue_version,
            "policy": self.policy,
            "notice": (
                "Screening classification against established indicator sets, to decide on "
                "protection and referral; not a legal determination."
            ),
        }


def _fmt(indicator: Indicator, lang: str = "en") -> str:
    return (
        f'{indicator.id} "{text_in(indicator.label, lang)}" '
        f"({indicator.strength}, {STATUS_WORDS[indicator.status]})"
    )


class _World:
    """One evaluation of a person, with the child question settled one way."""

    def __init__(self, screener: Screener, person: ScreeningInput, child: bool) -> None:
        self.screener = screener
        self.catalogue = screener.catalogue
        self.person = person
        self.child = child
        self.dims: dict[str, DimensionAssessment] = {}
        self.mapped: list[tuple[Indicator, str]] = []
        self._bases: dict[str, list[str]] = {}
        self.atoms = self._atoms()
        self.terms: dict[str, Rule] = {
            "recruitment_means": Rule(
                id="recruitment_means",
                when=Or(tuple(Name(c) for c in screener.recruitment_dimensions)),
                text=(
                    f"a means at recruitment ({' or '.join(screener.recruitment_dimensions)} "
                    "positive)"
                ),
                status="recalled_unverified",
            ),
            **self.catalogue.terms,
        }
        self.presumed_rule = Rule(
            id="presumed_victim",
            when=Or(tuple(c.rule.when for c in screener.policy.criteria)),
            text=f"any criterion of the presumed-victim policy {screener.policy.name}",
            status=screener.policy.status,
        )
        self.value_of = self.resolver()

    # -- atoms -------------------------------------------------------------------------------
    def _atoms(self) -> dict[str, Atom]:
        catalogue, person = self.catalogue, self.person
        atoms: dict[str, Atom] = {}
        age = f"age {person.age}" if person.age is not None else "age not recorded"
        if person.child is None:
            atoms["child"] = Atom(
                self.child, f"Treated as {'a child' if self.child else 'an adult'} ({age})."
            )
        else:
            atoms["child"] = Atom(
                self.child, f"The person is {'a child' if self.child else 'an adult'} ({age})."
            )

        chosen = catalogue.indicator_set(person.set_key) if person.set_key else None
        present, unknown = set(person.indicators), set(person.unknown)
        sets_hint = ", ".join(s.key for s in catalogue.sets)
        for dim in catalogue.dimensions:
            label = f"{dim.code} ({text_in(dim.label)})"
            if chosen is None:
                assessment = DimensionAssessment(dim.code, None, (), not_assessed=True)
                question = (
                    f"No ILO/EC indicator set was used: screen the person with one ({sets_hint})."
                )
                key = "set"
            else:
                assessment = assess(
                    catalogue, chosen.code, dim.code, present, unknown, dim.code in unknown
                )
                question = (
                    f"{label}: not fully assessed; record which of its indicators are present."
                )
                key = f"dimension.{dim.code}"
            self.dims[dim.code] = assessment
            hint = None
            if assessment.value is False and assessment.completions:
                ways = ", or ".join(describe_completion(c) for c in assessment.completions)
                hint = f"{label} is not positive: {ways} would make it positive."
            atoms[dim.code] = Atom(
                assessment.value, self._dimension_text(label, assessment), hint, question, key
            )
            atoms[f"any_{dim.code}"] = Atom(
                assessment.has(),
                f"{label}: indicator present: {_WORD[assessment.has()]}.",
                None,
                question,
                key,
            )
            atoms[f"strong_{dim.code}"] = Atom(
                assessment.has("strong"),
                self._strong_text(label, assessment),
                None,
                question,
                key,
            )

        context = person.context
        for fact in catalogue.facts.values():
            recorded = context.get(fact.key)
            label = text_in(fact.label)
            if recorded is not None:
                atoms[fact.key] = Atom(
                    recorded, f"{fact.key}: recorded as {_WORD[recorded]} - {label}"
                )
            elif fact.when_unknown is not None:
                atoms[fact.key] = Atom(
                    fact.when_unknown,
                    f"{fact.key}: not recorded, taken as {_WORD[fact.when_unknown]} - {label}",
                )
            else:
                atoms[fact.key] = Atom(
                    None, f"{fact.key}: unknown - {label}", None, label, f"context.{fact.key}"
                )
        atoms["act_evidence"] = self._act_atom(atoms["act"])
        self._icls_atoms(atoms, present, unknown)
        self._other_form_atoms(atoms, present)
        return atoms

    def _dimension_text(self, label: str, a: DimensionAssessment) -> str:
        if a.value is True and a.combination:
            text = (
                f"{label} is positive: {', '.join(_fmt(i) for i in a.used)} meet combination "
                f"({a.combination.id}) {a.combination.describe()}"
            )
            others = [i for i in a.present if i not in a.used]
            return text + (
                f"; also present: {', '.join(_fmt(i) for i in others)}." if others else "."
            )
        found = ", ".join(_fmt(i) for i in a.present)
        if a.value is None:
            if a.not_assessed and not a.present:
                return f"{label} is unknown: not assessed."
            pending = ", ".join(i.id for i in a.unknown_items) or "the whole dimension"
            return (
                f"{label} is unknown: present {found or 'none'}; could be positive if items "
                f"not assessed ({pending}) are present."
            )
        if not a.present:
            return f"{label} is not positive: no indicator recorded."
        return (
            f"{label} is not positive: present {found}; "
            "no combination of the dimension rule is met."
        )

    @staticmethod
    def _strong_text(label: str, a: DimensionAssessment) -> str:
        strong = [i for i in a.present if i.strength == "strong"]
        if strong:
            return f"{label}: strong indicator present: {', '.join(_fmt(i) for i in strong)}."
        return f"{label}: strong indicator present: {_WORD[a.has('strong')]}."

    def _act_atom(self, act: Atom) -> Atom:
        if act.value is not None:
            return Atom(
                act.value,
                act.text.replace(
                    "act:", "act (recruitment, transport, transfer, harbouring or receipt):", 1
                ),
            )
        recruitment = [d.code for d in self.catalogue.dimensions if d.role == "recruitment_means"]
        positive = [c for c in recruitment if self.dims[c].value is True]
        if positive:
            return Atom(
                True,
                f"act: not recorded, but inferred from the positive recruitment dimension "
                f"{', '.join(positive)} (recruitment by deception, coercion or abuse of "
                "vulnerability is itself an act under Palermo art. 3(a)).",
            )
        return Atom(None, act.text, None, act.question, act.missing_key)

    def _icls_atoms(self, atoms: dict[str, Atom], present: set[str], unknown: set[str]) -> None:
        catalogue = self.catalogue
        population = "child" if self.child else "adult"
        # ILO/EC items not assessed could also count through the mapping: their ICLS groups
        # are then unknown rather than absent.
        pending: list[Indicator] = [
            catalogue.indicators[i] for i in unknown if i in catalogue.indicators
        ]
        if self.person.set_key:
            code = catalogue.indicator_set(self.person.set_key).code
            for dim in catalogue.dimensions:
                if dim.code in unknown:
                    pending += [
                        i for i in catalogue.set_indicators(code, dim.code) if i.id not in present
                    ]
        pending_groups: set[str] = set()
        if self.screener.use_icls_mapping:
            for mapping in catalogue.mappings:
                if mapping.population not in ("all", population):
                    continue
                group = catalogue.icls_elements[mapping.element].group
                for item_id in self.person.indicators:
                    indicator = catalogue.indicators.get(item_id)
                    if indicator is not None and indicator.concept == mapping.concept:
                        self.mapped.append((indicator, mapping.element))
                if any(i.concept == mapping.concept for i in pending):
                    pending_groups.add(group)
        for group, words in ICLS_GROUPS.items():
            elements = [e for e in catalogue.icls_elements.values() if e.group == group]
            direct = [e for e in elements if e.id in present]
            via = [(i, el) for i, el in self.mapped if catalogue.icls_elements[el].group == group]
            parts = [f'{e.id} "{text_in(e.label)}" ({STATUS_WORDS[e.status]})' for e in direct] + [
                f'{i.id} "{text_in(i.label)}" counts as {el} via the tiphub ILO/EC-to-ICLS '
                "mapping (tiphub interpretation)"
                for i, el in via
            ]
            first, last = elements[0].id, elements[-1].id
            name = f"ICLS_{group}"
            if parts:
                atoms[name] = Atom(True, f"ICLS {words}: {'; '.join(parts)}.")
            elif (
                f"ICLS-{group}" in unknown
                or any(e.id in unknown for e in elements)
                or group in pending_groups
            ):
                atoms[name] = Atom(
                    None,
                    f"ICLS {words}: not assessed.",
                    None,
                    f"ICLS {words} ({first} to {last}): not assessed; "
                    "record whether any element applies.",
                    f"icls.{group}",
                )
            else:
                atoms[name] = Atom(
                    False,
                    f"ICLS {words}: no element recorded.",
                    f"No ICLS element of {words} recorded ({first} to {last}); "
                    "the rule needs at least one.",
                )

    def _other_form_atoms(self, atoms: dict[str, Atom], present: set[str]) -> None:
        found_any = []
        for form in self.catalogue.other_forms:
            found = [i for i in form.indicators if i.id in present]
            found_any += found
            listed = ", ".join(f'{i.id} "{text_in(i.label)}"' for i in found)
            atoms[form.key] = Atom(
                bool(found),
                f"{text_in(form.label)}: {listed} ({STATUS_WORDS[form.status]}; manual review)."
                if found
                else f"{text_in(form.label)}: no indicator recorded.",
            )
        listed = ", ".join(i.id for i in found_any)
        atoms["other_forms"] = Atom(
            bool(found_any),
            f"Indicators of other forms of trafficking: {listed} "
            "(reconstructed, low confidence; manual review)."
            if found_any
            else "No indicator of other forms of trafficking recorded.",
        )

    # -- evaluation --------------------------------------------------------------------------
    def rule_for(self, name: str) -> Rule | None:
        if name in self.terms:
            return self.terms[name]
        if name == "presumed_victim":
            return self.presumed_rule
        rules = self.catalogue.outcome_rules.get(name)
        if rules is None:
            return None
        return rules.get("all") or rules["child" if self.child else "adult"]

    def resolver(self, overrides: Mapping[str, Tri] | None = None) -> Callable[[str], Tri]:
        overrides = overrides or {}
        memo: dict[str, Tri] = {}
        active: set[str] = set()

        def value_of(name: str) -> Tri:
            if name in overrides:
                return overrides[name]
            if name in memo:
                return memo[name]
            if name in self.atoms:
                return self.atoms[name].value
            rule = self.rule_for(name)
            if rule is None:
                raise CatalogueError(f"rule condition uses an unknown name {name!r}")
            if name in active:
                raise CatalogueError(f"rules refer to each other in a cycle through {name!r}")
            active.add(name)
            memo[name] = expressions.evaluate(rule.when, value_of)
            active.discard(name)
            return memo[name]

        return value_of

    def base_names(self, name: str) -> list[str]:
        """The atoms a named rule finally depends on, in reading order."""
        if name in self._bases:
            return self._bases[name]
        if name in self.atoms:
            return [name]
        rule = self.rule_for(name)
        found: dict[str, None] = {}
        if rule is not None:
            for inner in expressions.names(rule.when):
                for base in self.base_names(inner):
                    found.setdefault(base, None)
        self._bases[name] = list(found)
        return self._bases[name]

    def explain(self, name: str, seen: set[str], depth: int = 0) -> list[str]:
        """Reason lines for the value of `name`, following the decisive names."""
        if name in seen:
            return []
        seen.add(name)
        if name in self.atoms:
            return [self.atoms[name].text]
        rule = self.rule_for(name)
        if rule is None:  # pragma: no cover - names are validated when loading
            return []
        value = self.value_of(name)
        if name in OUTCOMES and depth > 0:
            return [
                f"{name.replace('_', ' ')}: {VERDICTS[value]} (rule {rule.id}, see that outcome)."
            ]
        text = rule.text or rule.id
        lines = [f"{text[0].upper()}{text[1:]}: {_WORD[value]}."] if depth > 0 else []
        for inner in expressions.decisive_names(rule.when, self.value_of):
            lines += self.explain(inner, seen, depth + 1)
        return lines

    def missing_for(self, name: str) -> list[MissingItem]:
        """Information that could change the verdict of `name` (nothing when it is yes).

        Two kinds: the unknowns that leave an "insufficient" verdict open (followed through the
        rule's decisive names), and - when the verdict would stay "no" even if every unknown
        turned out true - the negative findings that block it (for example the dimensions that
        are not positive, with what would make them positive).
        """
        verdict = self.value_of(name)
        if verdict is True:
            return []
        found: list[MissingItem] = []
        bases = [b for b in self.base_names(name) if b != "child"]
        if verdict is None:  # the unknowns that leave it open (a decided verdict needs none)
            for base in self._decisive_bases(name, self.value_of, set()):
                atom = self.atoms[base]
                if atom.value is None and base != "child":
                    key = atom.missing_key or base
                    found.append(MissingItem(key, atom.question or atom.text, "unknown", (name,)))
        optimistic = self.resolver({b: True for b in bases if self.atoms[b].value is None})
        if optimistic(name) is False:
            for base in self._decisive_bases(name, optimistic, set()):
                atom = self.atoms[base]
                if atom.value is False and atom.hint:
                    found.append(MissingItem(f"finding.{base}", atom.hint, "would_change", (name,)))
        return found

    def _decisive_bases(
        self, name: str, value_of: Callable[[str], Tri], seen: set[str]
    ) -> list[str]:
        """The atoms that decide `name` under `value_of`, following rules and terms."""
        if name in seen:
            return []
        seen.add(name)
        if name in self.atoms:
            return [name]
        rule = self.rule_for(name)
        if rule is None:  # pragma: no cover - names are validated when loading
            return []
        found: list[str] = []
        for inner in expressions.decisive_names(rule.when, value_of):
            found += self._decisive_bases(inner, value_of, seen)
        return found

    def rule_reasons(self, name: str) -> tuple[Rule, list[str]]:
        rule = self.rule_for(name)
        assert rule is not None
        source = f"{rule.source}; " if rule.source else ""
        header = (
            f"Rule {rule.id} ({source}{STATUS_WORDS[rule.status]}): {rule.text}. "
            f"Condition: {rule.condition}."
        )
        lines = [header]
        seen: set[str] = set()
        for inner in expressions.decisive_names(rule.when, self.value_of):
            lines += self.explain(inner, seen, 1)
        return rule, lines


def _conclusion(name: str, verdict: Tri, world: _World) -> str:
    purpose = None
    if world.person.set_key:
        purpose = world.catalogue.indicator_set(world.person.set_key).purpose
    if name == "trafficking":
        what = f"trafficking for {_PURPOSE_WORDS[purpose]}" if purpose else "trafficking"
        return {
            True: f"Meets the definition of {what} (screening classification).",
            False: f"Does not meet the definition of {what} on the information recorded.",
            None: f"Cannot decide whether the definition of {what} is met: information is missing.",
        }[verdict]
    if name == "forced_labour":
        return {
            True: "In forced labour under the ICLS 2018 statistical definition.",
            False: "Not in forced labour (ICLS 2018 definition) on the information recorded.",
            None: "Cannot decide on forced labour: information is missing.",
        }[verdict]
    return {
        True: "Smuggled migrant under the Smuggling of Migrants Protocol.",
        False: "Not a smuggled migrant on the information recorded.",
        None: "Cannot decide whether the person was smuggled: information is missing.",
    }[verdict]


class Screener:
    """Screens people against the catalogue, the rules and a presumed-victim policy."""

    def __init__(
        self,
        catalogue: Catalogue | None = None,
        policy: Policy | None = None,
        options: RuleOptions | None = None,
    ) -> None:
        self.catalogue = catalogue or default_catalogue()
        self.policy = policy or default_policy()
        options = options or RuleOptions()
        self.recruitment_dimensions = (
            options.recruitment_dimensions or self.catalogue.recruitment_dimensions
        )
        unknown = set(self.recruitment_dimensions) - {d.code for d in self.catalogue.dimensions}
        if unknown:
            raise ValueError(
                f"recruitment dimensions must be dimension codes, not {sorted(unknown)}"
            )
        self.use_icls_mapping = (
            self.catalogue.mappings_enabled
            if options.use_icls_mapping is None
            else options.use_icls_mapping
        )

    def screen(self, person: ScreeningInput | Mapping[str, Any]) -> ScreeningResult:
        """Screen one person (a `ScreeningInput`, or a dict in the JSON format)."""
        if not isinstance(person, ScreeningInput):
            person = parse_person(person, self.catalogue)
        if person.child is None:
            worlds = [_World(self, person, True), _World(self, person, False)]
        else:
            worlds = [_World(self, person, person.child)]
        outcomes = {name: self._outcome(name, worlds) for name in OUTCOMES}
        missing = _merge_missing([m for name in OUTCOMES for m in outcomes[name].missing])
        population = {True: "child", False: "adult", None: "unknown"}[person.child]
        return ScreeningResult(
            person=person,
            outcomes=outcomes,
            missing=missing,
            dimensions=worlds[0].dims,
            verification=self._verification(person, worlds),
            population=population,
            catalogue_version=self.catalogue.version,
            policy=self.policy.name,
        )

    # -- outcomes ----------------------------------------------------------------------------
    def _outcome(self, name: str, worlds: list[_World]) -> Outcome:
        parts = [self._outcome_in(name, w) for w in worlds]
        if len(parts) == 1:
            return parts[0]
        as_child, as_adult = parts
        if as_child.verdict == as_adult.verdict:
            verdict: Tri = as_child.verdict
            lead = (
                "The same verdict whether or not the person is under 18 (age unknown): "
                f"{VERDICTS[verdict]}."
            )
            missing = _merge_missing(as_child.missing + as_adult.missing)
        else:
            verdict = None
            lead = (
                "The verdict depends on the person's age: "
                f"{VERDICTS[as_child.verdict]} as a child, "
                f"{VERDICTS[as_adult.verdict]} as an adult."
            )
            age = MissingItem(
                "age",
                "Age, or whether the person is under 18: the rules differ for children and adults.",
                "unknown",
                (name,),
            )
            missing = _merge_missing([age, *as_child.missing, *as_adult.missing])
        reasons = (
            [lead]
            + [f"As a child: {r}" for r in as_child.reasons]
            + [f"As an adult: {r}" for r in as_adult.reasons]
        )
        extra = _merge_extra(as_child.extra, as_adult.extra)
        rule = (
            as_child.rule
            if as_child.rule == as_adult.rule
            else f"{as_child.rule} / {as_adult.rule}"
        )
        return Outcome(name, verdict, reasons, missing, rule, extra)

    def _outcome_in(self, name: str, world: _World) -> Outcome:
        if name == "presumed_victim":
            return self._presumed(world)
        verdict = world.value_of(name)
        rule, reasons = world.rule_reasons(name)
        reasons.append(_conclusion(name, verdict, world))
        extra: dict[str, Any] = {"status": rule.status}
        if name == "trafficking":
            chosen = world.person.set_key
            extra["purpose"] = world.catalogue.indicator_set(chosen).purpose if chosen else None
        if name == "forced_labour":
            noted = [i for i in world.person.indicators if i.startswith("ILO11-")]
            if noted:
                reasons.append(
                    "ILO indicators of forced labour recorded (a checklist without weights; "
                    f"no rule uses them): {', '.join(noted)}."
                )
        if name == "smuggling":
            classification, row_reasons, decision = self._classify(world)
            reasons += row_reasons
            extra["classification"] = classification
            extra["decision_rule"] = decision
        return Outcome(name, verdict, reasons, world.missing_for(name), rule.id, extra)

    def _classify(self, world: _World) -> tuple[str | None, list[str], str | None]:
        """The first decision-table row that holds; undetermined if an earlier row is unknown."""
        pending: list[Rule] = []
        for row in world.catalogue.decision_table:
            value = expressions.evaluate(row.when, world.value_of)
            if value is None:
                pending.append(row)
            elif value:
                note = f" {row.note}" if row.note else ""
                if not pending:
                    return (
                        row.then,
                        [f"Decision table {row.id}: {row.then} - {row.text}.{note}"],
                        row.id,
                    )
                candidates = ", ".join(f"{r.id} {r.then}" for r in [*pending, row])
                return (
                    None,
                    [
                        f"Trafficking versus smuggling: undetermined between {candidates}; "
                        "information is missing."
                    ],
                    None,
                )
        return None, ["Trafficking versus smuggling: no row of the decision table holds."], None

    def _presumed(self, world: _World) -> Outcome:
        policy = self.policy
        reasons = [
            f"Policy {policy.name} ({STATUS_WORDS[policy.status]}; needs legal sign-off): "
            "a presumed victim if any criterion holds."
        ]
        met, manual = [], False
        for criterion in policy.criteria:
            rule = criterion.rule
            value = expressions.evaluate(rule.when, world.value_of)
            if value is False:
                reasons.append(f"{rule.id} not met: {rule.text}.")
                continue
            state = "met" if value else "undetermined"
            reasons.append(f"{rule.id} {state}: {rule.text}.")
            seen: set[str] = set()
            for inner in expressions.decisive_names(rule.when, world.value_of):
                reasons += world.explain(inner, seen, 1)
            if value:
                met.append(rule.id)
                manual = manual or criterion.manual_review
        verdict = world.value_of("presumed_victim")
        reasons.append(
            {
                True: (
                    "Presumed victim: refer for assistance and protection now, "
                    "before any formal identification."
                ),
                False: "Not a presumed victim under this policy on the information recorded.",
                None: "Cannot decide yet: information is missing; protect while it is gathered.",
            }[verdict]
        )
        if manual:
            reasons.append(
                "Manual review required: an indicator of another form of trafficking is recorded."
            )
        advice = [
            a.text for a in policy.advice if expressions.evaluate(a.when, world.value_of) is True
        ]
        extra = {
            "criteria_met": met,
            "manual_review": manual,
            "advice": advice,
            "status": policy.status,
        }
        return Outcome(
            "presumed_victim",
            verdict,
            reasons,
            world.missing_for("presumed_victim"),
            policy.name,
            extra,
        )

    def _verification(self, person: ScreeningInput, worlds: list[_World]) -> dict[str, Any]:
        catalogue = self.catalogue
        items = []
        for item_id in person.indicators:
            status = catalogue.status_of(item_id)
            if status != "verified":
                checked: tuple[str, ...] = ()
                if item_id in catalogue.indicators:
                    checked = catalogue.indicators[item_id].checked_against
                elif item_id in catalogue.icls_elements:
                    checked = catalogue.icls_elements[item_id].checked_against
                items.append({"id": item_id, "status": status, "checked_against": list(checked)})
        rules: dict[str, str] = {"dimension rule (ILO/EC)": catalogue.dimension_rule_status}
        for world in worlds:
            for name in ("trafficking", "forced_labour", "smuggling"):
                rule = world.rule_for(name)
                assert rule is not None
                rules[rule.id] = rule.status
        if self.use_icls_mapping and any(w.mapped for w in worlds):
            rules["ILO/EC-to-ICLS mapping"] = "tiphub_interpretation"
        rules["trafficking vs smuggling decision table"] = "reconstructed"
        rules[f"presumed-victim policy {self.policy.name}"] = self.policy.status
        return {
            "indicators": items,
            "rules": [{"rule": k, "status": v} for k, v in rules.items()],
            "recruitment_dimensions": list(self.recruitment_dimensions),
        }


def _merge_missing(items: Iterable[MissingItem]) -> list[MissingItem]:
    merged: dict[str, MissingItem] = {}
    for item in items:
        if item.key in merged:
            old = merged[item.key]
            affects = tuple(dict.fromkeys(old.affects + item.affects))
            kind = "unknown" if "unknown" in (old.kind, item.kind) else old.kind
            merged[item.key] = replace(old, affects=affects, kind=kind)
        else:
            merged[item.key] = item
    order = {"age": 0, "unknown": 1, "would_change": 2}
    return sorted(merged.values(), key=lambda m: order["age"] if m.key == "age" else order[m.kind])


def _merge_extra(as_child: dict[str, Any], as_adult: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in dict.fromkeys([*as_child, *as_adult]):
        a, b = as_child.get(key), as_adult.get(key)
        if a == b:
            merged[key] = a
        elif isinstance(a, list) and isinstance(b, list):
            merged[key] = list(dict.fromkeys([*a, *b]))
        elif isinstance(a, bool) and isinstance(b, bool):
            merged[key] = a or b
        else:
            merged[key] = None
    return merged


def screen(
    person: ScreeningInput | Mapping[str, Any],
    *,
    catalogue: Catalogue | None = None,
    policy: Policy | None = None,
    options: RuleOptions | None = None,
) -> ScreeningResult:
    """Screen one person with the shipped catalogue and policy (convenience wrapper)."""
    return Screener(catalogue, policy, options).screen(person)
