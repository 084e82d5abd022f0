"""What a screening records about one person, parsed and checked against the catalogue.

The CLI contract (issue 7) is a JSON object, or a list of them:

    {"age": 16 | null, "is_child": true | false | null, "set": "adults_labour" | ...,
     "indicators": ["AL-DR-01", ...], "context": {"act": true, ...}}

tiphub adds two optional keys: `id` (the screener's own reference, never a name) and `unknown`
(indicator ids, dimension codes such as "CD", or ICLS groups such as "ICLS-TP" that could not be
assessed). Every problem is collected with where it is (person, field) so that one run reports
all of them; a key that is not part of the format is an error, because a misspelt key would
otherwise silently drop information.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tiphub.screening.catalogue import ICLS_GROUPS, Catalogue

ALLOWED_KEYS = ("id", "age", "is_child", "set", "indicators", "unknown", "context")
MAX_AGE = 120


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, which field, why (never the value of a name)."""

    where: str
    field: str
    message: str
    unknown_ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.where}, field '{self.field}': {self.message}"


class InputError(ValueError):
    """The screening input is invalid; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def unknown_ids(self) -> list[str]:
        """Every unknown indicator id, in order of appearance, without repeats."""
        seen: dict[str, None] = {}
        for problem in self.problems:
            for item in problem.unknown_ids:
                seen.setdefault(item, None)
        return list(seen)


@dataclass(frozen=True)
class ScreeningInput:
    """One person's screening, validated: every id exists, facts are true / false / unknown."""

    indicators: tuple[str, ...] = ()
    set_key: str | None = None
    age: int | None = None
    is_child: bool | None = None
    unknown: tuple[str, ...] = ()
    context: Mapping[str, bool | None] = field(default_factory=dict)
    ref: str | None = None

    @property
    def child(self) -> bool | None:
        """Under 18? From `is_child` if given, else from `age`, else unknown."""
        if self.is_child is not None:
            return self.is_child
        if self.age is not None:
            return self.age < 18
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "age": self.age,
            "is_child": self.is_child,
            "set": self.set_key,
            "indicators": list(self.indicators),
            "context": dict(self.context),
        }
        if self.unknown:
            data["unknown"] = list(self.unknown)
        if self.ref is not None:
            data["id"] = self.ref
        return data


def _show(text: str) -> str:
    """An id or key as shown in a message; an empty one must still be visible."""
    return text if text.strip() else repr(text)


def _ids(value: Any, where: str, name: str, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(where, name, "must be a list of ids (strings)"))
        return []
    return [v.strip() for v in value]


def parse_person(obj: Any, catalogue: Catalogue, where: str = "person 1") -> ScreeningInput:
    """Validate one screening object; raise `InputError` listing every problem."""
    problems: list[Problem] = []
    if not isinstance(obj, Mapping):
        raise InputError([Problem(where, "-", "each screening must be a JSON object")])
    for key in obj:
        if key not in ALLOWED_KEYS:
            expected = ", ".join(ALLOWED_KEYS)
            problems.append(
                Problem(where, _show(str(key)), f"not a screening field (expected {expected})")
            )

    ref = obj.get("id")
    if ref is not None and not isinstance(ref, str | int):
        problems.append(Problem(where, "id", "must be a string or a number"))
        ref = None

    age = obj.get("age")
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE
    ):
        problems.append(
            Problem(where, "age", f"must be a whole number from 0 to {MAX_AGE}, or null")
        )
        age = None
    is_child = obj.get("is_child")
    if is_child is not None and not isinstance(is_child, bool):
        problems.append(Problem(where, "is_child", "must be true, false or null"))
        is_child = None
    if age is not None and is_child is not None and is_child != (age < 18):
        problems.append(Problem(where, "is_child", f"contradicts age {age}"))

    indicators = _ids(obj.get("indicators"), where, "indicators", problems)
    unknown = _ids(obj.get("unknown"), where, "unknown", problems)
    unknown_ids = tuple(dict.fromkeys(i for i in indicators if not catalogue.is_known_id(i)))
    if unknown_ids:
        problems.append(
            Problem(
                where,
                "indicators",
                f"unknown indicator ids: {', '.join(map(_show, unknown_ids))}",
                unknown_ids,
            )
        )
    groups = {d.code for d in catalogue.dimensions} | {f"ICLS-{g}" for g in ICLS_GROUPS}
    bad_unknown = tuple(u for u in unknown if u not in groups and not catalogue.is_known_id(u))
    if bad_unknown:
        problems.append(
            Problem(
                where,
                "unknown",
                f"unknown ids: {', '.join(map(_show, bad_unknown))} (use indicator ids, "
                "dimension codes such as CD, or ICLS-IV / ICLS-TP / ICLS-CH)",
                bad_unknown,
            )
        )
    both = sorted(set(indicators) & set(unknown))
    if both:
        problems.append(
            Problem(where, "unknown", f"recorded both as present and unknown: {', '.join(both)}")
        )

    set_key = _resolve_set(obj.get("set"), indicators, catalogue, where, problems)

    context: dict[str, bool | None] = {}
    raw_context = obj.get("context")
    if raw_context is None:
        raw_context = {}
    if not isinstance(raw_context, Mapping):
        problems.append(Problem(where, "context", "must be an object of facts"))
        raw_context = {}
    for key, value in raw_context.items():
        if key not in catalogue.facts:
            problems.append(
                Problem(
                    where,
                    f"context.{_show(str(key))}",
                    f"not a known fact (known: {', '.join(catalogue.facts)})",
                )
            )
        elif value is not None and not isinstance(value, bool):
            problems.append(Problem(where, f"context.{key}", "must be true, false or null"))
        else:
            context[key] = value

    if problems:
        raise InputError(problems)
    return ScreeningInput(
        indicators=tuple(dict.fromkeys(indicators)),
        set_key=set_key,
        age=age,
        is_child=is_child,
        unknown=tuple(dict.fromkeys(unknown)),
        context=context,
        ref=None if ref is None else str(ref),
    )


def _resolve_set(
    value: Any, indicators: Sequence[str], catalogue: Catalogue, where: str, problems: list[Problem]
) -> str | None:
    """The set's key: as given, or inferred from the ILO/EC ids; they must agree."""
    codes = {catalogue.indicators[i].set_code for i in indicators if i in catalogue.indicators}
    if value is None:
        if len(codes) > 1:
            problems.append(
                Problem(
                    where,
                    "set",
                    f"indicators come from several sets ({', '.join(sorted(codes))}); choose one",
                )
            )
            return None
        return catalogue.indicator_set(codes.pop()).key if codes else None
    if not isinstance(value, str):
        problems.append(Problem(where, "set", "must be a set key such as adults_labour"))
        return None
    try:
        chosen = catalogue.indicator_set(value)
    except KeyError:
        problems.append(
            Problem(
                where,
                "set",
                f"unknown set {value!r} (known: {', '.join(s.key for s in catalogue.sets)})",
            )
        )
        return None
    others = sorted(codes - {chosen.code})
    if others:
        wrong = [
            i
            for i in indicators
            if i in catalogue.indicators and catalogue.indicators[i].set_code != chosen.code
        ]
        problems.append(
            Problem(
                where,
                "indicators",
                f"{', '.join(wrong)} belong to another set than {chosen.key} ({chosen.code})",
            )
        )
    return chosen.key


def parse_people(data: Any, catalogue: Catalogue) -> tuple[list[ScreeningInput], bool]:
    """Parse an object or a list of objects. Returns the inputs and whether the input was a list."""
    is_list = isinstance(data, list)
    items = data if is_list else [data]
    if is_list and not items:
        raise InputError([Problem("input", "-", "the list holds no screening")])
    people: list[ScreeningInput] = []
    problems: list[Problem] = []
    for index, item in enumerate(items, start=1):
        try:
            people.append(parse_person(item, catalogue, f"person {index}"))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return people, is_list
