"""The ILO/EC dimension rule: when is one of the six dimensions positive?

The Delphi survey weighted each indicator strong, medium or weak and declared a dimension
positive when its present indicators contain one of a few combinations (rules.yaml; for example
two strong, or one strong and one medium or weak). Besides the verdict this module says which
indicators met which combination, and, for a dimension that is not positive, the non-redundant
ways of adding indicators that would make it positive: the "what is missing" a caseworker needs.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from tiphub.screening.catalogue import Catalogue, Combination, Indicator
from tiphub.screening.expressions import Tri

_SLOT_ACCEPTS = {
    "strong": ("strong",),
    "medium": ("medium",),
    "weak": ("weak",),
    "medium_or_weak": ("medium", "weak"),
}


@dataclass(frozen=True)
class DimensionAssessment:
    """The state of one dimension for one person."""

    code: str
    value: Tri
    present: tuple[Indicator, ...]
    unknown_items: tuple[Indicator, ...] = ()
    not_assessed: bool = False
    combination: Combination | None = None
    used: tuple[Indicator, ...] = ()
    completions: tuple[dict[str, int], ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        return {True: "positive", False: "negative", None: "unknown"}[self.value]

    def has(self, strength: str | None = None) -> Tri:
        """Is at least one indicator (of `strength`) present? Unknown if it could be."""
        if any(strength in (None, i.strength) for i in self.present):
            return True
        if self.not_assessed or any(strength in (None, i.strength) for i in self.unknown_items):
            return None
        return False


def _allocate(present: Sequence[Indicator], combo: Combination) -> tuple[Indicator, ...] | None:
    """The indicators that meet `combo`, or None. Exact classes first, then the shared slot."""
    pool = {s: [i for i in present if i.strength == s] for s in ("strong", "medium", "weak")}
    used: list[Indicator] = []
    for slot in sorted(combo.needs, key=lambda s: len(_SLOT_ACCEPTS[s])):
        for _ in range(combo.needs[slot]):
            for strength in _SLOT_ACCEPTS[slot]:
                if pool[strength]:
                    used.append(pool[strength].pop(0))
                    break
            else:
                return None
    return tuple(used)


def _additions(counts: dict[str, int], combo: Combination) -> dict[str, int]:
    """How many more indicators of each class `combo` still needs, given present `counts`."""
    extra: dict[str, int] = {}
    spare = 0
    for strength in ("strong", "medium", "weak"):
        need = combo.needs.get(strength, 0)
        if need > counts[strength]:
            extra[strength] = need - counts[strength]
        elif strength != "strong":
            spare += counts[strength] - need
    shared = combo.needs.get("medium_or_weak", 0)
    if shared > spare:
        extra["medium_or_weak"] = shared - spare
    return extra


def _feasible(extra: dict[str, int], available: dict[str, int]) -> bool:
    left = {s: available[s] - extra.get(s, 0) for s in available}
    if any(n < 0 for n in left.values()):
        return False
    return left["medium"] + left["weak"] >= extra.get("medium_or_weak", 0)


def _dominates(a: dict[str, int], b: dict[str, int]) -> bool:
    """`a` needs no more of any class than `b`, and less of one: `b` is never worth suggesting."""
    keys = set(a) | set(b)
    return all(a.get(k, 0) <= b.get(k, 0) for k in keys) and a != b


def _counts(items: Collection[Indicator]) -> dict[str, int]:
    return {s: sum(1 for i in items if i.strength == s) for s in ("strong", "medium", "weak")}


def first_met(
    catalogue: Catalogue, present: Sequence[Indicator]
) -> tuple[Combination, tuple[Indicator, ...]] | None:
    """The first combination (in the rule's order) that `present` meets, with its indicators."""
    for combo in catalogue.combinations:
        used = _allocate(present, combo)
        if used is not None:
            return combo, used
    return None


def assess(
    catalogue: Catalogue,
    set_code: str,
    code: str,
    present_ids: Collection[str],
    unknown_ids: Collection[str] = (),
    not_assessed: bool = False,
) -> DimensionAssessment:
    """Assess dimension `code` of set `set_code` from the ids of present and unknown indicators."""
    universe = catalogue.set_indicators(set_code, code)
    present = tuple(i for i in universe if i.id in present_ids)
    unknown = tuple(i for i in universe if i.id in unknown_ids and i.id not in present_ids)
    met = first_met(catalogue, present)
    if met:
        return DimensionAssessment(code, True, present, unknown, not_assessed, met[0], met[1])

    counts = _counts(present)
    available = _counts([i for i in universe if i.id not in present_ids])
    options = [_additions(counts, combo) for combo in catalogue.combinations]
    unique = {tuple(sorted(o.items())): o for o in options if _feasible(o, available)}
    options = list(unique.values())
    completions = tuple(o for o in options if not any(_dominates(p, o) for p in options))

    if not_assessed:
        value: Tri = None
    else:
        could = first_met(catalogue, present + unknown) is not None
        value = None if could else False
    return DimensionAssessment(code, value, present, unknown, not_assessed, completions=completions)


def describe_completion(extra: dict[str, int]) -> str:
    """`{'strong': 1, 'medium_or_weak': 1}` -> "adding 1 strong and 1 medium or weak indicator"."""
    total = sum(extra.values())
    parts = " and ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in extra.items())
    return f"adding {parts} indicator{'s' if total > 1 else ''}"
