"""The synthetic country: deterministic, valid, overlapping lists, truth that matches the files."""

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tiphub.standard import load_intake
from tiphub.standard.synth import SynthConfig, SyntheticCountry, generate_country, write_country
from tiphub.standard.synth.names import spelling_variant, strip_diacritics, transliterate_ukrainian
from tiphub.standard.synth.people import birth_date_for_age

AGENCIES = ["POL", "NGO", "LAB", "CHP", "ASY"]


@pytest.fixture(scope="module")
def country() -> SyntheticCountry:
    return generate_country(SynthConfig(victims=1500, seed=11))


@pytest.fixture(scope="module")
def country_dir(country: SyntheticCountry, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("country")
    write_country(country, out)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_writes_one_file_per_agency_and_the_truth(country_dir: Path) -> None:
    names = sorted(p.name for p in country_dir.iterdir())
    assert names == sorted([f"{code}.csv" for code in AGENCIES] +
                           ["truth.csv", "population.csv", "country.json"])  # fmt: skip


def test_every_agency_file_validates(country_dir: Path) -> None:
    for code in AGENCIES:
        batch = load_intake(country_dir / f"{code}.csv")
        assert batch.ok, (code, batch.report.errors[:5])
        assert batch.report.n_rows > 50


def test_same_seed_same_country_other_seed_other_country(tmp_path: Path) -> None:
    config = SynthConfig(victims=300, seed=5)
    write_country(generate_country(config), tmp_path / "a")
    write_country(generate_country(config), tmp_path / "b")
    write_country(generate_country(SynthConfig(victims=300, seed=6)), tmp_path / "c")
    for name in ("POL.csv", "truth.csv", "country.json", "population.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "POL.csv").read_bytes() != (tmp_path / "c" / "POL.csv").read_bytes()


def test_truth_covers_every_record_exactly_once(
    country_dir: Path, country: SyntheticCountry
) -> None:
    truth = read_csv(country_dir / "truth.csv")
    assert list(truth[0]) == ["agency", "record_id", "person_id"]
    truth_keys = [(row["agency"], row["record_id"]) for row in truth]
    assert len(truth_keys) == len(set(truth_keys))
    file_keys = [
        (code, row["record_id"])
        for code in AGENCIES
        for row in read_csv(country_dir / f"{code}.csv")
    ]
    assert sorted(file_keys) == sorted(truth_keys)
    people = {p.person_id for p in country.people}
    assert {row["person_id"] for row in truth} <= people
    assert len({row["person_id"] for row in truth}) == country.observed


def test_some_people_on_several_lists_many_on_one(country_dir: Path) -> None:
    lists_of: dict[str, set[str]] = defaultdict(set)
    for row in read_csv(country_dir / "truth.csv"):
        lists_of[row["person_id"]].add(row["agency"])
    sizes = Counter(len(agencies) for agencies in lists_of.values())
    assert sizes[1] > sizes[2] > 0
    assert sum(n for k, n in sizes.items() if k >= 3) > 0
    pairs = Counter(tuple(sorted(a)) for a in lists_of.values() if len(a) == 2)
    assert pairs[("NGO", "POL")] == max(pairs.values())  # police refer victims to the shelter


def test_heterogeneous_agencies(country: SyntheticCountry) -> None:
    def share(code: str, condition: str) -> float:
        seen = [p for p, hit in zip(country.people, country.captures[code], strict=True) if hit]
        return sum(p.covariates()[condition] for p in seen) / len(seen)

    assert share("CHP", "child") > 0.75
    assert share("LAB", "labour") > 0.75
    assert share("ASY", "foreign") > 0.9
    assert share("NGO", "female") > share("LAB", "female")
    all_children = sum(p.covariates()["child"] for p in country.people) / len(country.people)
    assert 0.15 < all_children < 0.45


def test_records_disagree_the_way_real_files_do(
    country_dir: Path, country: SyntheticCountry
) -> None:
    truth = {
        (r["agency"], r["record_id"]): r["person_id"] for r in read_csv(country_dir / "truth.csv")
    }
    spellings: dict[str, set[str]] = defaultdict(set)
    dobs: dict[str, set[str]] = defaultdict(set)
    n_age_only = n_records = 0
    for code in AGENCIES:
        for row in read_csv(country_dir / f"{code}.csv"):
            person = truth[(code, row["record_id"])]
            spellings[person].add(f"{row['given_name']}|{row['family_name']}")
            if row["date_of_birth"]:
                dobs[person].add(row["date_of_birth"])
            n_age_only += bool(row["age"]) and not row["date_of_birth"]
            n_records += 1
    multi = [p for p, s in spellings.items() if len(s) > 1]
    assert len(multi) > 50  # names spelt differently across agencies
    assert any(len(d) > 1 for d in dobs.values())  # swapped or mistyped dates of birth
    assert 0.05 < n_age_only / n_records < 0.4  # estimated ages where no date of birth


def test_population_by_year_sex_and_age_group(country_dir: Path) -> None:
    rows = read_csv(country_dir / "population.csv")
    assert list(rows[0]) == ["year", "sex", "age_group", "population"]
    assert {(r["sex"], r["age_group"]) for r in rows} == {
        ("F", "Y0T17"), ("M", "Y0T17"), ("F", "Y_GE18"), ("M", "Y_GE18")
    }  # fmt: skip
    assert sorted({int(r["year"]) for r in rows}) == list(range(2019, 2025))
    assert all(int(r["population"]) > 100_000 for r in rows)


def test_country_json_describes_the_country(country_dir: Path, country: SyntheticCountry) -> None:
    meta = json.loads((country_dir / "country.json").read_text())
    assert (meta["seed"], meta["N"], meta["observed"]) == (11, 1500, country.observed)
    assert [a["code"] for a in meta["agencies"]] == AGENCIES
    assert sum(meta["victims_by"]["sex"].values()) == 1500
    assert meta["capture_model"]["agencies"]["NGO"]["referred_from"] == {"POL": 1.0}
    assert meta["files"]["truth"] == "truth.csv"


@pytest.mark.parametrize(("count", "codes"), [(1, ["POL"]), (3, ["POL", "NGO", "LAB"]), (8, None)])
def test_number_of_agencies(count: int, codes: list[str] | None) -> None:
    country = generate_country(SynthConfig(victims=200, agencies=count, seed=2))
    listed = [a.code for a in country.agencies_by_display_order]
    assert len(listed) == count
    if codes:
        assert listed == codes
    for agency in country.agencies:
        assert set(agency.referred_from) <= set(listed)


@pytest.mark.parametrize(
    "config",
    [
        {"victims": 0},
        {"agencies": 0},
        {"agencies": 9},
        {"years": (2024, 2019)},
        {"years": (2020, 2999)},
    ],
)
def test_invalid_configurations_are_refused(config: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        SynthConfig(**config)  # type: ignore[arg-type]


def test_transliteration_variants() -> None:
    assert transliterate_ukrainian("Олександр") == "Oleksandr"
    assert transliterate_ukrainian("Олександр", "loose") == "Olexandr"
    assert transliterate_ukrainian("Олександр", "russian") == "Aleksandr"
    assert transliterate_ukrainian("Юлія") == "Yuliia"
    assert strip_diacritics("Nguyễn Đặng") == "Nguyen Dang"
    import random

    assert spelling_variant("Çela", "albanian", "loose", random.Random(1)) == "Cela"
    assert spelling_variant("Ștefan", "romanian", "loose", random.Random(1)) == "Ştefan"


def test_birth_dates_give_the_intended_age() -> None:
    import datetime as dt
    import random

    rng = random.Random(3)
    for on in (dt.date(2024, 2, 29), dt.date(2023, 1, 1), dt.date(2023, 12, 31)):
        for age in (0, 9, 17, 18, 45):
            born = birth_date_for_age(on, age, rng)
            assert on.year - born.year - ((on.month, on.day) < (born.month, born.day)) == age
