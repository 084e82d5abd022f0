"""Normalisation of identifying values before encoding or comparison.

Both sides of a link must turn "José-María", "JOSE MARIA" and "jose maria " into the same string,
so normalisation is part of the encoding contract (changing it changes every filter). It keeps
letters of every script (victims' names come in Arabic, Cyrillic, Thai...), drops accents,
case, spaces and punctuation, and turns the date formats agencies use into `YYYYMMDD`, with `?`
for parts that are unknown (a year of birth alone is common for victims).

Functions work on one value; `normalise_series` applies one to a pandas column through its
distinct values only, which is what makes encoding a million records fast.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

import numpy as np
import pandas as pd

_UNKNOWN_CODES = frozenset({"", "_u", "u", "unknown", "nonspecifiedunknown", "na", "n/a", "none"})
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class NormalisationError(ValueError):
    """A value cannot be normalised; the message names the reason, never the value."""


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(value: str) -> str:
    """Letters only (any script), no accents, case-folded: 'José-María' -> 'josemaria'."""
    return "".join(ch for ch in _strip_marks(value).casefold() if ch.isalpha())


def normalise_text(value: str) -> str:
    """Letters and digits, no accents, case-folded (addresses, places, document numbers)."""
    return "".join(ch for ch in _strip_marks(value).casefold() if ch.isalnum())


def normalise_code(value: str) -> str:
    """A code value (sex, citizenship): trimmed and case-folded; 'unknown' markers become ''."""
    code = value.strip().casefold()
    return "" if code in _UNKNOWN_CODES else code


def normalise_date(value: str) -> str:
    """`YYYYMMDD` from ISO, `DD/MM/YYYY`, `YYYYMMDD`, `YYYY-MM` or `YYYY`; unknown parts are `?`.

    Digits are kept even when they do not make a valid calendar date: a typing error in a day
    ("1985-02-30") still carries most of the information, and refusing it would lose a link.
    """
    text = value.strip()
    if not text:
        return ""
    for pattern, order in ((_ISO, "ymd"), (_COMPACT, "ymd"), (_DMY, "dmy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, match.groups(), strict=True))
            return f"{parts['y']}{int(parts['m']):02d}{int(parts['d']):02d}"
    match = _YEAR_MONTH.match(text)
    if match:
        return f"{match.group(1)}{int(match.group(2)):02d}??"
    match = _YEAR.match(text)
    if match:
        return f"{match.group(1)}????"
    raise NormalisationError("not a date (expected YYYY-MM-DD, DD/MM/YYYY, YYYYMMDD or YYYY)")


NORMALISERS: dict[str, Callable[[str], str]] = {
    "name": normalise_name,
    "text": normalise_text,
    "code": normalise_code,
    "date": normalise_date,
}


def as_text(value: object) -> str:
    """A cell as text: missing -> '', dates -> ISO, numbers without a trailing '.0'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def normalise_series(series: pd.Series, kind: str) -> pd.Series:
    """Normalise a column through its distinct values. Raises NormalisationError with the
    0-based position of the first bad row in `.args[1]` (never the value itself)."""
    normalise = NORMALISERS[kind]
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    out: list[str] = []
    for position, raw in enumerate(uniques):
        try:
            out.append(normalise(as_text(raw)))
        except NormalisationError as error:
            first_row = int(np.flatnonzero(codes == position)[0])
            raise NormalisationError(str(error), first_row) from None
    table = np.array([*out, ""], dtype=object)  # code -1 (missing) maps to the last entry
    return pd.Series(table[codes], index=series.index, dtype=object)
