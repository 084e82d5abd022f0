"""Family tracing: find candidate matches for the people a tracing request seeks.

The search compares the sought persons (encrypted on the request) with the identities of other
cases and with the sought persons of other tracing requests (a parent looking for a child),
across agencies, and stores only candidate ids and scores on the request: the user sees that a
possible match exists and asks its owner for access (a referral); no other agency's identity is
shown. Every search is audited (`record.search`, with the number of candidates, never names).

The scoring sits behind the `Matcher` protocol. `tiphub.linkage` (keyed Bloom-filter encodings,
Splink) is to provide the production matcher once it is on `main`; until then `NameDateMatcher`
scores normalised names with a string similarity and birth dates/years.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from difflib import SequenceMatcher
from typing import Any, Protocol

from tiphub.web.audit.services import record_event
from tiphub.web.casework import models as m
from tiphub.web.casework.sealing import unseal
from tiphub.web.crypto import normalise_name


class Matcher(Protocol):
    def score(self, sought: Mapping[str, str], candidate: Mapping[str, str]) -> float:
        """Similarity in [0, 1] of a sought person and a candidate identity."""


class NameDateMatcher:
    """Interim matcher: name similarity (given and family name, word order ignored) and the
    date or year of birth. Weights: names 0.8, birth 0.2; a birth year that differs by more than
    two years halves the score (ages of separated children are often estimated)."""

    def score(self, sought: Mapping[str, str], candidate: Mapping[str, str]) -> float:
        name_a = _name(sought)
        name_b = _name(candidate)
        if not name_a or not name_b:
            return 0.0
        names = SequenceMatcher(None, name_a, name_b).ratio()
        year_a, year_b = _year(sought), _year(candidate)
        if year_a is None or year_b is None:
            return round(0.8 * names, 3)
        birth = 1.0 if year_a == year_b else max(0.0, 1 - abs(year_a - year_b) / 3)
        score = 0.8 * names + 0.2 * birth
        if abs(year_a - year_b) > 2:
            score /= 2
        return round(score, 3)


def _name(person: Mapping[str, str]) -> str:
    parts = f"{person.get('given_name', '')} {person.get('family_name', '')}"
    return normalise_name(parts, sort_words=True)


def _year(person: Mapping[str, str]) -> int | None:
    raw = person.get("date_of_birth") or person.get("birth_year") or ""
    try:
        return int(str(raw)[:4])
    except ValueError:
        return None


def _candidates(tracing: m.TracingRequest) -> Iterator[tuple[str, dict[str, str]]]:
    for case in m.Case.objects.exclude(pk=tracing.case_id).exclude(identity_ct__isnull=True):
        yield f"case:{case.pk}", unseal(case, "identity")
    others = m.TracingRequest.objects.exclude(pk=tracing.pk).exclude(sought_ct__isnull=True)
    for other in others:
        yield f"tracing:{other.pk}", unseal(other, "sought")


def find_matches(
    user: Any,
    tracing: m.TracingRequest,
    *,
    matcher: Matcher | None = None,
    threshold: float = 0.75,
) -> list[dict[str, Any]]:
    """Score every candidate, keep those at or above `threshold`, store them on the request."""
    from tiphub.web.casework.services import _require

    _require(user, "case.edit", tracing.case, shared_ok=True)
    matcher = matcher or NameDateMatcher()
    sought = unseal(tracing, "sought")
    scored: list[tuple[float, str]] = []
    for ref, identity in _candidates(tracing):
        score = matcher.score(sought, identity)
        if score >= threshold:
            scored.append((score, ref))
    scored.sort(key=lambda pair: -pair[0])
    top = scored[0][0] if scored else 0.0
    # Primero's labels: "likely" when alone or the best, else "possible"
    found: list[dict[str, Any]] = [
        {"candidate": ref, "score": score,
         "likelihood": "likely" if len(scored) == 1 or score >= top else "possible"}
        for score, ref in scored
    ]  # fmt: skip
    m.TracingRequest.objects.filter(pk=tracing.pk).update(matches=found)
    tracing.matches = found
    record_event(
        user,
        "record.search",
        tracing.case,
        purpose="family tracing",
        details={"tracing": tracing.pk, "candidates": len(found)},
    )
    return found
