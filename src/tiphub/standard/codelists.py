"""Code lists as data: codes, multilingual labels, input synonyms and mappings to other standards.

Every coded value in tiphub comes from a file in `data/codelists/` so that a country can read,
review and extend its lists without touching code, and so that the XLSX template, the validator and
the exporters all use one source. Input matching is forgiving (case, accents and spacing do not
matter, documented synonyms are accepted) because agencies type values by hand; output is always
the canonical code.
"""

import csv
import difflib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import yaml

LANGUAGES = ("en", "fr", "es")
COUNTRY_LIST = "country"


@lru_cache(maxsize=65536)  # the same few values repeat on every row of a file
def match_key(value: str) -> str:
    """The form under which a typed value is compared: no accents, case or repeated spaces.

    `Féminin`, ` feminin ` and `FEMININ` all give `feminin`.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True, slots=True)
class Code:
    """One value of a code list."""

    code: str
    labels: Mapping[str, str]
    synonyms: tuple[str, ...] = ()
    maps: Mapping[str, str] = field(default_factory=dict)

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels.get("en") or self.code


@dataclass(frozen=True)
class CodeList:
    """A named list of codes with a lookup that accepts codes, labels and synonyms."""

    name: str
    titles: Mapping[str, str]
    source: str
    codes: tuple[Code, ...]
    notes: str = ""
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _exact: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Codes first: a code always wins over another code's label or synonym (`NA` is Namibia).
        for code in self.codes:
            self._lookup[match_key(code.code)] = code.code
            self._exact[code.code] = code.code
        strong = set(self._lookup)
        for code in self.codes:
            for spelling in (*code.labels.values(), *code.synonyms):
                key = match_key(spelling)
                owner = self._lookup.setdefault(key, code.code)
                if owner != code.code and key not in strong:
                    raise ValueError(
                        f"code list {self.name}: {key!r} means {owner} and {code.code}"
                    )

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and any(c.code == code for c in self.codes)

    @property
    def code_values(self) -> list[str]:
        return [c.code for c in self.codes]

    def title(self, language: str = "en") -> str:
        return self.titles.get(language) or self.titles.get("en") or self.name

    def get(self, code: str) -> Code:
        for candidate in self.codes:
            if candidate.code == code:
                return candidate
        raise KeyError(f"{code!r} is not a code of {self.name}")

    def normalise(self, value: str) -> str | None:
        """The canonical code for a typed value, or None when it matches nothing."""
        code = self._exact.get(value)  # fast path: the canonical code itself
        return code if code is not None else self._lookup.get(match_key(value))

    def suggest(self, value: str, limit: int = 3) -> list[str]:
        """Codes whose code, label or synonym is close to `value` (for "did you mean")."""
        keys = difflib.get_close_matches(match_key(value), list(self._lookup), n=10, cutoff=0.6)
        suggestions: list[str] = []
        for key in keys:
            code = self._lookup[key]
            if code not in suggestions:
                suggestions.append(code)
        return suggestions[:limit]

    def mapping(self, key: str) -> dict[str, str]:
        """Code -> target value for one mapping (e.g. `sdmx_sex`); codes without it are absent."""
        return {c.code: c.maps[key] for c in self.codes if key in c.maps}


def _as_text(value: Any, where: str) -> str:
    """YAML turns `no`, `on`, `1` into booleans and numbers; code lists must hold text."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{where}: {value!r} must be quoted text in the YAML file")
    return str(value)


def _parse_code(raw: Mapping[str, Any], list_name: str) -> Code:
    code = _as_text(raw["code"], list_name)
    where = f"code list {list_name}, code {code}"
    labels = {lang: _as_text(text, where) for lang, text in (raw.get("label") or {}).items()}
    missing = [lang for lang in LANGUAGES if lang not in labels]
    if missing:
        raise ValueError(f"{where}: missing labels {missing}")
    return Code(
        code=code,
        labels=labels,
        synonyms=tuple(_as_text(s, where) for s in raw.get("synonyms") or ()),
        maps={k: _as_text(v, where) for k, v in (raw.get("maps") or {}).items()},
    )


def _data_dir() -> Any:
    return files("tiphub.standard").joinpath("data", "codelists")


@cache
def code_list_names() -> tuple[str, ...]:
    """Names of all shipped code lists (the YAML lists and `country`)."""
    names = [
        p.name.removesuffix(".yaml") for p in _data_dir().iterdir() if p.name.endswith(".yaml")
    ]
    return tuple(sorted([*names, COUNTRY_LIST]))


@cache
def code_list(name: str) -> CodeList:
    """Load a code list by name (cached; the files are read once per process)."""
    if name == COUNTRY_LIST:
        return load_countries()
    resource = _data_dir().joinpath(f"{name}.yaml")
    if not resource.is_file():
        raise KeyError(f"no code list named {name!r}; known: {', '.join(code_list_names())}")
    raw = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return CodeList(
        name=raw["name"],
        titles=raw["title"],
        source=" ".join(str(raw["source"]).split()),
        notes=" ".join(str(raw.get("notes", "")).split()),
        codes=tuple(_parse_code(c, name) for c in raw["codes"]),
    )


def load_countries() -> CodeList:
    """ISO 3166-1 alpha-3 countries (plus XKX Kosovo) from the generated `countries.csv`.

    Alpha-2 codes and English names are accepted on input; `maps` carries `alpha2` and `m49` (the
    numeric code used as REF_AREA in SDG SDMX data).
    """
    text = _data_dir().joinpath("countries.csv").read_text(encoding="utf-8")
    comment, _, body = text.partition("\n")
    codes = []
    for row in csv.DictReader(body.splitlines()):
        synonyms = tuple(s for s in row["synonyms"].split(";") if s)
        codes.append(
            Code(
                code=row["alpha3"],
                labels={"en": row["name"]},
                synonyms=(row["alpha2"], *synonyms),
                maps={"alpha2": row["alpha2"], "m49": row["m49"], "note": row["note"]},
            )
        )
    return CodeList(
        name=COUNTRY_LIST,
        titles={
            "en": "Country (ISO 3166-1 alpha-3)",
            "fr": "Pays (ISO 3166-1 alpha-3)",
            "es": "País (ISO 3166-1 alfa-3)",
        },
        source=comment.lstrip("# ").strip(),
        codes=tuple(codes),
    )
