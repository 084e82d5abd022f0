"""The synthetic country: true victims, the agencies that see some of them, and their files.

`generate_country(SynthConfig(...))` builds everything in memory (deterministic for a seed);
`write_country(country, out_dir)` writes:

- `<CODE>.csv` per agency: intake files that validate with `load_intake`;
- `truth.csv` (agency, record_id, person_id): which records are the same person;
- `population.csv` (year, sex, age_group, population): for SDG 16.2.2 rates;
- `country.json`: seed, N, agencies, capture-model parameters and true counts by stratum.

The capture model is described in `tiphub.standard.synth.agencies`; the people in
`tiphub.standard.synth.people`; the recording noise in `tiphub.standard.synth.recording`.
"""

import csv
import datetime as dt
import json
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tiphub import __version__
from tiphub.standard.dictionary import intake_fields
from tiphub.standard.synth.agencies import (
    COVARIATES,
    DEFAULT_AGENCIES,
    DISPLAY_ORDER,
    MAX_AGENCIES,
    AgencyProfile,
    select_agencies,
)
from tiphub.standard.synth.people import (
    HOME_COUNTRY,
    Person,
    generate_people,
    person_covariate_matrix,
)
from tiphub.standard.synth.recording import agency_record

__all__ = [
    "DEFAULT_AGENCIES",
    "MAX_AGENCIES",
    "SynthConfig",
    "SyntheticCountry",
    "generate_country",
    "write_country",
]

# Days between the person's first identification and an agency's own registration.
REGISTRATION_LAG_DAYS = {"POL": 20, "NGO": 60, "LAB": 10, "CHP": 30, "ASY": 120}
DEFAULT_LAG_DAYS = 60
POPULATION_CHILD_SHARE = 0.18
POPULATION_FEMALE_SHARE = {"Y0T17": 0.487, "Y_GE18": 0.520}
POPULATION_ANNUAL_CHANGE = -0.006


@dataclass(frozen=True)
class SynthConfig:
    """Parameters of a synthetic country (all recorded in country.json)."""

    victims: int = 2000
    agencies: int = DEFAULT_AGENCIES
    seed: int = 1
    years: tuple[int, int] = (2019, 2024)
    visibility_sd: float = 0.2  # unobserved heterogeneity shared by all agencies (logit scale)
    duplicate_rate: float = 0.02  # a person registered twice by the same agency
    population: int = 19_000_000  # resident population in the first year

    def __post_init__(self) -> None:
        if self.victims < 1:
            raise ValueError("the synthetic country needs at least one victim")
        if not 1 <= self.agencies <= MAX_AGENCIES:
            raise ValueError(f"the synthetic country has 1 to {MAX_AGENCIES} agencies")
        if self.years[0] > self.years[1] or self.years[0] < 1950:
            raise ValueError("years must be (first, last) with first <= last")
        if self.years[1] > dt.date.today().year:
            raise ValueError("the last year cannot be in the future")


@dataclass
class SyntheticCountry:
    config: SynthConfig
    agencies: tuple[AgencyProfile, ...]
    people: list[Person]
    captures: dict[str, np.ndarray]  # agency code -> bool per person
    records: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    truth: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def agencies_by_display_order(self) -> list[AgencyProfile]:
        """Police, shelter, labour inspectorate, child protection, asylum office, ..."""
        return sorted(self.agencies, key=lambda a: DISPLAY_ORDER.index(a.code))

    @property
    def observed(self) -> int:
        """Number of distinct victims on at least one agency's list."""
        return int(np.any(np.column_stack(list(self.captures.values())), axis=1).sum())


def generate_country(config: SynthConfig) -> SyntheticCountry:
    """Build the country in memory; the same config always gives the same country."""
    rng = random.Random(config.seed)
    np_rng = np.random.default_rng(config.seed)
    agencies = select_agencies(config.agencies)
    people = generate_people(config.victims, config.years, config.seed, rng)
    captures = _capture(people, agencies, config.visibility_sd, np_rng)
    country = SyntheticCountry(config, agencies, people, captures)
    _record(country, rng)
    return country


def _capture(
    people: list[Person],
    agencies: tuple[AgencyProfile, ...],
    visibility_sd: float,
    np_rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    covariates = person_covariate_matrix(people, COVARIATES)
    visibility = np_rng.standard_normal(len(people)) * visibility_sd
    captured: dict[str, np.ndarray] = {}
    for agency in agencies:
        beta = np.array([agency.effects.get(name, 0.0) for name in COVARIATES])
        eta = agency.base + covariates @ beta + visibility
        for source, gamma in agency.referred_from.items():
            eta = eta + gamma * captured[source]
        probability = 1.0 / (1.0 + np.exp(-eta))
        captured[agency.code] = np_rng.random(len(people)) < probability
    return captured


def _last_day(config: SynthConfig) -> dt.date:
    return min(dt.date(config.years[1], 12, 31), dt.date.today())


def _record(country: SyntheticCountry, rng: random.Random) -> None:
    last_day = _last_day(country.config)
    for agency in country.agencies:
        lag = REGISTRATION_LAG_DAYS.get(agency.code, DEFAULT_LAG_DAYS)
        seen: list[tuple[dt.date, Person]] = []
        for index in np.flatnonzero(country.captures[agency.code]):
            person = country.people[int(index)]
            day = min(person.identified_on + dt.timedelta(days=rng.randrange(lag + 1)), last_day)
            seen.append((day, person))
            if rng.random() < country.config.duplicate_rate:
                again = min(day + dt.timedelta(days=rng.randrange(30, 300)), last_day)
                seen.append((again, person))
        seen.sort(key=lambda item: (item[0], item[1].person_id))
        rows = []
        for seq, (day, person) in enumerate(seen, start=1):
            record_id = agency.record_id_format.format(code=agency.code, year=day.year, seq=seq)
            rows.append(agency_record(person, agency, day, record_id, rng))
            country.truth.append((agency.code, record_id, person.person_id))
        country.records[agency.code] = rows


# --- writing --------------------------------------------------------------------------------


def write_country(country: SyntheticCountry, out_dir: Path) -> list[Path]:
    """Write the agency files, truth, population and country.json; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    columns = intake_fields().names
    written = []
    for agency in country.agencies_by_display_order:
        path = out_dir / f"{agency.code}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="", lineterminator="\n")
            writer.writeheader()
            writer.writerows(country.records[agency.code])
        written.append(path)
    written.append(
        _write_rows(out_dir / "truth.csv", ("agency", "record_id", "person_id"), country.truth)
    )
    written.append(
        _write_rows(
            out_dir / "population.csv",
            ("year", "sex", "age_group", "population"),
            population_rows(country.config),
        )
    )
    metadata = out_dir / "country.json"
    metadata.write_text(json.dumps(country_metadata(country), indent=2) + "\n", encoding="utf-8")
    written.append(metadata)
    return written


def _write_rows(path: Path, header: tuple[str, ...], rows: Any) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def population_rows(config: SynthConfig) -> list[tuple[int, str, str, int]]:
    """Resident population by year, SDMX sex (F, M) and age group (Y0T17, Y_GE18)."""
    rows = []
    for offset, year in enumerate(range(config.years[0], config.years[1] + 1)):
        total = config.population * (1 + POPULATION_ANNUAL_CHANGE) ** offset
        for age_group, share in (
            ("Y0T17", POPULATION_CHILD_SHARE),
            ("Y_GE18", 1 - POPULATION_CHILD_SHARE),
        ):
            female = POPULATION_FEMALE_SHARE[age_group]
            rows.append((year, "F", age_group, round(total * share * female)))
            rows.append((year, "M", age_group, round(total * share * (1 - female))))
    return rows


def country_metadata(country: SyntheticCountry) -> dict[str, Any]:
    """What country.json says: how the country was made and its true counts."""
    people = country.people
    by_agency = Counter(agency for agency, _, _ in country.truth)
    return {
        "generator": "tiphub.standard.synth",
        "tiphub_version": __version__,
        "seed": country.config.seed,
        "N": len(people),
        "observed": country.observed,
        "years": list(country.config.years),
        "home_country": HOME_COUNTRY,
        "config": asdict(country.config),
        "agencies": [
            {
                "code": agency.code,
                "name": agency.name,
                "kind": agency.kind,
                "file": f"{agency.code}.csv",
                "records": by_agency[agency.code],
                "persons": int(country.captures[agency.code].sum()),
            }
            for agency in country.agencies_by_display_order
        ],
        "capture_model": {
            "formula": (
                "logit p(agency a identifies person i) = base_a + sum_c effects_ac * x_ic "
                "+ sum_b referred_from_ab * captured_bi + visibility_sd * u_i, u_i ~ N(0, 1)"
            ),
            "covariates": list(COVARIATES),
            "visibility_sd": country.config.visibility_sd,
            "duplicate_rate": country.config.duplicate_rate,
            "agencies": {
                a.code: {"base": a.base, "effects": a.effects, "referred_from": a.referred_from}
                for a in country.agencies
            },
        },
        "victims_by": {
            "sex": dict(sorted(Counter(p.sex for p in people).items())),
            "gender": dict(sorted(Counter(p.gender for p in people).items())),
            "age_group": dict(
                sorted(Counter("Y0T17" if p.age < 18 else "Y_GE18" for p in people).items())
            ),
            "year": {
                str(k): v for k, v in sorted(Counter(p.identified_on.year for p in people).items())
            },
            "form": dict(sorted(Counter(g for p in people for g in p.form_groups).items())),
        },
        "files": {
            "truth": "truth.csv",
            "population": "population.csv",
            "agencies": [f"{a.code}.csv" for a in country.agencies_by_display_order],
        },
    }
