"""From encoded files (or plaintext frames) to the one table the linker hands to its engine.

Filters arrive as fixed-size binary columns; the engine table holds each as 64-bit words plus
its population count, so Dice is `bit_count` over words in plain SQL on any engine. LSH bands are
added here too: each band samples `rows` bit positions of the name and date filters (positions
from a public seed: they need no key, the hub computes them) and records whose sampled bits all
agree share the band. Similar filters agree on most bits, so a true pair with typos in several
fields still shares some band, where no exact token survives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tiphub.linkage.encoder import (
    METADATA_AGENCY,
    METADATA_KEY,
    METADATA_SETTINGS,
    Encoder,
    birth_year,
)
from tiphub.linkage.normalise import normalise_series
from tiphub.linkage.settings import EncoderSettings, FieldSpec
from tiphub.standard.derive import FORM_FLAGS

LSH_SEED = 20_260_401
#: Key of plaintext mode's in-memory filters and tokens (public: plaintext mode hides nothing).
PLAINTEXT_KEY = hashlib.sha256(b"tiphub.linkage plaintext mode").digest()


class InputError(ValueError):
    """Encoded inputs that cannot be linked together (the message says which file and why)."""


@dataclass(frozen=True)
class LSHConfig:
    """`bands` blocking rules, each on `rows` sampled bits of the `fields` filters, and as many
    again for each group of `more_fields`. By default the second group is the names alone:
    a band over names and date of birth together cannot pair a record whose date is missing
    (the victim gave only an age) with one that has it, which is exactly where a typo in the
    name leaves no exact token either.

    With `rows=None` the number of rows is chosen from the data: the smallest number for which
    a band is expected to pair, by chance, no more than `pairs_per_band` records (by default
    as many as there are records, at least 20,000). The expectation is measured on random pairs
    of the actual filters, so common names (which make random pairs alike) are accounted for.
    Small data sets thus get loose bands (high recall, cheap anyway), large ones tight bands.
    """

    bands: int = 10
    rows: int | None = None
    fields: tuple[str, ...] = ("name", "given_name", "family_name", "date_of_birth")
    pairs_per_band: int | None = None
    more_fields: tuple[tuple[str, ...], ...] = (("name", "given_name", "family_name"),)

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        return (self.fields, *self.more_fields) if self.bands else ()

    def __post_init__(self) -> None:
        if not 0 <= self.bands <= 64 or (self.rows is not None and not 1 <= self.rows <= 62):
            raise ValueError("LSH needs 0..64 bands of 1..62 rows")


@dataclass
class EncodedInput:
    """Encoded tables of several agencies, checked to share settings and key."""

    table: pa.Table
    settings: EncoderSettings
    key_fingerprint: str
    agencies: list[str]


def read_encodings(paths: Sequence[str], *, allow_mixed_keys: bool = False) -> EncodedInput:
    """Read and check encoded Parquet files (one per agency, or several per agency)."""
    tables: list[pa.Table] = []
    settings: EncoderSettings | None = None
    key: str | None = None
    for path in paths:
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as error:
            raise InputError(f"{path}: not a readable Parquet file ({error})") from None
        meta = table.schema.metadata or {}
        if METADATA_SETTINGS not in meta:
            raise InputError(f"{path}: not a tiphub encoding (made by `tiphub encode`)")
        this = EncoderSettings.from_json(meta[METADATA_SETTINGS].decode())
        this_key = meta[METADATA_KEY].decode()
        if settings is None:
            settings, key = this, this_key
        elif this != settings:
            raise InputError(f"{path}: encoded with other settings than {paths[0]}")
        elif this_key != key and not allow_mixed_keys:
            raise InputError(
                f"{path}: encoded with another key than {paths[0]} (key fingerprints differ); "
                "all agencies must encode with the same key"
            )
        tables.append(table.replace_schema_metadata(None))
    if settings is None or key is None:
        raise InputError("no encoded file given")
    table = pa.concat_tables(tables, promote_options="permissive")
    agencies = sorted(set(table.column("agency").to_pylist()))
    _check_unique(table)
    return EncodedInput(table, settings, key, agencies)


def from_tables(tables: Sequence[pa.Table], *, allow_mixed_keys: bool = False) -> EncodedInput:
    """Like `read_encodings` for tables already in memory (`Encoder.encode` results)."""
    settings = EncoderSettings.from_json(tables[0].schema.metadata[METADATA_SETTINGS].decode())
    keys = {t.schema.metadata[METADATA_KEY] for t in tables}
    if len(keys) > 1 and not allow_mixed_keys:
        raise InputError("the tables were encoded with different keys")
    for table in tables:
        if EncoderSettings.from_json(table.schema.metadata[METADATA_SETTINGS].decode()) != settings:
            raise InputError("the tables were encoded with different settings")
    table = pa.concat_tables(
        [t.replace_schema_metadata(None) for t in tables], promote_options="permissive"
    )
    _check_unique(table)
    agencies = sorted(set(table.column("agency").to_pylist()))
    return EncodedInput(table, settings, next(iter(keys)).decode(), agencies)


def _check_unique(table: pa.Table) -> None:
    ids = pd.DataFrame({"a": table.column("agency"), "r": table.column("record_id")})
    dup = ids.duplicated()
    if dup.any():
        first = ids[dup].iloc[0]
        raise InputError(f"record {first['r']} of agency {first['a']} appears more than once")


def filter_words(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(words int64 [n, w], present bool [n]) of a fixed-size binary filter column."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    width = array.type.byte_width
    n = len(array)
    data = array.buffers()[1]
    flat = np.frombuffer(data, dtype=np.uint8, count=(array.offset + n) * width)
    raw = flat[array.offset * width :].reshape(n, width)
    present = ~np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    words = raw.view("<i8").copy()
    words[~present] = 0
    return words, present


def _popcount(words: np.ndarray) -> np.ndarray:
    return np.bitwise_count(words.view(np.uint64)).sum(axis=1).astype(np.int32)


def choose_rows(concatenated: np.ndarray, present: np.ndarray, config: LSHConfig) -> int:
    """Rows per band so that chance collisions stay within the pair budget (see LSHConfig)."""
    if config.rows is not None:
        return config.rows
    rows_present = np.flatnonzero(present)
    n = len(rows_present)
    if n < 2:
        return 62
    budget = config.pairs_per_band or max(n, 20_000)
    total_pairs = n * (n - 1) / 2
    rng = np.random.default_rng(LSH_SEED + 1)
    sample = min(20_000, int(total_pairs))
    left = rng.choice(rows_present, size=sample)
    right = rng.choice(rows_present, size=sample)
    keep = left != right
    differing = np.bitwise_count(concatenated[left[keep]] ^ concatenated[right[keep]]).sum(axis=1)
    agreement = 1.0 - differing / (concatenated.shape[1] * 64)
    for rows in range(2, 63):
        if float(np.mean(agreement**rows)) * total_pairs <= budget:
            return rows
    return 62


def lsh_bands(
    filters: Sequence[np.ndarray], present: np.ndarray, config: LSHConfig, group: int = 0
) -> np.ndarray:
    """Band values [n, bands] (int64; 0 = no band) from the concatenated filters (the bit
    positions of each group's bands come from their own public seed)."""
    concatenated = np.concatenate(filters, axis=1).view(np.uint64)
    total_bits = concatenated.shape[1] * 64
    rows = choose_rows(concatenated, present, config)
    rng = np.random.default_rng(LSH_SEED + 1000 * group)
    out = np.zeros((concatenated.shape[0], config.bands), dtype=np.int64)
    for band in range(config.bands):
        positions = rng.choice(total_bits, size=rows, replace=False)
        value = np.zeros(concatenated.shape[0], dtype=np.uint64)
        for j, position in enumerate(positions):
            bit = (concatenated[:, position // 64] >> np.uint64(position % 64)) & np.uint64(1)
            value |= bit << np.uint64(j)
        value |= np.uint64(1) << np.uint64(rows)  # never 0 for a real band
        out[:, band] = value.view(np.int64)
    out[~present] = 0
    return out


#: Kinds of field whose equal values the engine table marks (`same_<kind>`, a 64-bit id of the
#: values of all fields of that kind, and `same_<kind>_count`, how many records share it): the
#: linker trains on records with the same full name, or the same date of birth.
SAME_VALUE_KINDS = ("name", "date")


def same_value_groups(
    fields: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """(id, count) per record of the values of `fields` (their filters' words and presence):
    records with equal filters in every field get the same id; `count` is how many records
    share it (0 when every field is missing). The hub sees equal filters anyway."""
    words = np.concatenate([w for w, _ in fields], axis=1)
    present = np.logical_or.reduce([p for _, p in fields])
    key = pd.util.hash_pandas_object(pd.DataFrame(words), index=False).to_numpy().view(np.int64)
    count = np.zeros(len(key), dtype=np.int32)
    _, inverse, counts = np.unique(key[present], return_inverse=True, return_counts=True)
    count[present] = counts[inverse]
    return key, count


#: Statistical columns (in the clear in every encoded file, contracts.md section 2) that the
#: model may compare as context: a person seen by two agencies was usually identified in the
#: same region, about the same time, exploited in the same country and in the same form.
CONTEXT_COLUMNS = {
    "ctx_year": "year",
    "ctx_region": "region",
    "ctx_country": "country_of_exploitation",
}


def _text_column(table: pa.Table, name: str) -> pd.Series:
    values = table.column(name).to_pandas().astype(object)
    text = values.where(values.notna(), "").astype(str).str.strip()
    return text.where(~text.isin(["", "_U", "_Z", "None", "nan"]), "")


def context_columns(table: pa.Table) -> dict[str, pa.Array]:
    """`ctx_*` columns (NULL when unknown) from the statistical columns the inputs have; a
    column that no record fills is left out (its comparison would say nothing)."""
    out: dict[str, pa.Array] = {}
    for target, source in CONTEXT_COLUMNS.items():
        if source not in table.column_names:
            continue
        text = _text_column(table, source)
        if target == "ctx_year":
            years = pd.to_numeric(text, errors="coerce")
            if years.notna().any():
                out[target] = pa.array(years.astype("Int64"), type=pa.int64())
        elif text.ne("").any():
            out[target] = pa.array(text.where(text.ne(""), None), type=pa.string())
    flags = [f for f in FORM_FLAGS if f in table.column_names]
    if flags:
        mask = np.zeros(table.num_rows, dtype=np.int64)
        for bit, name in enumerate(flags):
            mask |= _text_column(table, name).str.lower().isin(["true", "1"]).to_numpy() << bit
        if mask.any():
            out["ctx_forms"] = pa.array(mask, mask=mask == 0)
    return out


def variant_name(field: str, offset: int) -> str:
    """Engine name of one of a field's filters: the field itself, then `<field>_s<offset>`."""
    return field if offset == 0 else f"{field}_s{offset}"


def engine_table(
    data: EncodedInput, lsh: LSHConfig, plaintext: pd.DataFrame | None = None
) -> tuple[pa.Table, list[str]]:
    """The engine's input table and the names of the fields that have values.

    Columns: `uid`, the fields as words + count (or, in plaintext mode, normalised text), the
    `bk_*` tokens and the `lsh_*` bands (NULL where absent, so they never join).
    """
    table = data.table
    n = table.num_rows
    columns: dict[str, pa.Array] = {"uid": pa.array(np.arange(n, dtype=np.int64))}
    present_fields: list[str] = []
    filters: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    by_kind: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for spec in data.settings.fields:
        name = f"{spec.name}_bf"
        if name not in table.column_names:
            continue
        words, present = filter_words(table.column(name))
        if not present.any():
            continue
        present_fields.append(spec.name)
        by_kind.setdefault(spec.kind, []).append((words, present))
        filters[spec.name] = (words, present)
        if plaintext is not None:
            values = plaintext[spec.name].to_numpy(dtype=object).copy()
            values[~present] = None
            columns[spec.name] = pa.array(values, type=pa.string())
            continue
        for offset in range(data.settings.variants(spec)):
            if offset:
                words, present = filter_words(table.column(f"{spec.name}_bf{offset}"))
            prefix = variant_name(spec.name, offset)
            for i in range(words.shape[1]):
                columns[f"{prefix}_w{i}"] = pa.array(words[:, i])
            columns[f"{prefix}_n"] = pa.array(_popcount(words), mask=~present)
    for kind in SAME_VALUE_KINDS:
        if kind in by_kind:
            key, count = same_value_groups(by_kind[kind])
            columns[f"same_{kind}"] = pa.array(key, mask=count == 0)
            columns[f"same_{kind}_count"] = pa.array(count, mask=count == 0)
    for name in table.column_names:
        if name.startswith("bk_"):
            columns[name] = table.column(name).combine_chunks()
    columns.update(context_columns(table))
    band = 0
    for group, fields in enumerate(lsh.groups):
        chosen = [filters[f] for f in fields if f in filters]
        if not chosen:
            continue
        present = np.logical_or.reduce([p for _, p in chosen])
        bands = lsh_bands([w for w, _ in chosen], present, lsh, group)
        for j in range(lsh.bands):
            columns[f"lsh_{band}"] = pa.array(bands[:, j], mask=bands[:, j] == 0)
            band += 1
    return pa.table(columns), present_fields


def plaintext_settings(settings: EncoderSettings) -> EncoderSettings:
    """Plaintext mode has nothing to hide: no salt, and a field made of several columns (the
    full name) is split back into one comparison per column."""
    fields: list[FieldSpec] = []
    for spec in settings.fields:
        if spec.sources:
            fields.extend(replace(spec, name=column, sources=()) for column in spec.sources)
        else:
            fields.append(spec)
    return replace(settings, fields=tuple(fields), salt=None, salted_fields=(), salt_width=1)


def plaintext_input(
    frames: dict[str, pd.DataFrame], settings: EncoderSettings, *, key: bytes | None = None
) -> tuple[EncodedInput, pd.DataFrame]:
    """Plaintext mode: blocking tokens and LSH exactly as in the encoded mode, plus the
    normalised values for the comparisons. The filters and tokens live only in memory; they are
    made with a fixed public key (nothing is secret here) so that the same files always give
    the same clusters."""
    key = key or PLAINTEXT_KEY
    settings = plaintext_settings(settings)
    tables: list[pa.Table] = []
    normalised: list[pd.DataFrame] = []
    for agency, frame in frames.items():
        tables.append(Encoder(key, settings).encode(frame, agency=agency))
        columns = {}
        for spec in settings.fields:
            if spec.kind == "year":
                dates = frame.get("date_of_birth", pd.Series("", frame.index))
                years = birth_year(frame, normalise_series(dates, "date"))
                columns[spec.name] = years.to_numpy(dtype=object)
                continue
            source = frame[spec.name] if spec.name in frame.columns else pd.Series("", frame.index)
            columns[spec.name] = normalise_series(source, spec.kind).to_numpy(dtype=object)
        normalised.append(pd.DataFrame(columns))
    data = from_tables(tables)
    return data, pd.concat(normalised, ignore_index=True)


__all__ = [
    "METADATA_AGENCY",
    "EncodedInput",
    "InputError",
    "LSHConfig",
    "engine_table",
    "from_tables",
    "plaintext_input",
    "read_encodings",
]
