"""Capture tables: how many people were seen on each combination of lists.

The table is the contract between linkage and estimation (docs/contracts.md section 3): one 0/1
column per list, then an integer `count`, one row per observed pattern, the all-zero pattern
absent (it is the unobserved dark figure). Patterns that are not listed have count 0: the models
are fitted on the full table of 2^k - 1 observable cells, zeros included, as SparseMSE does.

Validation is strict because a silently misread table gives a confident, wrong estimate: every
error names the file (or frame), the row and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

COUNT_COLUMN = "count"
MAX_LISTS = 16  # 2^16 - 1 cells; beyond this a log-linear MSE is neither fittable nor sensible


class CaptureTableError(ValueError):
    """The capture-history input is invalid; the message says where and why."""


@dataclass(frozen=True)
class CellDesign:
    """The 2^k - 1 observable capture patterns of k lists, in SparseMSE's order.

    Rows are ordered by the number of lists a pattern is on, then with the first list most
    significant, descending (as `SparseMSE::tidylists`). Shared by every table with k lists, so the
    bootstrap does not rebuild it for each replicate.
    """

    n_lists: int
    cells: np.ndarray  # (2^k - 1, k) 0/1 float
    pairs: tuple[tuple[int, int], ...]  # (i, j), i < j, in R's order (1,2),(1,3),...,(2,3),...
    pair_products: np.ndarray  # (2^k - 1, n_pairs) 0/1 float: cell is on both lists of the pair
    full_matrix: np.ndarray  # (2^k - 1, 1 + k + n_pairs): intercept, main effects, every pair
    code_to_cell: dict[int, int] = field(repr=False)

    @staticmethod
    def code(pattern: Sequence[int]) -> int:
        """A pattern's bit code, first list most significant."""
        value = 0
        for bit in pattern:
            value = (value << 1) | int(bit)
        return value


@lru_cache(maxsize=32)
def cell_design(n_lists: int) -> CellDesign:
    """The cell layout for `n_lists` lists (cached: it depends on k only)."""
    k = n_lists
    codes = sorted(range(1, 2**k), key=lambda c: (c.bit_count(), -c))
    cells = np.array([[(c >> (k - 1 - i)) & 1 for i in range(k)] for c in codes], dtype=float)
    pairs = tuple(combinations(range(k), 2))
    products = np.empty((len(codes), len(pairs)))
    for column, (i, j) in enumerate(pairs):
        products[:, column] = cells[:, i] * cells[:, j]
    full = np.column_stack([np.ones(len(codes)), cells, products])
    for array in (cells, products, full):
        array.setflags(write=False)
    return CellDesign(
        n_lists=k,
        cells=cells,
        pairs=pairs,
        pair_products=products,
        full_matrix=full,
        code_to_cell={c: row for row, c in enumerate(codes)},
    )


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """Counts of people by capture pattern over `lists`.

    `patterns`/`counts` are the rows as given (the bootstrap resamples these, as SparseMSE does);
    `cell_counts` is the full table over all 2^k - 1 observable patterns with zeros filled in.
    Build one with `from_csv`, `from_frame`, `from_records` or `from_counts`.
    """

    lists: tuple[str, ...]
    patterns: np.ndarray  # (rows, k) int
    counts: np.ndarray  # (rows,) int
    source: str = "<table>"

    # ----------------------------------------------------------------------------------- build
    @classmethod
    def from_counts(
        cls,
        lists: Sequence[str],
        patterns: Iterable[Sequence[int]],
        counts: Iterable[int],
        source: str = "<table>",
    ) -> CaptureTable:
        """A table from patterns and counts, validated like a file."""
        rows = [(*map(int, p), int(c)) for p, c in zip(patterns, counts, strict=True)]
        header = [*lists, COUNT_COLUMN]
        return cls.from_rows(header, [[str(v) for v in r] for r in rows], source, first_line=1)

    @classmethod
    def from_csv(cls, path: str | Path) -> CaptureTable:
        """Read the capture-history CSV (comma, semicolon or tab; UTF-8 with or without BOM)."""
        header, rows = read_csv_rows(path)
        return cls.from_rows(header, rows, str(path), first_line=2)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str = "<frame>") -> CaptureTable:
        """A table from a DataFrame with 0/1 list columns and `count`."""
        header = [str(c) for c in frame.columns]
        rows = [["" if _is_missing(v) else str(v) for v in row] for row in frame.itertuples(False)]
        return cls.from_rows(header, rows, source, first_line=1, row_word="frame row")

    @classmethod
    def from_records(
        cls,
        records: pd.DataFrame,
        *,
        person: str = "person_id",
        list_column: str = "agency",
        lists: Sequence[str] | None = None,
        source: str = "<records>",
    ) -> CaptureTable:
        """Capture histories from linked records: one row per record, `person` the linked id.

        A person is on list L when any of their records has `list_column` == L. `lists` fixes
        the list order (and lets a list with no record be reported as an error rather than
        vanish); by default the lists are the sorted distinct values.
        """
        histories, names = histories_from_records(records, person, list_column, lists, source)
        header = [*names, COUNT_COLUMN]
        return cls.from_rows(header, histories, source, first_line=1, row_word="pattern")

    @classmethod
    def from_rows(
        cls,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        source: str,
        first_line: int = 1,
        row_word: str = "row",
        *,
        lines: Sequence[int] | None = None,
        allow_empty_lists: bool = False,
    ) -> CaptureTable:
        """A validated table from text cells; `lines` gives each row's own line number (a
        stratum's rows are scattered through the file); `allow_empty_lists` for strata."""
        lists, count_index = _split_header(header, source)
        k = len(lists)
        patterns = np.zeros((len(rows), k), dtype=np.int64)
        counts = np.zeros(len(rows), dtype=np.int64)
        seen: dict[tuple[int, ...], int] = {}
        for offset, row in enumerate(rows):
            line = lines[offset] if lines is not None else first_line + offset
            where = f"{source}, {row_word} {line}"
            if len(row) != len(header):
                raise CaptureTableError(
                    f"{where}: has {len(row)} fields but the header has {len(header)}"
                )
            pattern = []
            list_position = 0
            for position, value in enumerate(row):
                if position == count_index:
                    continue
                pattern.append(_zero_one(value, where, lists[list_position]))
                list_position += 1
            count = _count(row[count_index], where)
            key = tuple(pattern)
            if not any(key):
                raise CaptureTableError(
                    f"{where}: the pattern on no list (all zeros) is the unobserved dark figure; "
                    "it must not appear in a capture table"
                )
            if key in seen:
                raise CaptureTableError(
                    f"{where}: duplicate pattern {_pattern_text(key, lists)} "
                    f"(already on {row_word} {seen[key]}); give each pattern once"
                )
            seen[key] = line
            patterns[offset] = key
            counts[offset] = count
        if len(rows) == 0 or counts.sum() == 0:
            raise CaptureTableError(f"{source}: no one was observed (no rows with a count above 0)")
        totals = patterns.T @ counts
        empty = [name for name, total in zip(lists, totals, strict=True) if total == 0]
        if empty and not allow_empty_lists:
            raise CaptureTableError(
                f"{source}: list(s) {', '.join(empty)} have no cases; an empty list carries no "
                "information about the dark figure: remove the column"
            )
        return cls(lists=tuple(lists), patterns=patterns, counts=counts, source=source)

    # ------------------------------------------------------------------------------- derived
    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Number of distinct people seen on at least one list."""
        return int(self.counts.sum())

    @property
    def design(self) -> CellDesign:
        return cell_design(self.n_lists)

    @cached_property
    def row_cells(self) -> np.ndarray:
        """For each given row, its index among the 2^k - 1 cells."""
        codes = self.design.code_to_cell
        return np.array([codes[CellDesign.code(p)] for p in self.patterns], dtype=np.int64)

    @cached_property
    def cell_counts(self) -> np.ndarray:
        """Counts over all 2^k - 1 observable cells (zeros filled in), as floats for fitting."""
        full = np.zeros(len(self.design.cells))
        np.add.at(full, self.row_cells, self.counts)
        return full

    def with_counts(self, counts: np.ndarray) -> CaptureTable:
        """The same rows with other counts (bootstrap and jackknife; no re-validation)."""
        table = CaptureTable(self.lists, self.patterns, np.asarray(counts), self.source)
        table.__dict__["row_cells"] = self.row_cells
        return table

    def list_totals(self) -> dict[str, int]:
        totals = self.patterns.T @ self.counts
        return {name: int(t) for name, t in zip(self.lists, totals, strict=True)}

    def pair_name(self, pair: tuple[int, int]) -> str:
        """R's name of a two-list term, e.g. "LA:NG"."""
        return f"{self.lists[pair[0]]}:{self.lists[pair[1]]}"

    @cached_property
    def pair_overlaps(self) -> np.ndarray:
        """Observed count on both lists of each pair (whatever else they are on), R's pair order."""
        return np.asarray(self.cell_counts @ self.design.pair_products)

    def overlaps(self) -> dict[str, int]:
        return {
            self.pair_name(p): int(v)
            for p, v in zip(self.design.pairs, self.pair_overlaps, strict=True)
        }

    def nonoverlapping_pairs(self) -> list[str]:
        """Pairs of lists with no case in common (their interaction MLE would be minus infinity)."""
        return [
            self.pair_name(p)
            for p, v in zip(self.design.pairs, self.pair_overlaps, strict=True)
            if v == 0
        ]

    def count_triples(self) -> int:
        """Triples of lists whose three pairs all overlap (SparseMSE `count_triples`).

        If there is none, the model with every two-list term is not identifiable.
        """
        overlapping = {p for p, v in zip(self.design.pairs, self.pair_overlaps, strict=True) if v}
        return sum(
            1
            for a, b, c in combinations(range(self.n_lists), 3)
            if {(a, b), (a, c), (b, c)} <= overlapping
        )

    def parse_terms(self, terms: Iterable[str]) -> tuple[tuple[int, int], ...]:
        """Pairs from names like "A:B" (either order), validated against the lists."""
        index = {name: i for i, name in enumerate(self.lists)}
        pairs: list[tuple[int, int]] = []
        for term in terms:
            parts = term.split(":")
            if len(parts) != 2 or parts[0] == parts[1] or not all(p in index for p in parts):
                raise CaptureTableError(
                    f"term {term!r} is not a two-list term of {self.source} "
                    f"(lists: {', '.join(self.lists)}; write it as A:B)"
                )
            a, b = sorted((index[parts[0]], index[parts[1]]))
            if (a, b) not in pairs:
                pairs.append((a, b))
        return tuple(pairs)

    def drop_empty_lists(self) -> tuple[CaptureTable, list[str]]:
        """This table without lists on which nobody is (strata often have some), and their names."""
        totals = self.patterns.T @ self.counts
        keep = [i for i, t in enumerate(totals) if t > 0]
        dropped = [self.lists[i] for i, t in enumerate(totals) if t == 0]
        if not dropped:
            return self, []
        merged: dict[tuple[int, ...], int] = {}
        for pattern, count in zip(self.patterns, self.counts, strict=True):
            key = tuple(int(pattern[i]) for i in keep)
            if any(key):
                merged[key] = merged.get(key, 0) + int(count)
        names = [self.lists[i] for i in keep]
        if len(names) < 2:
            raise CaptureTableError(
                f"{self.source}: fewer than 2 lists have cases ({', '.join(names) or 'none'}); "
                "at least two overlapping lists are needed to estimate the dark figure"
            )
        table = CaptureTable.from_counts(names, merged.keys(), merged.values(), self.source)
        return table, dropped

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        frame = pd.DataFrame(self.patterns, columns=list(self.lists))
        frame[COUNT_COLUMN] = self.counts
        return frame

    def __repr__(self) -> str:
        return (
            f"CaptureTable({self.source!r}, lists={list(self.lists)}, "
            f"patterns={len(self.counts)}, observed={self.observed})"
        )


# ------------------------------------------------------------------------------------ helpers
def read_csv_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a small CSV; delimiter (comma, semicolon, tab) detected."""
    return csv_rows(Path(path).read_bytes(), str(path))


def csv_rows(data: bytes, source: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a small CSV held in memory (an upload); `source` names it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CaptureTableError(f"{source}: not UTF-8 text ({error.reason})") from None
    if not text.strip():
        raise CaptureTableError(f"{source}: the file is empty")
    first = text.splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    header = [h.strip() for h in rows[0]]
    return header, [[cell.strip() for cell in row] for row in rows[1:]]


def _split_header(header: Sequence[str], source: str) -> tuple[list[str], int]:
    lowered = [h.strip().lower() for h in header]
    if COUNT_COLUMN not in lowered:
        raise CaptureTableError(
            f"{source}: no `count` column (columns: {', '.join(header)}); the last column must "
            "be the integer count of people with each pattern"
        )
    count_index = lowered.index(COUNT_COLUMN)
    lists = [h.strip() for i, h in enumerate(header) if i != count_index]
    if any(not name for name in lists):
        raise CaptureTableError(f"{source}: a list column has no name in the header")
    duplicates = sorted({n for n in lists if lists.count(n) > 1})
    if duplicates or lowered.count(COUNT_COLUMN) > 1:
        raise CaptureTableError(
            f"{source}: duplicate column name(s) {', '.join(duplicates or [COUNT_COLUMN])}"
        )
    if len(lists) < 2:
        raise CaptureTableError(
            f"{source}: {len(lists)} list column(s); multiple systems estimation needs at least 2"
        )
    if len(lists) > MAX_LISTS:
        raise CaptureTableError(
            f"{source}: {len(lists)} lists; at most {MAX_LISTS} are supported (merge small lists)"
        )
    return lists, count_index


def _zero_one(value: str, where: str, column: str) -> int:
    text = value.strip()
    if text in {"0", "1"}:
        return int(text)
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if number in (0.0, 1.0):
        return int(number)
    shown = repr(text) if text else "an empty cell"
    raise CaptureTableError(
        f"{where}, column {column!r}: {shown} is not 0 or 1 (list columns say whether the "
        "pattern is on the list; a stratum column such as sex or year must be declared: --by sex)"
    )


def _count(value: str, where: str) -> int:
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        raise CaptureTableError(
            f"{where}, column 'count': {text!r} is not a whole number of people"
        ) from None
    if not np.isfinite(number) or number != int(number):
        raise CaptureTableError(f"{where}, column 'count': {text!r} is not a whole number")
    if number < 0:
        raise CaptureTableError(f"{where}, column 'count': {text} is negative")
    return int(number)


def _pattern_text(pattern: Sequence[int], lists: Sequence[str]) -> str:
    on = [name for name, bit in zip(lists, pattern, strict=True) if bit]
    return "{" + ", ".join(on) + "}"


def _is_missing(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN, pandas NA
    except (TypeError, ValueError):
        return value is None


def histories_from_records(
    records: pd.DataFrame,
    person: str,
    list_column: str,
    lists: Sequence[str] | None,
    source: str,
) -> tuple[list[list[str]], list[str]]:
    for column in (person, list_column):
        if column not in records.columns:
            raise CaptureTableError(
                f"{source}: no column {column!r} (columns: {', '.join(map(str, records.columns))})"
            )
    missing = records[person].isna() | records[list_column].isna()
    if missing.any():
        row = int(np.flatnonzero(missing.to_numpy())[0]) + 1
        raise CaptureTableError(
            f"{source}, record {row}: {person!r} or {list_column!r} is empty; every linked record "
            "needs a person id and the list (agency) it came from"
        )
    present = sorted({str(v) for v in records[list_column]})
    names = [str(n) for n in lists] if lists is not None else present
    unknown = sorted(set(present) - set(names))
    if unknown:
        raise CaptureTableError(
            f"{source}: records from list(s) {', '.join(unknown)} not among the lists given "
            f"({', '.join(names)})"
        )
    index = {name: i for i, name in enumerate(names)}
    on_list: dict[Any, set[int]] = {}
    for person_id, list_name in zip(records[person], records[list_column], strict=True):
        on_list.setdefault(person_id, set()).add(index[str(list_name)])
    patterns: dict[tuple[int, ...], int] = {}
    for members in on_list.values():
        key = tuple(1 if i in members else 0 for i in range(len(names)))
        patterns[key] = patterns.get(key, 0) + 1
    rows = [[*map(str, key), str(count)] for key, count in sorted(patterns.items(), reverse=True)]
    return rows, names


def stratum_tables(
    frame: pd.DataFrame,
    by: Sequence[str],
    source: str = "<frame>",
    first_line: int = 2,
) -> dict[tuple[Any, ...], CaptureTable]:
    """Split a capture-history frame with leading stratum columns (e.g. sex, year) into tables.

    Row numbers in errors are the file's (`first_line` is the line of the frame's first row).
    Patterns absent from a stratum are zero in it; lists without cases in a stratum are kept
    here (the estimator drops them and says so).
    """
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise CaptureTableError(
            f"{source}: stratum column(s) {', '.join(missing)} not found "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
    rest = frame.drop(columns=list(by))
    header = [str(c) for c in rest.columns]
    cells = [["" if _is_missing(v) else str(v) for v in row] for row in rest.itertuples(False)]
    keys = [tuple(row) for row in frame[list(by)].itertuples(False)]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for position, key in enumerate(keys):
        if any(_is_missing(v) or str(v).strip() == "" for v in key):
            raise CaptureTableError(
                f"{source}, row {first_line + position}: a stratum column ({', '.join(by)}) "
                "is empty"
            )
        groups.setdefault(key, []).append(position)
    tables: dict[tuple[Any, ...], CaptureTable] = {}
    for key in sorted(groups, key=lambda k: tuple(map(str, k))):
        positions = groups[key]
        label = ", ".join(f"{c}={v}" for c, v in zip(by, key, strict=True))
        tables[key] = CaptureTable.from_rows(
            header,
            [cells[p] for p in positions],
            f"{source} [{label}]",
            lines=[first_line + p for p in positions],
            allow_empty_lists=True,
        )
    return tables


def tables_from_mapping(tables: Mapping[Any, CaptureTable]) -> dict[tuple[Any, ...], CaptureTable]:
    """Normalise stratum keys to tuples."""
    return {(k if isinstance(k, tuple) else (k,)): v for k, v in tables.items()}
