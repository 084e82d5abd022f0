"""The derived statistical fields of a record (docs/contracts.md section 1), one rule each.

Every stage that counts victims (registry, linkage, indicators, CTDC export) uses these functions,
so a child is a child and a form of exploitation is the same form everywhere. The rules and their
sources are in docs/data-standard.md; the mappings themselves live in the code lists (`maps`).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache

from tiphub.standard.codelists import code_list

CHILD_AGE_LIMIT = 18  # UN CRC art. 1 and TIP Protocol art. 3(d): a child is under 18
FORM_FLAGS = ("form_sexual", "form_labour", "form_organ", "form_other")
DERIVED_FIELDS = ("year", "age_years", "is_child", "sex", "age_group", "age_band", *FORM_FLAGS)
STATISTICAL_COLUMNS = (
    "year",
    "sex",
    "age_group",
    "age_band",
    "is_child",
    "citizenship",
    "country_of_exploitation",
    "region",
    "trafficking_status",
    "exploitation_types",
    *FORM_FLAGS,
)


def completed_years(born: dt.date, on: dt.date) -> int:
    """Age in completed years on a date (the birthday counts on the day itself)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_at_identification(
    date_of_birth: dt.date | None, identification_date: dt.date | None, age: int | None
) -> int | None:
    """Age from the date of birth when both dates are known, else the recorded age."""
    if date_of_birth is not None and identification_date is not None:
        return completed_years(date_of_birth, identification_date)
    return age


def sdmx_sex(gender: str | None) -> str:
    """SDMX SEX code (F, M, _O, _U) of an HTCDS gender code; unknown or empty gives _U."""
    return _gender_to_sex().get(gender or "", "_U")


def sdmx_age_group(age_years: int | None) -> str:
    """SDMX AGE code: Y0T17 (child), Y_GE18 (adult) or _U (unknown)."""
    if age_years is None:
        return "_U"
    return "Y0T17" if age_years < CHILD_AGE_LIMIT else "Y_GE18"


def ctdc_age_band(age_years: int | None) -> str | None:
    """CTDC ageBroad band (0--8 ... 48+) of an age, None when the age is unknown."""
    if age_years is None:
        return None
    for code, low, high in _age_bands():
        if age_years >= low and (high is None or age_years <= high):
            return code
    return None


def ctdc_months_band(months: int | None) -> str | None:
    """CTDC traffickMonths band of a duration in months, None when unknown."""
    if months is None:
        return None
    for code in code_list("ctdc_traffick_months"):
        low = int(code.maps["min_months"])
        high = int(code.maps["max_months"]) if "max_months" in code.maps else None
        if months >= low and (high is None or months <= high):
            return code.code
    return None


def form_flags(
    exploitation_types: Iterable[str],
    labour_sectors: Iterable[str] = (),
    sexual_exploitation_types: Iterable[str] = (),
) -> dict[str, bool]:
    """SDG 16.2.2 form flags: from the forms recorded, and implied by sectors and sexual types.

    A record may carry several forms (e.g. sexual and labour); each flag is counted in its series.
    """
    forms = {_form_of_type()[t] for t in exploitation_types if t in _form_of_type()}
    if any(True for _ in labour_sectors):
        forms.add("labour")
    if any(True for _ in sexual_exploitation_types):
        forms.add("sexual")
    return {f"form_{form}": form in forms for form in ("sexual", "labour", "organ", "other")}


def derive(fields: Mapping[str, object], date_of_birth: dt.date | None = None) -> dict[str, object]:
    """All derived statistical fields of a record from its normalised fields (and date of birth).

    `fields` holds the normalised L-QI/L-OP values as in `IntakeRecord.fields`.
    """
    identified = fields.get("identification_date")
    identified_on = identified if isinstance(identified, dt.date) else None
    recorded_age = fields.get("age")
    age_years = age_at_identification(
        date_of_birth, identified_on, recorded_age if isinstance(recorded_age, int) else None
    )
    gender = fields.get("gender")
    return {
        "year": identified_on.year if identified_on else None,
        "age_years": age_years,
        "is_child": None if age_years is None else age_years < CHILD_AGE_LIMIT,
        "sex": sdmx_sex(gender if isinstance(gender, str) else None),
        "age_group": sdmx_age_group(age_years),
        "age_band": ctdc_age_band(age_years),
        **form_flags(
            _codes(fields.get("exploitation_types")),
            _codes(fields.get("labour_sectors")),
            _codes(fields.get("sexual_exploitation_types")),
        ),
    }


def _codes(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.replace("|", ";").split(";") if part]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return []


@cache
def _gender_to_sex() -> dict[str, str]:
    return code_list("gender").mapping("sdmx_sex")


@cache
def _form_of_type() -> dict[str, str]:
    return code_list("exploitation_type").mapping("sdg_form")


@cache
def _age_bands() -> tuple[tuple[str, int, int | None], ...]:
    bands = []
    for code in code_list("ctdc_age_band"):
        high = code.maps.get("max_age")
        bands.append((code.code, int(code.maps["min_age"]), int(high) if high else None))
    return tuple(bands)
