"""The statistical frame (contracts.md section 2) as indicator input: read, check, normalise.

The frame has one row per stored victim record and no identifying column. It comes from the
registry (`tiphub.web.registry.services.statistical_frame()`) or from a CSV/Parquet file with the
same columns. An optional `person_id` column (from linkage) makes counts unduplicated persons.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REQUIRED_COLUMNS = (
    "year",
    "sex",
    "age_group",
    "citizenship",
    "region",
    "trafficking_status",
    "form_sexual",
    "form_labour",
    "form_organ",
    "form_other",
)
FORM_FLAGS = {
    "sexual": "form_sexual",
    "labour": "form_labour",
    "organ": "form_organ",
    "other": "form_other",
}
CODED_COLUMNS = ("sex", "age_group", "citizenship", "region")
UNKNOWN = "_U"
_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n", ""}


class FrameError(ValueError):
    """The frame is unusable (the message names the file, row and column)."""


def read_frame(path: Path) -> pd.DataFrame:
    """Read a frame file (CSV or Parquet) and normalise it."""
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        else:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise FrameError(f"{path}: no such file") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise FrameError(f"{path}: cannot read the frame ({type(exc).__name__})") from None
    return normalise_frame(df, source=str(path))


def _flag(series: pd.Series, column: str, source: str) -> pd.Series:
    if series.dtype == bool:
        return series
    text = series.astype(str).str.strip().str.lower()
    bad = ~text.isin(_TRUE | _FALSE | {"nan", "none", "<na>"})
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 2  # header is line 1
        raise FrameError(f"{source}: row {row}, column {column}: expected true/false")
    return text.isin(_TRUE)


def normalise_frame(df: pd.DataFrame, source: str = "frame") -> pd.DataFrame:
    """Check the contract columns and return a clean copy (codes as text, flags as booleans).

    Missing codes become `_U` (unknown) so that every victim falls in exactly one option of each
    additive dimension; that is what makes totals equal the sum of their parts.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise FrameError(f"{source}: missing column(s) {', '.join(missing)}")
    out = pd.DataFrame(index=range(len(df)))
    years = pd.to_numeric(df["year"].reset_index(drop=True), errors="coerce")
    if years.isna().any():
        row = int(years.isna().to_numpy().nonzero()[0][0]) + 2
        raise FrameError(f"{source}: row {row}, column year: not a year")
    out["year"] = years.astype("int64")
    for col in CODED_COLUMNS:
        values = df[col].reset_index(drop=True).astype("string").str.strip()
        out[col] = values.fillna(UNKNOWN).replace("", UNKNOWN).astype(str)
    status = df["trafficking_status"].reset_index(drop=True).astype("string").fillna("")
    out["trafficking_status"] = status.astype(str)
    for flag in FORM_FLAGS.values():
        out[flag] = _flag(df[flag].reset_index(drop=True), flag, source).astype(bool)
    if "person_id" in df.columns:
        out["person_id"] = df["person_id"].reset_index(drop=True).astype("string")
    if "record_pk" in df.columns:
        out["record_pk"] = df["record_pk"].reset_index(drop=True).astype(str)
    else:
        out["record_pk"] = [str(i) for i in range(len(df))]
    return out
