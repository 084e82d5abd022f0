"""Tracing searches on a synthetic country: the data that fits and checks `tiphub.linkage.search`.

A family describes the person it seeks in its own way: the name as spelt at home (a Ukrainian
family writes Cyrillic), a year of birth or an age more often than a full date. The agencies of
the synthetic country (`tiphub.standard.synth`) recorded the same person with their own habits:
transliterations, dropped diacritics, typos, swapped given and family names, estimated ages,
day and month swapped. `tracing_set` pairs the two: one description per person (the query) and
every agency record (the candidates), with the truth.

    python -m tiphub.linkage.search_synth fit --seed 7 \
        --out src/tiphub/linkage/data/search_weights.json
    python -m tiphub.linkage.search_synth evaluate --seed 11

`fit` measures the level weights on one country (m from description/record pairs of the same
person, u from pairs of different people); `evaluate` reports, on another country, how often the
true person comes first (recall at 1) and among the first five.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii

from tiphub.linkage.search import Person, Weights, fit_weights, rank
from tiphub.standard.synth import SynthConfig, generate_country
from tiphub.standard.synth import people as synth_people


@dataclass(frozen=True)
class TracingSet:
    queries: list[tuple[str, Person]]  # (person id, the family's description)
    candidates: list[tuple[str, Person]]  # (agency:record_id, the record)
    truth: dict[str, str]  # candidate key -> person id


def record_facts(row: dict[str, str]) -> dict[str, str]:
    """An intake row as the matcher reads it: the year of birth is estimated from an age."""
    year = ""
    if not row.get("date_of_birth") and row.get("age") and row.get("identification_date"):
        year = str(int(row["identification_date"][:4]) - int(row["age"]))
    return {
        "given_name": row.get("given_name", ""),
        "family_name": row.get("family_name", ""),
        "date_of_birth": row.get("date_of_birth", ""),
        "birth_year": year,
        "gender": row.get("gender", ""),
        "citizenship": row.get("citizenship", ""),
    }


def describe(person: synth_people.Person, rng: random.Random) -> dict[str, str]:
    """What a relative tells a caseworker: names as written at home (or romanised by the
    caseworker), sometimes swapped; a full date, a year, an age, or nothing."""
    given, family = person.given_name, person.family_name
    if rng.random() < 0.5:  # written down by the caseworker in Latin letters
        given, family = anyascii(given), anyascii(family)
    if rng.random() < 0.05:
        given, family = family, given
    if rng.random() < 0.1:
        given = ""  # the family name only (a sibling's name forgotten, a nickname...)
    told = rng.random()
    born = person.date_of_birth
    date_of_birth, birth_year = "", ""
    if told < 0.35:
        date_of_birth = born.isoformat()
    elif told < 0.65:
        date_of_birth = str(born.year)
    elif told < 0.9:
        birth_year = str(born.year + rng.choice((-2, -1, 0, 0, 0, 1, 2)))
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": date_of_birth,
        "birth_year": birth_year,
        "sex": person.sex,
        "citizenship": person.citizenship if rng.random() < 0.8 else "",
    }


def tracing_set(victims: int, seed: int) -> TracingSet:
    """One description per recorded person, and every record of every agency as candidates."""
    country = generate_country(SynthConfig(victims=victims, seed=seed, years=(2019, 2024)))
    rng = random.Random(seed * 7919)
    by_id = {p.person_id: p for p in country.people}
    truth = {f"{a}:{r}": p for a, r, p in country.truth}
    candidates = [
        (f"{code}:{row['record_id']}", Person.of(record_facts(row)))
        for code, rows in country.records.items()
        for row in rows
    ]
    seen = sorted(set(truth.values()))
    queries = [(pid, Person.of(describe(by_id[pid], rng))) for pid in seen]
    return TracingSet(queries, candidates, truth)


def labelled_pairs(
    data: TracingSet, non_matches: int, seed: int
) -> tuple[list[tuple[Person, Person]], list[tuple[Person, Person]]]:
    rng = random.Random(seed)
    records_of: dict[str, list[Person]] = {}
    for key, person in data.candidates:
        records_of.setdefault(data.truth[key], []).append(person)
    matches = [(q, r) for pid, q in data.queries for r in records_of.get(pid, [])]
    others: list[tuple[Person, Person]] = []
    while len(others) < non_matches:
        pid, query = rng.choice(data.queries)
        key, record = rng.choice(data.candidates)
        if data.truth[key] != pid:
            others.append((query, record))
    return matches, others


def fit(victims: int = 3000, seed: int = 7, non_matches: int = 200_000) -> Weights:
    data = tracing_set(victims, seed)
    matches, others = labelled_pairs(data, non_matches, seed)
    source = (
        f"python -m tiphub.linkage.search_synth fit --victims {victims} --seed {seed} "
        f"({len(matches)} same-person pairs, {len(others)} random pairs)"
    )
    return fit_weights(matches, others, source=source)


@dataclass(frozen=True)
class Quality:
    queries: int
    found_first: int
    found_in_five: int
    not_listed: int

    @property
    def recall_at_1(self) -> float:
        return self.found_first / self.queries

    @property
    def recall_at_5(self) -> float:
        return self.found_in_five / self.queries


def evaluate(data: TracingSet, *, weights: Weights | None = None, sample: int | None = None,
             seed: int = 1) -> Quality:  # fmt: skip
    """Search each description among all records: is one of the person's records first?"""
    queries = data.queries
    if sample is not None and sample < len(queries):
        queries = random.Random(seed).sample(queries, sample)
    first = five = missing = 0
    for pid, query in queries:
        found = rank(query, data.candidates, weights=weights, limit=5)
        hits = [data.truth[m.key] == pid for m in found]
        first += bool(hits and hits[0])
        five += any(hits)
        missing += not any(hits)
    return Quality(len(queries), first, five, missing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tiphub.linkage.search_synth")
    parser.add_argument("command", choices=("fit", "evaluate"))
    parser.add_argument("--victims", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    started = dt.datetime.now()
    if args.command == "fit":
        weights = fit(args.victims, args.seed)
        text = weights.to_json() + "\n"
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    quality = evaluate(tracing_set(args.victims, args.seed), sample=args.sample)
    seconds = (dt.datetime.now() - started).total_seconds()
    print(
        f"{quality.queries} searches: recall@1 {quality.recall_at_1:.3f}, "
        f"recall@5 {quality.recall_at_5:.3f}, not listed {quality.not_listed} ({seconds:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
