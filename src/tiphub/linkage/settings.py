"""Declarative settings of the encoder (what is encoded, and how).

The settings travel inside every encoded Parquet file (schema metadata), so the linker can check
that all agencies encoded the same fields in the same way, and can build its model from them.
The key never does: only its fingerprint.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tiphub.standard.derive import STATISTICAL_COLUMNS as _STANDARD_STATISTICAL_COLUMNS

FieldKind = Literal["name", "text", "date", "code", "year"]

#: Non-identifying statistical columns an encoded file may carry in the clear (contracts.md,
#: sections 1 and 2). Everything else in the input is either encoded or dropped.
STATISTICAL_COLUMNS: tuple[str, ...] = tuple(_STANDARD_STATISTICAL_COLUMNS)


@dataclass(frozen=True)
class FieldSpec:
    """One identifying field, encoded into its own Bloom filter.

    `bits` is the filter length l, `hashes` the number k of positions set per token. With the
    defaults a typical name (8 padded bigrams) sets about 37% of the bits: the filters stay far
    apart for unrelated names while every bigram still leaves a trace.
    """

    name: str
    kind: FieldKind
    bits: int = 512
    hashes: int = 30
    q: int = 2
    padded: bool = True
    #: Input columns whose tokens go into this one filter (default: the column `name`).
    #: Given and family names in one filter hide how common each name is: the hub sees only
    #: full names, nearly all of them rare (see docs/linkage.md, threat model).
    sources: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.sources or (self.name,)

    def __post_init__(self) -> None:
        if self.bits % 64 or not 64 <= self.bits <= 65536:
            raise ValueError(f"field {self.name}: bits must be a multiple of 64 in 64..65536")
        if not 1 <= self.hashes <= 256:
            raise ValueError(f"field {self.name}: hashes must be in 1..256")
        if not 1 <= self.q <= 4:
            raise ValueError(f"field {self.name}: q must be in 1..4")


@dataclass(frozen=True)
class EncoderSettings:
    """What the encoder produces. `blocking_keys` are tuples of *parts* (a field name, or
    `field.year` / `field.initial`); each becomes one keyed token column `bk_<i>` that candidate
    pairs must share. `salt` (a part such as `date_of_birth.year`) is mixed into the tokens of
    `salted_fields`, so that equal names born in different years get unrelated filters
    (a defence against frequency attacks, paid for with recall when the salt itself is wrong).
    With `salt_width` w > 1 (the salt must then be a year), each salted field gets w filters,
    salted with the w-year buckets (year + o) // w for o = 0..w-1 (`<field>_bf`, `<field>_bf1`
    ...): two records whose years differ by less than w share one of them, so an age-based
    estimate of the year of birth (off by one) still meets the true one.
    `balanced` appends each filter's complement and permutes the bits with the key (Schnell &
    Borgs 2016): every filter then has exactly half its bits set, hiding the value's length.
    """

    fields: tuple[FieldSpec, ...]
    blocking_keys: tuple[tuple[str, ...], ...] = ()
    salt: str | None = None
    salted_fields: tuple[str, ...] = ()
    salt_width: int = 1
    balanced: bool = False
    version: int = 1
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def variants(self, spec: FieldSpec) -> int:
        """How many filters the field has (several when salted with year buckets)."""
        return self.salt_width if self.salt and spec.name in self.salted_fields else 1

    def encoded_bits(self, spec: FieldSpec) -> int:
        return spec.bits * 2 if self.balanced else spec.bits

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("extra")
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EncoderSettings:
        data = json.loads(text)
        return cls(
            fields=tuple(
                FieldSpec(**{**f, "sources": tuple(f.get("sources", ()))}) for f in data["fields"]
            ),
            blocking_keys=tuple(tuple(k) for k in data["blocking_keys"]),
            salt=data["salt"],
            salted_fields=tuple(data["salted_fields"]),
            salt_width=data.get("salt_width", 1),
            balanced=data["balanced"],
            version=data["version"],
        )


#: The fields of the linkage CSV and of the intake format (contracts.md section 1).
DEFAULT_SETTINGS = EncoderSettings(
    fields=(
        FieldSpec("name", "name", bits=1024, hashes=20, sources=("given_name", "family_name")),
        FieldSpec("date_of_birth", "date", bits=256, hashes=12),
        FieldSpec("birth_year", "year", bits=256, hashes=8),
        FieldSpec("sex", "code", bits=64, hashes=8, q=1),
        FieldSpec("citizenship", "code", bits=64, hashes=8, q=1),
    ),
    blocking_keys=(
        ("given_name", "family_name", "birth_year.bucket0"),
        ("given_name", "family_name"),
        ("family_name", "date_of_birth"),
        ("given_name", "date_of_birth"),
        ("given_name.initial", "family_name.initial", "date_of_birth"),
    ),
)
