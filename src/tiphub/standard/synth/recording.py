"""How an agency records a person: partial, noisy copies of the truth, as real files are.

Each agency has habits (`AgencyProfile`): how often it misses a date of birth and writes an
estimated age instead, how it spells foreign names, how often staff mistype or swap given and
family names. Independently of habits, values go missing, day and month get swapped, and agencies
disagree on citizenship or forms of exploitation. Every record stays valid under `load_intake`:
the noise is in the values, never in the format.
"""

import datetime as dt
import random
import string

from tiphub.standard.synth.agencies import AgencyProfile
from tiphub.standard.synth.names import spelling_variant
from tiphub.standard.synth.people import Person

SPELLINGS = ("canonical", "ascii", "loose")
CONFUSED_CITIZENSHIP = {"MDA": "ROU", "ROU": "MDA", "UKR": "MDA", "PRY": "COL", "VEN": "COL"}
NARRATIVES = (
    "Referred for assistance; accommodation and counselling offered.",
    "Identified during an inspection; interview held with an interpreter.",
    "Self-referred after contacting the helpline; safety plan agreed.",
    "Accompanied by a guardian; best-interests assessment requested.",
)


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip: a letter dropped, doubled, replaced, or two letters swapped."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _spelled(name: str, person: Person, agency: AgencyProfile, rng: random.Random) -> str:
    scheme = rng.choices(SPELLINGS, weights=agency.spelling)[0]
    spelled = spelling_variant(name, person.culture, scheme, rng)
    if rng.random() < agency.typo_rate:
        spelled = typo(spelled, rng)
    if rng.random() < 0.03:
        spelled = spelled.upper()
    return spelled


def _dob_as_recorded(born: dt.date, identified_on: dt.date, rng: random.Random) -> dt.date:
    """Mostly right; sometimes day and month swapped, or the year off by one."""
    roll = rng.random()
    if roll < 0.03 and born.day <= 12 and born.day != born.month:
        swapped = born.replace(month=born.day, day=born.month)
        return swapped if swapped <= identified_on else born
    if roll < 0.04:
        shifted = born.replace(year=born.year + rng.choice((-1, 1)), day=min(born.day, 28))
        return shifted if shifted <= identified_on else born
    return born


def _estimated_age(age: int, rng: random.Random) -> int:
    if age < 18:
        return max(0, age + rng.choice((-1, 0, 0, 0, 1)))
    estimate = age + round(rng.gauss(0, 2))
    if rng.random() < 0.4:
        estimate = 5 * round(estimate / 5)  # "about thirty"
    return max(18 if rng.random() < 0.9 else 16, min(estimate, 90))


def _recorded_forms(person: Person, agency: AgencyProfile, rng: random.Random) -> list[str]:
    if rng.random() < 0.05:
        return []
    forms = list(person.forms)
    if agency.code == "LAB":
        labour = [f for f in forms if f not in ("SexualExploitation", "OrganRemoval")]
        forms = labour or forms
    elif len(forms) > 1 and rng.random() < 0.4:
        forms = forms[:1]
    return forms


def agency_record(
    person: Person,
    agency: AgencyProfile,
    identified_on: dt.date,
    record_id: str,
    rng: random.Random,
) -> dict[str, str]:
    """One intake row (column -> text) for `person` as `agency` recorded them."""
    given = _spelled(person.given_name, person, agency, rng)
    family = _spelled(person.family_name, person, agency, rng)
    swap_rate = agency.swap_names_rate * (4 if person.culture == "vietnamese" else 1)
    if rng.random() < swap_rate:
        given, family = family, given
    row = {
        "record_id": record_id,
        "identification_date": identified_on.isoformat(),
        "given_name": given if rng.random() > 0.02 else "",
        "family_name": family if rng.random() > 0.01 else "",
        "region": person.region if agency.code in ("POL", "NGO", "LAB", "CHP") else "",
    }
    if agency.records_case_id:
        row["case_id"] = f"{agency.code}-C{person.case_no:06d}"
    if person.culture == "spanish" and rng.random() < 0.3:
        row["family_name"] = f"{family} {rng.choice(('García', 'López', 'Martínez', 'Rojas'))}"
    true_age = max(0, _completed_years(person.date_of_birth, identified_on))
    if rng.random() >= agency.dob_missing:
        row["date_of_birth"] = _dob_as_recorded(
            person.date_of_birth, identified_on, rng
        ).isoformat()
    elif rng.random() >= agency.age_missing_when_no_dob:
        row["age"] = str(_estimated_age(true_age, rng))
    row["gender"] = _recorded_gender(person.gender, rng)
    row["citizenship"] = _recorded_citizenship(person.citizenship, rng)
    if rng.random() < 0.7:
        row["country_of_exploitation"] = person.country_of_exploitation
    _add_circumstances(row, person, agency, rng)
    _add_contact(row, person, agency, rng)
    return row


def _completed_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _recorded_gender(gender: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return ""
    if roll < 0.04:
        return "NonSpecifiedUnknown"
    if gender.startswith("Transgender") and rng.random() < 0.5:
        return "NonConforming"
    return gender


def _recorded_citizenship(citizenship: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.04:
        return ""
    if roll < 0.05 and citizenship in CONFUSED_CITIZENSHIP:
        return CONFUSED_CITIZENSHIP[citizenship]
    return citizenship


def _add_circumstances(
    row: dict[str, str], person: Person, agency: AgencyProfile, rng: random.Random
) -> None:
    row["exploitation_types"] = ";".join(_recorded_forms(person, agency, rng))
    if person.labour_sectors and (agency.code == "LAB" or rng.random() < 0.6):
        row["labour_sectors"] = ";".join(person.labour_sectors)
    if person.sexual_types and agency.code in ("POL", "NGO", "CHP") and rng.random() < 0.7:
        row["sexual_exploitation_types"] = ";".join(person.sexual_types)
    means = [m for m in person.means if rng.random() < (0.8 if agency.code == "NGO" else 0.5)]
    row["means_of_control"] = ";".join(means)
    if rng.random() < 0.5:
        row["recruitment_methods"] = ";".join(person.recruitment)
    if rng.random() < 0.5:
        row["recruiter_relationship"] = person.recruiter
    if agency.code in ("NGO", "POL", "LAB") and rng.random() < 0.6:
        row["exploitation_months"] = str(max(0, person.months + rng.choice((-1, 0, 0, 1))))
    actual = rng.random() < agency.status_actual_share
    row["trafficking_status"] = (
        "ActualVictimOfTrafficking" if actual else "PossibleVictimOfTrafficking"
    )
    if actual:
        row["status_decision_org"] = agency.decision_org
    if rng.random() < 0.15:
        row["narrative"] = rng.choice(NARRATIVES)


def _add_contact(
    row: dict[str, str], person: Person, agency: AgencyProfile, rng: random.Random
) -> None:
    if person.phone and rng.random() < 0.6:
        phone = person.phone
        row["phone"] = phone.replace(" ", "") if rng.random() < 0.5 else phone
    if person.email and rng.random() < 0.5:
        row["email"] = person.email
    if person.document_number and agency.code in ("POL", "ASY", "LAB") and rng.random() < 0.7:
        row["document_type"] = person.document_type
        number = person.document_number
        row["document_number"] = typo(number, rng) if rng.random() < 0.02 else number
