"""The true victims of the synthetic country: who they are and what happened to them.

Proportions are loosely shaped on published patterns (UNODC GLOTIP 2022: women and girls are the
majority of detected victims of sexual exploitation, men of forced labour; about a third of
detected victims are children; organ removal is rare), without claiming to reproduce any country.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

import numpy as np

from tiphub.standard.synth.names import (
    CULTURE_OF_COUNTRY,
    name_pool,
    strip_diacritics,
    transliterate_ukrainian,
)

# Citizenship mix (the home country first): nationals, neighbours, and long-distance origins.
CITIZENSHIP_SHARES = {
    "ROU": 0.40, "UKR": 0.12, "MDA": 0.08, "VNM": 0.07, "NGA": 0.07, "THA": 0.05,
    "PHL": 0.05, "ALB": 0.06, "BRA": 0.04, "COL": 0.03, "PRY": 0.02, "VEN": 0.01,
}  # fmt: skip
HOME_COUNTRY = "ROU"
ABROAD = ("DEU", "ITA", "GBR", "ESP", "FRA", "POL", "NLD")  # where nationals were exploited
REGIONS = ("R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08")
REGION_WEIGHTS = (0.22, 0.16, 0.14, 0.12, 0.11, 0.10, 0.08, 0.07)

PRIMARY_FORMS = {"sexual": 0.42, "labour": 0.39, "other": 0.18, "organ": 0.01}
FEMALE_SHARE = {"sexual": 0.90, "labour": 0.35, "other": 0.50, "organ": 0.30}
CHILD_SHARE = {"sexual": 0.30, "labour": 0.12, "other": 0.45, "organ": 0.05}
TRANS_SHARE = {"sexual": 0.02, "labour": 0.003, "other": 0.01, "organ": 0.0}
SECOND_FORM_SHARE = 0.10
OTHER_FORMS = {
    "ForcedCriminalActivity": 0.35, "ForcedBegging": 0.30, "ForcedMarriage": 0.20, "Other": 0.15,
}  # fmt: skip
LABOUR_FORMS = {"ForcedLabour": 0.85, "Servitude": 0.10, "SlaveryAndSimilarPractices": 0.05}
LABOUR_SECTORS = {
    "Agriculture": 0.28, "Construction": 0.20, "DomesticWork": 0.15, "Hospitality": 0.15,
    "Manufacturing": 0.10, "Aquafarming": 0.05, "Begging": 0.02, "Other": 0.05,
}  # fmt: skip
SEXUAL_TYPES = {"Prostitution": 0.85, "Pornography": 0.10, "RemoteInteractiveServices": 0.05}
MEANS_BY_FORM = {
    "sexual": {
        "PhysicalThreats": 0.5, "PsychologicalAbuse": 0.5, "PhysicalAbuse": 0.4,
        "SexualAbuse": 0.3, "FalsePromises": 0.4, "PsychoactiveSubstance": 0.2,
        "RestrictsMovement": 0.4, "TakesEarnings": 0.5, "WithholdsDocuments": 0.2,
    },
    "labour": {
        "DebtBondage": 0.4, "TakesEarnings": 0.5, "ExcessiveWorkingHours": 0.5,
        "WithholdsDocuments": 0.4, "FalsePromises": 0.5, "PhysicalThreats": 0.3,
        "WithholdsNecessities": 0.2, "RestrictsMovement": 0.2, "ThreatsLawEnforcement": 0.2,
    },
    "other": {"PhysicalThreats": 0.4, "PsychologicalAbuse": 0.4, "PhysicalAbuse": 0.3},
    "organ": {"FalsePromises": 0.7, "DebtBondage": 0.3},
}  # fmt: skip
RECRUITERS = {
    "sexual": {"IntimatePartner": 0.30, "Friend": 0.20, "Acquaintance": 0.20, "Family": 0.10,
               "Stranger": 0.15, "Unknown": 0.05},
    "default": {"IntimatePartner": 0.03, "Friend": 0.20, "Acquaintance": 0.30, "Family": 0.15,
                "Stranger": 0.25, "Unknown": 0.07},
}  # fmt: skip
RECRUITMENT_METHODS = {
    "ThroughOnlineSocialNetworks": 0.25, "ThroughAnOnlineAdvertisement": 0.15,
    "ThroughFriendsOrSocialEvents": 0.20, "ThroughFamilyOrFamilyEvents": 0.12, "AtWork": 0.10,
    "ThroughANewspaperAdvert": 0.05, "Abduction": 0.03, "Other": 0.10,
}  # fmt: skip

DIALLING_CODES = {
    "ROU": "+40", "MDA": "+373", "UKR": "+380", "VNM": "+84", "THA": "+66", "PHL": "+63",
    "NGA": "+234", "ALB": "+355", "BRA": "+55", "COL": "+57", "PRY": "+595", "VEN": "+58",
}  # fmt: skip


@dataclass(slots=True)
class Person:
    """One true victim, as the truth knows them (agencies see noisy, partial copies)."""

    person_id: str
    case_no: int
    gender: str
    sex: str  # F / M (for capture and population); trans persons keep their lived sex here
    citizenship: str
    culture: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    identified_on: dt.date
    forms: list[str]
    form_groups: set[str]
    labour_sectors: list[str] = field(default_factory=list)
    sexual_types: list[str] = field(default_factory=list)
    means: list[str] = field(default_factory=list)
    recruitment: list[str] = field(default_factory=list)
    recruiter: str = "Unknown"
    months: int = 0
    country_of_exploitation: str = HOME_COUNTRY
    region: str = "R01"
    phone: str = ""
    email: str = ""
    document_type: str = ""
    document_number: str = ""

    @property
    def age(self) -> int:
        born, on = self.date_of_birth, self.identified_on
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def covariates(self) -> dict[str, float]:
        return {
            "female": float(self.sex == "F"),
            "male": float(self.sex == "M"),
            "child": float(self.age < 18),
            "sexual": float("sexual" in self.form_groups),
            "labour": float("labour" in self.form_groups),
            "other": float("other" in self.form_groups),
            "organ": float("organ" in self.form_groups),
            "foreign": float(self.citizenship != HOME_COUNTRY),
        }


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _pick_some(rng: random.Random, probabilities: dict[str, float]) -> list[str]:
    return [item for item, p in probabilities.items() if rng.random() < p]


def generate_people(n: int, years: tuple[int, int], seed: int, rng: random.Random) -> list[Person]:
    """`n` victims identified over `years` (inclusive), in cases of one to a few people."""
    year_span = list(range(years[0], years[1] + 1))
    year_weights = [1.0 + 0.08 * i for i in range(len(year_span))]  # a rising trend
    people: list[Person] = []
    case_no = 0
    while len(people) < n:
        case_no += 1
        size = min(n - len(people), 1 if rng.random() < 0.7 else rng.randint(2, 5))
        case = _case_context(rng, year_span, year_weights)
        for _ in range(size):
            people.append(_person(len(people) + 1, case_no, case, seed, rng))
    return people


def _case_context(
    rng: random.Random, year_span: list[int], year_weights: list[float]
) -> dict[str, object]:
    """What victims of one case share: form, citizenship, time, place."""
    form = _pick(rng, PRIMARY_FORMS)
    citizenship = _pick(rng, CITIZENSHIP_SHARES)
    year = rng.choices(year_span, weights=year_weights)[0]
    start = dt.date(year, 1, 1)
    identified_on = start + dt.timedelta(days=rng.randrange(365))
    abroad = citizenship == HOME_COUNTRY and rng.random() < 0.3
    return {
        "form": form,
        "citizenship": citizenship,
        "identified_on": identified_on,
        "country": rng.choice(ABROAD) if abroad else HOME_COUNTRY,
        "region": rng.choices(REGIONS, weights=REGION_WEIGHTS)[0],
        "months": max(0, int(rng.expovariate(1 / 10))),
    }


def _person(
    number: int, case_no: int, case: dict[str, object], seed: int, rng: random.Random
) -> Person:
    form = str(case["form"])
    citizenship = str(case["citizenship"])
    identified_on = case["identified_on"]
    assert isinstance(identified_on, dt.date)
    female = rng.random() < FEMALE_SHARE[form]
    child = rng.random() < CHILD_SHARE[form]
    age = (
        rng.choice((8, 10, 12, 13, 14, 14, 15, 15, 16, 16, 17, 17))
        if child
        else 18 + min(int(rng.gammavariate(2.0, 6.0)), 52)
    )
    born = birth_date_for_age(identified_on, age, rng)
    gender = "Feminine" if female else "Masculine"
    if rng.random() < TRANS_SHARE[form]:
        gender = rng.choice(("TransgenderFeminine", "TransgenderMasculine", "NonConforming"))
    culture = CULTURE_OF_COUNTRY[citizenship]
    pool = name_pool(culture, seed)
    given = rng.choice(pool.given_female if female else pool.given_male)
    family = rng.choice(pool.family_female if female else pool.family_male)

    groups = {form}
    if rng.random() < SECOND_FORM_SHARE:
        groups.add(_pick(rng, {"sexual": 0.4, "labour": 0.4, "other": 0.2}))
    forms = [_form_code(g, rng, child) for g in sorted(groups)]
    person = Person(
        person_id=f"P{number:07d}",
        case_no=case_no,
        gender=gender,
        sex="F" if female else "M",
        citizenship=citizenship,
        culture=culture,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        identified_on=identified_on,
        forms=forms,
        form_groups=groups,
        country_of_exploitation=str(case["country"]),
        region=str(case["region"]),
        months=int(str(case["months"])),
    )
    _add_circumstances(person, rng)
    return person


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def birth_date_for_age(on: dt.date, age: int, rng: random.Random) -> dt.date:
    """A date of birth giving exactly `age` completed years on `on`."""
    latest = shift_years(on, -age)
    earliest = shift_years(on, -age - 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def _form_code(group: str, rng: random.Random, child: bool) -> str:
    if group == "sexual":
        return "SexualExploitation"
    if group == "organ":
        return "OrganRemoval"
    if group == "labour":
        return "ChildLabour" if child and rng.random() < 0.3 else _pick(rng, LABOUR_FORMS)
    return _pick(rng, OTHER_FORMS)


def _add_circumstances(person: Person, rng: random.Random) -> None:
    if "labour" in person.form_groups:
        person.labour_sectors = [_pick(rng, LABOUR_SECTORS)]
    if "sexual" in person.form_groups:
        person.sexual_types = [_pick(rng, SEXUAL_TYPES)]
    means: list[str] = []
    for group in sorted(person.form_groups):
        means += [m for m in _pick_some(rng, MEANS_BY_FORM[group]) if m not in means]
    person.means = means
    person.recruitment = [_pick(rng, RECRUITMENT_METHODS)]
    recruiters = RECRUITERS["sexual" if "sexual" in person.form_groups else "default"]
    person.recruiter = _pick(rng, recruiters)
    if rng.random() < 0.55:
        person.phone = _phone(person.citizenship, rng)
    if rng.random() < 0.12:
        handle = _ascii_handle(person.given_name, person.culture)
        person.email = f"{handle}{rng.randint(1, 999)}@example.org"
    if person.citizenship != HOME_COUNTRY and rng.random() < 0.6:
        person.document_type = "Passport"
        person.document_number = f"{person.citizenship[:2]}{rng.randint(1000000, 9999999)}"
    elif person.citizenship == HOME_COUNTRY and rng.random() < 0.5:
        person.document_type = "NationalId"
        person.document_number = f"RX{rng.randint(100000, 999999)}"


def _phone(citizenship: str, rng: random.Random) -> str:
    prefix = DIALLING_CODES.get(citizenship, "+57")
    return f"{prefix} {rng.randint(700, 799)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _ascii_handle(name: str, culture: str) -> str:
    if culture == "ukrainian":
        name = transliterate_ukrainian(name)
    handle = "".join(ch for ch in strip_diacritics(name).lower() if ch.isascii() and ch.isalpha())
    return handle or "person"


def person_covariate_matrix(people: list[Person], names: tuple[str, ...]) -> np.ndarray:
    """people x covariates (0/1) for the capture model."""
    return np.array([[p.covariates()[c] for c in names] for p in people], dtype=float)
