"""The agency-side encoder: identities in, keyed Bloom filters out.

Each identifying field becomes its own Bloom filter (a field-level filter): its tokens (q-grams
of a name, the digits and parts of a date, a code) are each hashed to `k` bit positions with
HMAC-SHA256 under a field key derived from the agencies' secret ("random hashing": positions come
straight from a keyed PRF, not from the double-hashing scheme that Kuzu et al. and Niedermeyer et
al. broke). Similar names share tokens, so their filters share bits, and the Dice coefficient of
two filters estimates how alike the names are, without the names.

Blocking tokens are keyed HMACs of combinations of normalised parts (e.g. given name + family name
+ year of birth): the hub joins on them to find candidate pairs, and can learn only which records
share a combination, not what it is.

Speed comes from working on distinct values: names and dates repeat, so each distinct value is
normalised and encoded once and the filters are gathered for all rows with numpy.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa

from tiphub.linkage.keys import derive_key, fingerprint
from tiphub.linkage.normalise import NormalisationError, normalise_series
from tiphub.linkage.settings import (
    DEFAULT_SETTINGS,
    STATISTICAL_COLUMNS,
    EncoderSettings,
    FieldSpec,
)

METADATA_SETTINGS = b"tiphub.linkage.settings"
_CHUNK = 65_536  # distinct values whose filters are built at once
METADATA_KEY = b"tiphub.linkage.key_fingerprint"
METADATA_AGENCY = b"tiphub.linkage.agency"
FORMAT_VERSION = 1


class EncodeError(ValueError):
    """Input that cannot be encoded. `row` is 0-based within the frame; `column` names the field.
    The message never contains the offending value."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row = row
        self.column = column


def value_tokens(value: str, spec: FieldSpec) -> list[str]:
    """The tokens of one normalised value that are hashed into its filter."""
    if not value:
        return []
    if spec.kind == "code":
        return [value]
    if spec.kind == "date":
        return _date_tokens(value)
    if spec.kind == "year":
        return _year_tokens(int(value))
    if " " in value:  # several source columns in one filter: the union of their tokens
        return [token for part in value.split(" ") if part for token in value_tokens(part, spec)]
    text = "_" * (spec.q - 1) + value + "_" * (spec.q - 1) if spec.padded else value
    if len(text) < spec.q:
        return [text]
    return [text[i : i + spec.q] for i in range(len(text) - spec.q + 1)]


def _year_tokens(year: int) -> list[str]:
    """Buckets of 1, 2, 4 and 8 years at every offset: two years d apart share sum(max(0, w - d))
    of the 15 tokens, so the Dice coefficient falls with the distance (1, .73, .53, .4, .27...)
    and an age-based estimate a year or two off still looks close."""
    return [f"{w}:{o}:{(year + o) // w}" for w in (1, 2, 4, 8) for o in range(w)]


def _date_tokens(value: str) -> list[str]:
    """Positional digits (one typo changes one token in eight), the year, month and day, and the
    unordered month/day pair (which survives a day/month swap)."""
    tokens = [f"{i}{digit}" for i, digit in enumerate(value) if digit != "?"]
    year, month, day = value[:4], value[4:6], value[6:8]
    tokens.append(f"y{year}")
    if "?" not in month:
        tokens.append(f"m{month}")
    if "?" not in day:
        tokens.append(f"d{day}")
        tokens.append("u" + "".join(sorted((month, day))))
    return tokens


def part_values(normalised: dict[str, pd.Series], part: str) -> pd.Series:
    """The values of a part: `field`, `field.year` (dates), `field.initial`, or `birth_year`
    with an optional `.bucket<o>` (the 2-year bucket (year + o) // 2, o = 0 or 1: any two
    years at most one apart share the bucket of one of the two offsets)."""
    name, _, transform = part.partition(".")
    column = normalised[name]
    if not transform:
        return column
    if transform == "year":
        years = column.str.slice(0, 4)
        return years.where(~years.str.contains("?", regex=False), "")
    if transform == "initial":
        return column.str.slice(0, 1)
    if transform.startswith("bucket") and transform[6:].isdigit():
        return bucket(column, int(transform[6:]), 2)
    raise ValueError(f"unknown part transform {transform!r} in {part!r}")


def bucket(years: pd.Series, offset: int, width: int) -> pd.Series:
    """`(year + offset) // width` as text ('' stays '')."""
    numbers = pd.to_numeric(years.where(years.ne(""), None), errors="coerce")
    buckets = ((numbers + offset) // width).astype("Int64").astype(str)
    return buckets.where(numbers.notna(), "").astype(object)


def birth_year(frame: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """Year of birth: from the date of birth, else estimated as the year of identification
    minus the age then (`year` and `age_years` or `age` columns), which is off by at most one;
    '' when unknown. Victims often know their age but not their date of birth."""
    years = dates.str.slice(0, 4)
    known = years.where(~years.str.contains("?", regex=False) & years.ne(""), "")
    age_column = next((c for c in ("age_years", "age") if c in frame.columns), None)
    if age_column is None or "year" not in frame.columns:
        return known.astype(object)
    age = pd.to_numeric(frame[age_column].replace("", None), errors="coerce")
    year = pd.to_numeric(frame["year"].replace("", None), errors="coerce")
    estimate = (year - age).astype("Int64").astype(str).where((year - age).notna(), "")
    return known.where(known.ne(""), estimate).astype(object)


class _FieldHasher:
    """Maps tokens to bit positions with a keyed PRF; caches positions per token."""

    def __init__(self, key: bytes, spec: FieldSpec, balanced: bool):
        self.spec = spec
        # All name fields share one key, so that a given name recorded as a family name (a
        # common swap) still meets its twin; other fields have a key each.
        label = "name" if spec.kind == "name" else spec.name
        self.key = derive_key(key, f"field/{label}")
        self.permutation: np.ndarray | None = None
        if balanced:
            seed = int.from_bytes(derive_key(key, f"balance/{spec.name}"), "little")
            self.permutation = np.random.default_rng(seed).permutation(2 * spec.bits)

    def positions(self, message: str) -> np.ndarray:
        """The k bit positions of one (salted) token, from HMAC-SHA512 under the field key."""
        encoded = message.encode()
        blocks = (self.spec.hashes + 31) // 32  # one HMAC-SHA512 gives 32 positions
        digest = b"".join(
            hmac.digest(self.key, counter.to_bytes(2, "little") + encoded, hashlib.sha512)
            for counter in range(blocks)
        )
        words = np.frombuffer(digest, dtype="<u2")[: self.spec.hashes]
        return (words.astype(np.int64) % self.spec.bits).astype(np.int32)

    def filters(self, values: Sequence[str], salts: Sequence[str] | None) -> np.ndarray:
        """Packed filters (uint8 rows, little-endian bit order) for distinct (value, salt)s.

        Tokens are collected for all values at once and each distinct (salt, token) is hashed
        once: the per-token work is done by pandas and numpy, not by a Python loop.
        """
        spec = self.spec
        token_lists = [value_tokens(value, spec) for value in values]
        counts = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(values))
        if counts.sum():
            flat = np.fromiter(chain.from_iterable(token_lists), dtype=object, count=counts.sum())
            token_codes, tokens = pd.factorize(flat)
            if salts is None:
                messages = [str(t) for t in tokens]
                inverse = token_codes
            else:
                salt_codes, salt_values = pd.factorize(np.asarray(salts, dtype=object))
                width = np.int64(len(tokens))
                pairs = np.repeat(salt_codes.astype(np.int64), counts) * width + token_codes
                distinct, inverse = np.unique(pairs, return_inverse=True)
                messages = [
                    f"{salt_values[p // width]}\x1f{tokens[p % width]}"
                    if salt_values[p // width]
                    else str(tokens[p % width])
                    for p in distinct.tolist()
                ]
            table = np.stack([self.positions(m) for m in messages])
            rows = np.repeat(np.arange(len(values)), counts)
            positions = table[inverse]
            # set bits chunk by chunk: a boolean matrix of a million 1024-bit filters is 1 GB
            starts = np.concatenate([[0], np.cumsum(counts)])
            packed = []
            for first in range(0, len(values), _CHUNK):
                last = min(first + _CHUNK, len(values))
                bits = np.zeros((last - first, spec.bits), dtype=bool)
                span = slice(starts[first], starts[last])
                bits[rows[span, None] - first, positions[span]] = True
                packed.append(self._pack(bits))
            return np.concatenate(packed)
        return self._pack(np.zeros((len(values), spec.bits), dtype=bool))

    def _pack(self, bits: np.ndarray) -> np.ndarray:
        if self.permutation is not None:
            bits = np.concatenate([bits, ~bits], axis=1)[:, self.permutation]
        return np.packbits(bits, axis=1, bitorder="little")


def _keyed_ids(key: bytes, part: str, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit keyed id per row, missing mask): one HMAC per distinct value of the part."""
    part_key = derive_key(key, f"block/part/{part}")
    codes, uniques = pd.factorize(values)
    ids = np.fromiter(
        (
            int.from_bytes(hmac.digest(part_key, str(u).encode(), hashlib.sha256)[:8], "little")
            for u in uniques
        ),
        dtype=np.uint64,
        count=len(uniques),
    )
    return ids[codes], values.eq("").to_numpy()


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijective mixing of 64-bit words (public; inputs are keyed)."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


def _blocking_tokens(
    key: bytes, index: int, parts: list[str], part_ids: dict[str, tuple[np.ndarray, np.ndarray]]
) -> pa.Array:
    """Keyed 64-bit tokens of a combination of parts; null when any part is missing.

    Each distinct part value gets a keyed 64-bit id (HMAC); the ids of a combination are mixed
    in order. Equal combinations give equal tokens; without the key, a token says nothing about
    the values (the ids are pseudo-random), which is all that blocking needs.
    """
    seed = np.uint64(int.from_bytes(derive_key(key, f"block/{index}")[:8], "little"))
    first_ids, missing = part_ids[parts[0]]
    token = _mix(first_ids ^ seed)
    missing = missing.copy()
    for part in parts[1:]:
        ids, absent = part_ids[part]
        with np.errstate(over="ignore"):
            token = _mix(token * np.uint64(0x9E3779B97F4A7C15) ^ ids)
        missing |= absent
    return pa.array(token.view(np.int64), type=pa.int64(), mask=missing)


@dataclass
class Encoder:
    """Encodes a frame of identities with one agency key and fixed settings.

    >>> table = Encoder(key).encode(frame, agency="POL")   # doctest: +SKIP
    """

    key: bytes
    settings: EncoderSettings = DEFAULT_SETTINGS

    def encode(self, frame: pd.DataFrame, *, agency: str) -> pa.Table:
        """A Parquet-ready table: agency, record_id, `<field>_bf` filters, `bk_<i>` tokens and
        the statistical columns present in `frame`. Nothing in it reveals an identity."""
        if "record_id" not in frame.columns:
            raise EncodeError("the input has no record_id column", column="record_id")
        record_ids = frame["record_id"].map(lambda v: "" if pd.isna(v) else str(v))
        empty = np.flatnonzero(record_ids.eq("").to_numpy())
        if len(empty):
            raise EncodeError("record_id is empty", row=int(empty[0]), column="record_id")
        duplicated = np.flatnonzero(record_ids.duplicated().to_numpy())
        if len(duplicated):
            raise EncodeError(
                "record_id is not unique in the file", row=int(duplicated[0]), column="record_id"
            )
        settings = self.settings
        normalised: dict[str, pd.Series] = {}
        for spec in settings.fields:
            if spec.kind == "year":
                continue  # derived below from the date of birth, or from age and year
            for column in spec.inputs:
                if column not in frame.columns:
                    normalised[column] = pd.Series("", index=frame.index, dtype=object)
                    continue
                try:
                    normalised[column] = normalise_series(frame[column], spec.kind)
                except NormalisationError as error:
                    row = error.args[1] if len(error.args) > 1 else None
                    raise EncodeError(str(error.args[0]), row=row, column=column) from None
            if spec.sources:
                joined = normalised[spec.sources[0]]
                for column in spec.sources[1:]:
                    joined = joined + " " + normalised[column]
                normalised[spec.name] = joined.str.strip().str.replace(r"\s+", " ", regex=True)

        dates = normalised.get("date_of_birth", pd.Series("", index=frame.index, dtype=object))
        normalised["birth_year"] = birth_year(frame, dates)
        for spec in settings.fields:
            if spec.kind == "year":
                normalised[spec.name] = normalised["birth_year"]
        salt = part_values(normalised, settings.salt) if settings.salt else None
        columns: dict[str, pa.Array] = {
            "agency": pa.array([agency] * len(frame), type=pa.string()),
            "record_id": pa.array(record_ids.tolist(), type=pa.string()),
        }
        for spec in settings.fields:
            if salt is None or spec.name not in settings.salted_fields:
                columns[f"{spec.name}_bf"] = self._encode_field(spec, normalised[spec.name], None)
                continue
            for offset in range(settings.salt_width):
                salt_value = (
                    salt if settings.salt_width == 1 else bucket(salt, offset, settings.salt_width)
                )
                name = f"{spec.name}_bf" if offset == 0 else f"{spec.name}_bf{offset}"
                columns[name] = self._encode_field(spec, normalised[spec.name], salt_value)
        part_ids = {
            part: _keyed_ids(self.key, part, part_values(normalised, part))
            for part in {p for parts in settings.blocking_keys for p in parts}
        }
        for index, parts in enumerate(settings.blocking_keys):
            columns[f"bk_{index}"] = _blocking_tokens(self.key, index, list(parts), part_ids)
        for name in STATISTICAL_COLUMNS:
            if name in frame.columns:
                columns[name] = pa.array(frame[name].tolist())
        metadata = {
            METADATA_SETTINGS: settings.to_json().encode(),
            METADATA_KEY: fingerprint(self.key).encode(),
            METADATA_AGENCY: agency.encode(),
            b"tiphub.linkage.format": str(FORMAT_VERSION).encode(),
        }
        return pa.table(columns).replace_schema_metadata(metadata)

    def _encode_field(self, spec: FieldSpec, values: pd.Series, salt: pd.Series | None) -> pa.Array:
        hasher = _FieldHasher(self.key, spec, self.settings.balanced)
        keyed = values if salt is None else values + "\x1e" + salt.where(values.ne(""), "")
        codes, uniques = pd.factorize(keyed)
        distinct = [str(u).split("\x1e")[0] for u in uniques]
        salts = [str(u).partition("\x1e")[2] for u in uniques] if salt is not None else None
        packed = hasher.filters(distinct, salts)
        width = packed.shape[1]
        rows = packed[codes]
        missing = values.eq("").to_numpy()
        data = pa.py_buffer(np.ascontiguousarray(rows).tobytes())
        validity = pa.array(~missing).buffers()[1] if missing.any() else None
        return pa.Array.from_buffers(
            pa.binary(width), len(values), [validity, data], null_count=int(missing.sum())
        )


def encode_frame(
    frame: pd.DataFrame, key: bytes, *, agency: str, settings: EncoderSettings = DEFAULT_SETTINGS
) -> pa.Table:
    """Functional shorthand for `Encoder(key, settings).encode(frame, agency=agency)`."""
    return Encoder(key, settings).encode(frame, agency=agency)


def write_encodings(table: pa.Table, path: str) -> None:
    """Write an encoded table to Parquet atomically (a half-written file never appears)."""
    import os
    import tempfile

    import pyarrow.parquet as pq

    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".encode-", suffix=".parquet", dir=directory)
    os.close(handle)
    try:
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
