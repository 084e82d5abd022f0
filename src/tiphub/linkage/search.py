"""Search for one person among many: the matcher of family tracing.

Linking (`tiphub.linkage.linker`) clusters whole lists into persons; tracing asks a narrower
question: which of these records could be the mother (brother, child...) that a family
describes? The description is thin and second-hand: a name as the family spells it, often in
another script or romanisation, a year of birth or an age, rarely a full date. This module
scores each candidate against that description with the comparisons of the plaintext linker,
on the linker's normalisation (`tiphub.linkage.normalise`), and explains every score:

- **names**: given and family names are compared part by part, in both orders (a family name
  recorded as the given name, common for Vietnamese and Chinese names, is a level of its own),
  on Jaro-Winkler levels like the linker's (0.92 / 0.85 / 0.7), after a transliteration step
  the linker lacks: any script is romanised (`anyascii`: Марія -> Mariya) and romanisation
  habits are folded (kh/h, ph/f, y/i, w/v, x/ks, doubled letters), so Oleksandr, Olexandr and
  Олександр agree at the "transliteration" level; one name contained in the other (a second
  family name, a hyphenated name) is the "part" level;
- **date of birth**: dates may be partial (`1989`, `1989-04`) or estimated from an age; the
  levels are the exact date, day and month swapped, one digit off, agreement as far as both
  are known, the same year with another day, a year or up to three years apart;
- **sex** and **citizenship**: agree or differ.

Each level has a weight log2(m/u) (Fellegi-Sunter, as Splink fits them): m is how often the
level occurs between two records of the same person, u between two different people. The
default weights were measured on synthetic countries (`tiphub.standard.synth`, whose agencies
misspell, transliterate, swap names and misrecord dates as real ones do) with
`python -m tiphub.linkage.search fit` and are kept in `data/search_weights.json`; a missing
value weighs 0. A candidate's probability adds the weights to a prior of one in the pool (the
sought person is at most one of the candidates), and its band says how to read it:
"likely" (>= 0.9), "possible" (>= 0.5), "weak" (below, down to `min_probability`).

Pure Python (no Django): `rank(sought, candidates)` takes mappings with `given_name`,
`family_name`, `date_of_birth` (full or partial), `birth_year` (an estimate), `sex` or `gender`,
`citizenship`, and returns `Match` objects, best first. Nothing here logs or raises with a value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler, Levenshtein

from tiphub.linkage.model import JARO_LEVELS
from tiphub.linkage.normalise import NormalisationError, normalise_code, normalise_date
from tiphub.linkage.normalise import normalise_name as _letters

#: Jaro-Winkler thresholds of the name levels: the plaintext linker's (`model.JARO_LEVELS`).
NAME_JARO = JARO_LEVELS["name"]
NAME_LEVELS = ("exact", "transliteration", "part", "similar", "close", "weak", "different")
DATE_LEVELS = (
    "exact",
    "day_month_swapped",
    "one_digit",
    "agrees_as_known",
    "same_year_other_day",
    "one_year",
    "three_years",
    "different",
)
CODE_LEVELS = ("agrees", "differs")
FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "citizenship")
BANDS = (("likely", 0.9), ("possible", 0.5))

#: Romanisation habits folded before comparing (order matters: digraphs first).
_FOLDS = (
    ("shch", "sc"), ("sch", "s"), ("kh", "h"), ("zh", "j"), ("ph", "f"), ("th", "t"),
    ("dh", "d"), ("gh", "g"), ("ck", "k"), ("ks", "x"), ("ou", "u"), ("oo", "u"), ("ee", "i"),
    ("w", "v"), ("y", "i"), ("q", "k"), ("c", "k"),
)  # fmt: skip
_DOUBLED = re.compile(r"(.)\1+")
_WORDS = re.compile(r"[\s\-‐‑,;./]+")
_SEX = {
    "f": "F", "feminine": "F", "female": "F", "woman": "F", "transgenderfeminine": "F",
    "m": "M", "masculine": "M", "male": "M", "man": "M", "transgendermasculine": "M",
}  # fmt: skip


# --- preparing a person ------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def romanised(value: str) -> str:
    """Letters only, romanised from any script, case-folded: 'Марія' -> 'mariya'."""
    return _letters(anyascii(value)) if value else ""


@lru_cache(maxsize=200_000)
def folded(value: str) -> str:
    """The romanised name with common romanisation differences folded away:
    'Oleksandr', 'Olexandr' -> 'olexandr'; 'Yulia', 'Iuliia' -> 'iulia'."""
    text = romanised(value)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return _DOUBLED.sub(r"\1", text)


def _parts(value: str) -> frozenset[str]:
    return frozenset(p for p in (folded(w) for w in _WORDS.split(value)) if len(p) >= 3)


@dataclass(frozen=True)
class Name:
    raw: str
    letters: str  # the linker's normalisation (script kept)
    folded: str
    parts: frozenset[str]

    @classmethod
    def of(cls, value: Any) -> Name | None:
        text = str(value or "").strip()
        if not _letters(text):
            return None
        return cls(text, _letters(text), folded(text), _parts(text))


@dataclass(frozen=True)
class BirthDate:
    """Year, month, day as far as known; `estimated` for a year derived from an age."""

    year: int
    month: int | None = None
    day: int | None = None
    estimated: bool = False

    @property
    def full(self) -> bool:
        return self.month is not None and self.day is not None

    def digits(self) -> str:
        return f"{self.year:04d}{self.month or 0:02d}{self.day or 0:02d}"


def birth_date(date_of_birth: Any = "", birth_year: Any = "") -> BirthDate | None:
    """The date of birth as far as known (`1989-04-02`, `1989-04`, `1989`, `02/04/1989`), else
    the estimated year of birth; None when neither says anything."""
    text = str(date_of_birth or "").strip()
    if text:
        try:
            digits = normalise_date(text)
        except NormalisationError:
            digits = ""
        if digits[:4].isdigit():
            month = int(digits[4:6]) if digits[4:6].isdigit() and digits[4:6] != "00" else None
            day = int(digits[6:8]) if digits[6:8].isdigit() and digits[6:8] != "00" else None
            return BirthDate(int(digits[:4]), month, day if month else None)
    year = str(birth_year or "").strip()[:4]
    return BirthDate(int(year), estimated=True) if year.isdigit() else None


def _sex(value: Any) -> str:
    code = normalise_code(str(value or ""))
    return _SEX.get(code, "")


@dataclass(frozen=True)
class Person:
    """What is known of one person, prepared for comparison (built once per record)."""

    given: Name | None
    family: Name | None
    born: BirthDate | None
    sex: str
    citizenship: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Person:
        return cls(
            Name.of(data.get("given_name")),
            Name.of(data.get("family_name")),
            birth_date(data.get("date_of_birth"), data.get("birth_year")),
            _sex(data.get("sex") or data.get("gender")),
            normalise_code(str(data.get("citizenship") or "")).upper()[:3],
        )

    @property
    def searchable(self) -> bool:
        """A name is needed: a date of birth alone matches too many people to search on."""
        return self.given is not None or self.family is not None


# --- comparing ---------------------------------------------------------------------------------


def name_level(a: Name | None, b: Name | None) -> str | None:
    """The level at which two names agree (None when either is missing)."""
    if a is None or b is None:
        return None
    if a.letters == b.letters:
        return "exact"
    if a.folded == b.folded:
        return "transliteration"
    shorter, longer = sorted((a.parts, b.parts), key=len)
    if shorter and shorter <= longer:  # one name holds the other (or the same words reordered)
        return "part"
    similarity = JaroWinkler.similarity(a.folded, b.folded)
    for level, threshold in zip(("similar", "close", "weak"), NAME_JARO, strict=True):
        if similarity >= threshold:
            return level
    return "different"


def _name_similarity(a: Name | None, b: Name | None) -> float:
    if a is None or b is None:
        return 0.0
    return 1.0 if a.letters == b.letters else JaroWinkler.similarity(a.folded, b.folded)


def date_level(a: BirthDate | None, b: BirthDate | None) -> str | None:
    """The level at which two (possibly partial or estimated) dates of birth agree."""
    if a is None or b is None:
        return None
    gap = abs(a.year - b.year)
    if a.full and b.full:
        if gap == 0 and (a.month, a.day) == (b.month, b.day):
            return "exact"
        if gap == 0 and (a.month, a.day) == (b.day, b.month):
            return "day_month_swapped"
        if Levenshtein.distance(a.digits(), b.digits()) == 1:
            return "one_digit"
    if gap == 0:
        months_known = a.month is not None and b.month is not None
        if (a.full and b.full) or (months_known and a.month != b.month):
            return "same_year_other_day"
        return "agrees_as_known"
    if gap == 1:
        return "one_year"
    if gap <= 3:
        return "three_years"
    return "different"


def code_level(a: str, b: str) -> str | None:
    if not a or not b:
        return None
    return "agrees" if a == b else "differs"


@dataclass(frozen=True)
class FieldResult:
    """How one field compared: its level (None: missing on a side) and weight (bits)."""

    field: str
    level: str | None
    weight: float

    @property
    def agrees(self) -> bool:
        return self.weight > 0

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "level": self.level, "weight": round(self.weight, 2)}


@dataclass(frozen=True)
class Comparison:
    fields: tuple[FieldResult, ...]
    swapped: bool  # given and family names matched crosswise

    @property
    def weight(self) -> float:
        return sum(f.weight for f in self.fields)

    def levels(self) -> dict[str, str | None]:
        return {f.field: f.level for f in self.fields}


@dataclass(frozen=True)
class Weights:
    """log2(m/u) per field and level (a level absent from the table weighs 0)."""

    table: Mapping[str, Mapping[str, float]]
    source: str = ""

    def weight(self, name: str, level: str | None) -> float:
        if level is None:
            return 0.0
        return float(self.table.get(name, {}).get(level, 0.0))

    def to_json(self) -> str:
        rounded = {
            f: {lv: round(w, 3) for lv, w in levels.items()} for f, levels in self.table.items()
        }
        return json.dumps({"source": self.source, "weights": rounded}, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Weights:
        data = json.loads(text)
        return cls(data["weights"], data.get("source", ""))


@cache
def default_weights() -> Weights:
    text = resources.files("tiphub.linkage").joinpath("data", "search_weights.json").read_text()
    return Weights.from_json(text)


def compare(sought: Person, candidate: Person, weights: Weights | None = None) -> Comparison:
    """Compare two persons field by field, names in the better of the two orders."""
    weights = weights or default_weights()
    straight = _name_similarity(sought.given, candidate.given) + _name_similarity(
        sought.family, candidate.family
    )
    crosswise = _name_similarity(sought.given, candidate.family) + _name_similarity(
        sought.family, candidate.given
    )
    swapped = crosswise > straight + 0.05
    given_b, family_b = (
        (candidate.family, candidate.given) if swapped else (candidate.given, candidate.family)
    )
    levels = {
        "given_name": name_level(sought.given, given_b),
        "family_name": name_level(sought.family, family_b),
        "date_of_birth": date_level(sought.born, candidate.born),
        "sex": code_level(sought.sex, candidate.sex),
        "citizenship": code_level(sought.citizenship, candidate.citizenship),
    }
    results = tuple(FieldResult(f, lv, weights.weight(f, lv)) for f, lv in levels.items())
    return Comparison(results, swapped)


# --- ranking -----------------------------------------------------------------------------------


def band(probability: float) -> str:
    for name, floor in BANDS:
        if probability >= floor:
            return name
    return "weak"


@dataclass(frozen=True)
class Match:
    """One candidate: its key (the caller's id), probability, band and the fields compared."""

    key: str
    probability: float
    band: str
    weight: float
    comparison: Comparison = field(repr=False)

    @property
    def agreed(self) -> list[str]:
        """Fields that speak for the match, e.g. ['family_name', 'date_of_birth']."""
        return [f.field for f in self.comparison.fields if f.agrees]

    def explanation(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.comparison.fields]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "score": round(self.probability, 3),
            "likelihood": self.band,
            "weight": round(self.weight, 2),
            "swapped_names": self.comparison.swapped,
            "fields": self.explanation(),
        }


def probability(weight: float, pool: int) -> float:
    """Match probability from the summed weight, with a prior of one in the pool."""
    prior_bits = -math.log2(max(pool, 2) - 1)
    bits = weight + prior_bits
    return 1.0 / (1.0 + 2.0 ** (-bits))


def rank(
    sought: Mapping[str, Any] | Person,
    candidates: Iterable[tuple[str, Mapping[str, Any] | Person]],
    *,
    weights: Weights | None = None,
    min_probability: float = 0.1,
    limit: int = 25,
) -> list[Match]:
    """The candidates that may be the sought person, most probable first.

    A candidate needs at least one name that agrees at some level: a date of birth alone is
    never a lead. `limit` keeps the list short enough for a caseworker to verify.
    """
    weights = weights or default_weights()
    person = sought if isinstance(sought, Person) else Person.of(sought)
    if not person.searchable:
        return []
    scored: list[tuple[float, str, Comparison]] = []
    pool = 0
    for key, data in candidates:
        pool += 1
        other = data if isinstance(data, Person) else Person.of(data)
        if not other.searchable:
            continue
        comparison = compare(person, other, weights)
        names = [f for f in comparison.fields[:2] if f.level is not None]
        if not any(f.level != "different" for f in names):
            continue
        scored.append((comparison.weight, key, comparison))
    matches = []
    for weight, key, comparison in scored:
        chance = probability(weight, pool)
        if chance >= min_probability:
            matches.append(Match(key, chance, band(chance), weight, comparison))
    matches.sort(key=lambda m: (-m.probability, m.key))
    return matches[:limit]


# --- fitting the weights on synthetic countries ------------------------------------------------


def level_counts(
    pairs: Iterable[tuple[Person, Person]],
) -> dict[str, dict[str, int]]:
    """How often each level occurs among `pairs` (missing values are not counted)."""
    counts: dict[str, dict[str, int]] = {f: {} for f in FIELDS}
    flat = Weights({})
    for a, b in pairs:
        for result in compare(a, b, flat).fields:
            if result.level is not None:
                bucket = counts[result.field]
                bucket[result.level] = bucket.get(result.level, 0) + 1
    return counts


def fit_weights(
    matches: Sequence[tuple[Person, Person]],
    non_matches: Sequence[tuple[Person, Person]],
    *,
    source: str = "",
    cap: float = 14.0,
) -> Weights:
    """log2(m/u) per level from labelled pairs, with add-one smoothing; weights are capped at
    +-`cap` bits so that one rare level cannot decide alone."""
    m_counts, u_counts = level_counts(matches), level_counts(non_matches)
    levels = {
        "given_name": NAME_LEVELS,
        "family_name": NAME_LEVELS,
        "date_of_birth": DATE_LEVELS,
        "sex": CODE_LEVELS,
        "citizenship": CODE_LEVELS,
    }
    table: dict[str, dict[str, float]] = {}
    for name, names in levels.items():
        m_total = sum(m_counts[name].values()) + len(names)
        u_total = sum(u_counts[name].values()) + len(names)
        table[name] = {}
        for level in names:
            m = (m_counts[name].get(level, 0) + 1) / m_total
            u = (u_counts[name].get(level, 0) + 1) / u_total
            table[name][level] = max(-cap, min(cap, math.log2(m / u)))
        if names is NAME_LEVELS:
            _monotone(table[name], NAME_LEVELS)
    return Weights(table, source)


def _monotone(weights: dict[str, float], strongest_first: Sequence[str]) -> None:
    """A stronger name level never weighs less than a weaker one. Without term frequencies,
    an exact common name ('Nguyen') meets strangers more often than a transliterated one, which
    would otherwise make 'exact' weigh less than 'transliteration'."""
    floor = -math.inf
    for level in reversed(strongest_first):
        floor = weights[level] = max(weights[level], floor)
