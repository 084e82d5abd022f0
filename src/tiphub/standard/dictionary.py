"""The intake field dictionary (`data/intake_fields.yaml`) as typed Python objects.

The YAML file is the single source for the intake columns: the validator, the template, the
CTDC mapping and docs/data-standard.md all read it. Each field carries its protection level, which
decides whether its values may ever appear in a message (L-ID and L-SC never do).
"""

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property
from importlib.resources import files
from typing import Any

import yaml

from tiphub.standard.codelists import LANGUAGES, CodeList, code_list, match_key

DEFAULT_MAX_LENGTH = 500


class Level(StrEnum):
    """Protection level of a field (privacy requirements A1.1)."""

    IDENTIFIER = "L-ID"  # direct identifier: encrypted at rest
    SPECIAL = "L-SC"  # special category / free text: encrypted at rest
    QUASI = "L-QI"  # quasi-identifier: statistical, published only through disclosure control
    OPERATIONAL = "L-OP"  # operational


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    CODE = "code"
    MULTICODE = "multicode"


@dataclass(frozen=True)
class FieldSpec:
    """One intake column."""

    name: str
    labels: Mapping[str, str]
    type: FieldType
    level: Level
    purpose: str
    required: bool
    multi_valued: bool
    code_list_name: str | None
    htcds: str
    ctdc: tuple[str, ...]
    aliases: tuple[str, ...]
    minimum: int | None = None
    maximum: int | None = None
    default: str | None = None
    max_length: int = DEFAULT_MAX_LENGTH
    format: str | None = None

    @property
    def identifying(self) -> bool:
        """True for L-ID and L-SC fields: their values must never appear in messages or logs."""
        return self.level in (Level.IDENTIFIER, Level.SPECIAL)

    @property
    def codes(self) -> CodeList:
        if self.code_list_name is None:
            raise ValueError(f"field {self.name} has no code list")
        return code_list(self.code_list_name)

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class FieldDictionary:
    """All intake fields in their documented order, with header matching."""

    version: str
    source: str
    fields: tuple[FieldSpec, ...]

    def __iter__(self) -> Iterator[FieldSpec]:
        return iter(self.fields)

    def __getitem__(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.fields]

    @property
    def required(self) -> list[FieldSpec]:
        return [spec for spec in self.fields if spec.required]

    def resolve(self, header: str) -> FieldSpec | None:
        """The field a column header stands for (name or alias, any case, `_`, `-` or space)."""
        return self._headers.get(_header_key(header))

    def suggest(self, header: str, limit: int = 3) -> list[str]:
        """Field names close to an unknown header (for "did you mean")."""
        lookup = self._headers
        keys = difflib.get_close_matches(_header_key(header), list(lookup), n=10, cutoff=0.6)
        names: list[str] = []
        for key in keys:
            name = lookup[key].name
            if name not in names:
                names.append(name)
        return names[:limit]

    @cached_property
    def _headers(self) -> dict[str, FieldSpec]:
        lookup: dict[str, FieldSpec] = {}
        for spec in self.fields:
            for spelling in (spec.name, *spec.aliases):
                key = _header_key(spelling)
                if lookup.get(key, spec) is not spec:
                    raise ValueError(f"header {spelling!r} names two fields")
                lookup[key] = spec
        return lookup


def _header_key(header: str) -> str:
    return match_key(header).replace("-", "_").replace(" ", "_")


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _parse_field(raw: Mapping[str, Any]) -> FieldSpec:
    labels = dict(raw["label"])
    if any(lang not in labels for lang in LANGUAGES):
        raise ValueError(f"field {raw['name']}: labels needed in {LANGUAGES}")
    spec = FieldSpec(
        name=raw["name"],
        labels=labels,
        type=FieldType(raw["type"]),
        level=Level(raw["level"]),
        purpose=" ".join(str(raw["purpose"]).split()),
        required=bool(raw["required"]),
        multi_valued=bool(raw["multi_valued"]),
        code_list_name=raw.get("code_list"),
        htcds=raw.get("htcds") or "",
        ctdc=tuple(raw.get("ctdc") or ()),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        minimum=_optional_int(raw.get("min")),
        maximum=_optional_int(raw.get("max")),
        default=raw.get("default"),
        max_length=int(raw.get("max_length", DEFAULT_MAX_LENGTH)),
        format=raw.get("format"),
    )
    coded = spec.type in (FieldType.CODE, FieldType.MULTICODE)
    if coded != (spec.code_list_name is not None):
        raise ValueError(f"field {spec.name}: code_list must be set exactly for coded types")
    if spec.multi_valued != (spec.type is FieldType.MULTICODE):
        raise ValueError(f"field {spec.name}: multi_valued must match type multicode")
    if spec.default is not None and spec.code_list_name and spec.default not in spec.codes:
        raise ValueError(f"field {spec.name}: default {spec.default!r} is not in its code list")
    return spec


@cache
def intake_fields() -> FieldDictionary:
    """The intake dictionary, loaded once per process."""
    resource = files("tiphub.standard").joinpath("data", "intake_fields.yaml")
    raw = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return FieldDictionary(
        version=str(raw["version"]),
        source=" ".join(str(raw["source"]).split()),
        fields=tuple(_parse_field(f) for f in raw["fields"]),
    )
