"""Family tracing matcher: quality and speed on a synthetic country, against the interim matcher.

Each person recorded by the synthetic country's agencies is described as a relative would
(`tiphub.linkage.search_synth.describe`: the name as written at home, often in another script,
a year or an age more often than a date) and searched among every agency record. Reported:
recall at 1 and at 5 (is one of the person's records first / among the first five) and the time
per search, for `tiphub.linkage.search` and for the interim matcher it replaced (normalised
names compared with difflib, word order ignored, birth years; reimplemented here as it was).

    .venv/bin/python bench/tracing_bench.py --victims 2000 --seed 11 --sample 300
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from difflib import SequenceMatcher

from tiphub.linkage import search
from tiphub.linkage.search_synth import evaluate, record_facts, tracing_set
from tiphub.standard.synth import SynthConfig, generate_country


def _interim_name(person: dict[str, str]) -> str:
    text = f"{person.get('given_name', '')} {person.get('family_name', '')}"
    text = unicodedata.normalize("NFKD", text.casefold())
    words = "".join(c for c in text if c.isalpha() or c.isspace()).split()
    return " ".join(sorted(words))


def _interim_year(person: dict[str, str]) -> int | None:
    raw = person.get("date_of_birth") or person.get("birth_year") or ""
    return int(raw[:4]) if raw[:4].isdigit() else None


def interim_score(sought: dict[str, str], candidate: dict[str, str]) -> float:
    """The interim NameDateMatcher: names 0.8, birth year 0.2, halved beyond two years."""
    a, b = _interim_name(sought), _interim_name(candidate)
    if not a or not b:
        return 0.0
    names = SequenceMatcher(None, a, b).ratio()
    ya, yb = _interim_year(sought), _interim_year(candidate)
    if ya is None or yb is None:
        return 0.8 * names
    score = 0.8 * names + 0.2 * (1.0 if ya == yb else max(0.0, 1 - abs(ya - yb) / 3))
    return score / 2 if abs(ya - yb) > 2 else score


def interim_recall(victims: int, seed: int, sample: int) -> tuple[float, float, float]:
    from tiphub.linkage.search_synth import describe

    country = generate_country(SynthConfig(victims=victims, seed=seed, years=(2019, 2024)))
    rng = random.Random(seed * 7919)
    by_id = {p.person_id: p for p in country.people}
    truth = {f"{a}:{r}": p for a, r, p in country.truth}
    pool = [(f"{c}:{row['record_id']}", record_facts(row))
            for c, rows in country.records.items() for row in rows]  # fmt: skip
    queries = [(pid, describe(by_id[pid], rng)) for pid in sorted(set(truth.values()))]
    queries = random.Random(1).sample(queries, min(sample, len(queries)))
    first = five = 0
    started = time.perf_counter()
    for pid, sought in queries:
        ranked = sorted(pool, key=lambda kv: -interim_score(sought, kv[1]))[:5]
        hits = [truth[key] == pid for key, _ in ranked]
        first += hits[0]
        five += any(hits)
    per_search = (time.perf_counter() - started) / len(queries)
    return first / len(queries), five / len(queries), per_search


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--victims", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sample", type=int, default=300)
    args = parser.parse_args()
    data = tracing_set(args.victims, args.seed)
    started = time.perf_counter()
    quality = evaluate(data, sample=args.sample, seed=1)
    per_search = (time.perf_counter() - started) / quality.queries
    print(f"candidates per search: {len(data.candidates)}; searches: {quality.queries}")
    print(f"weights: {search.default_weights().source}")
    print(
        f"tiphub.linkage.search: recall@1 {quality.recall_at_1:.3f}, recall@5 "
        f"{quality.recall_at_5:.3f}, {per_search * 1000:.1f} ms per search"
    )
    r1, r5, seconds = interim_recall(args.victims, args.seed, args.sample)
    print(
        f"interim matcher: recall@1 {r1:.3f}, recall@5 {r5:.3f}, {seconds * 1000:.1f} ms per search"
    )


if __name__ == "__main__":
    main()
