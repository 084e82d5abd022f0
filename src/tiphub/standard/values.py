"""Parsing one cell of each field type into its normalised value, or a plain-words reason.

Each parser returns `Parsed(value)` or `Parsed(error=reason)`. Reasons never quote the value
themselves: the caller decides whether the value may be shown (it may not for L-ID and L-SC).
"""

import calendar
import datetime as dt
import re
import unicodedata
from typing import NamedTuple

from tiphub.standard.codelists import CodeList
from tiphub.standard.dictionary import FieldSpec, FieldType

MULTI_SEPARATORS = re.compile(r"[;|]")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
MIN_PHONE_DIGITS = 5
EARLIEST_DATE = dt.date(1900, 1, 1)
CODES_LISTED_IN_FULL = 15


class Parsed(NamedTuple):
    """A parsed cell: its value, or the reason it is wrong (a tuple: created once per cell)."""

    value: object = None
    error: str | None = None


def clean_text(raw: str, *, multiline: bool = False) -> str:
    """Trimmed, NFC-normalised text; single-line fields also get inner whitespace collapsed.

    NFC matters for linkage: `Nguyễn` typed on two keyboards may differ in bytes but not in NFC.
    """
    text = unicodedata.normalize("NFC", raw).strip()
    if multiline:
        return text
    return " ".join(text.split())


def parse_cell(spec: FieldSpec, raw: str) -> Parsed:
    """Parse a non-empty cell of `spec`'s type."""
    match spec.type:
        case FieldType.TEXT:
            return _parse_text(spec, raw)
        case FieldType.DATE:
            return parse_date(raw)
        case FieldType.INTEGER:
            return _parse_integer(spec, raw)
        case FieldType.CODE:
            return parse_code(spec.codes, raw)
        case FieldType.MULTICODE:
            return parse_codes(spec.codes, raw)
    raise AssertionError(spec.type)  # pragma: no cover - FieldType is exhaustive


def _parse_text(spec: FieldSpec, raw: str) -> Parsed:
    text = clean_text(raw, multiline=spec.max_length > 1000)
    if len(text) > spec.max_length:
        return Parsed(error=f"text is too long ({len(text)} characters, at most {spec.max_length})")
    if spec.format == "email" and not EMAIL.match(text):
        return Parsed(error="not an e-mail address (expected name@domain.tld)")
    if spec.format == "phone" and (
        not PHONE.match(text) or sum(ch.isdigit() for ch in text) < MIN_PHONE_DIGITS
    ):
        return Parsed(
            error="not a telephone number (digits with optional +, spaces, ( ) - . /; "
            f"at least {MIN_PHONE_DIGITS} digits)"
        )
    return Parsed(text)


def parse_date(raw: str) -> Parsed:
    """YYYY-MM-DD (time part from spreadsheets ignored), or DD/MM/YYYY and DD.MM.YYYY."""
    text = raw.strip()
    if match := ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := DAY_FIRST_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return Parsed(error="not a date: write it as YYYY-MM-DD (or DD/MM/YYYY)")
    if not 1 <= month <= 12:
        hint = " (month and day swapped? DD/MM/YYYY expected)" if 1 <= day <= 12 else ""
        return Parsed(error=f"not a real date: there is no month {month}{hint}")
    last_day = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= last_day:
        month_name = calendar.month_name[month]
        return Parsed(error=f"not a real date: {month_name} {year} has {last_day} days")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return Parsed(error="not a real date")
    if value < EARLIEST_DATE:
        return Parsed(error=f"date before {EARLIEST_DATE.isoformat()}: probably a typo")
    return Parsed(value)


def _parse_integer(spec: FieldSpec, raw: str) -> Parsed:
    text = raw.strip()
    if not INTEGER.match(text):
        return Parsed(error="not a whole number")
    value = int(text.split(".")[0])
    low, high = spec.minimum, spec.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        return Parsed(error=f"out of range: must be between {low} and {high}")
    return Parsed(value)


def parse_code(codes: CodeList, raw: str) -> Parsed:
    code = codes.normalise(raw)
    if code is None:
        return Parsed(error=unknown_code_reason(codes, raw))
    return Parsed(code)


def parse_codes(codes: CodeList, raw: str) -> Parsed:
    """Several codes separated by `;` or `|`: canonical, de-duplicated, in the order given."""
    values: list[str] = []
    unknown: list[str] = []
    for part in MULTI_SEPARATORS.split(raw):
        if not part.strip():
            continue
        code = codes.normalise(part)
        if code is None:
            unknown.append(part.strip())
        elif code not in values:
            values.append(code)
    if unknown:
        if len(unknown) == 1:
            return Parsed(error=unknown_code_reason(codes, unknown[0], quote=True))
        listed = ", ".join(f"'{u}'" for u in unknown)
        return Parsed(error=f"{listed} are not in the code list '{codes.name}'; {_allowed(codes)}")
    return Parsed(values)


def unknown_code_reason(codes: CodeList, raw: str, *, quote: bool = False) -> str:
    """ "not in the code list", with the nearest codes and (for short lists) all allowed codes."""
    subject = f"'{raw.strip()}' is" if quote else "this value is"
    reason = f"{subject} not in the code list '{codes.name}'"
    suggestions = codes.suggest(raw)
    if suggestions:
        reason += f"; did you mean {' or '.join(repr(s) for s in suggestions)}?"
    return f"{reason}; {_allowed(codes)}"


def _allowed(codes: CodeList) -> str:
    if len(codes) <= CODES_LISTED_IN_FULL:
        return f"allowed: {', '.join(codes.code_values)}"
    return f"see the '{codes.name}' code list ({len(codes)} codes; `tiphub template` lists them)"
