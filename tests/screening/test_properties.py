"""Properties that must hold for every screening, checked on generated cases (hypothesis)."""

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiphub.screening import InputError, Screener, default_catalogue, parse_person

CATALOGUE = default_catalogue()
SCREENER = Screener()
MONOTONE = ("trafficking", "forced_labour", "presumed_victim")
ICLS_IDS = sorted(CATALOGUE.icls_elements)
FACTS = sorted(CATALOGUE.facts)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.sampled_from(CATALOGUE.sets))
    ids = sorted(i.id for i in CATALOGUE.set_indicators(chosen.code))
    pool = ids + ICLS_IDS + ["OR-01", "FC-03"]
    present = draw(st.lists(st.sampled_from(pool), unique=True, max_size=14))
    unknown = draw(
        st.lists(st.sampled_from([i for i in ids if i not in present]), unique=True, max_size=4)
    )
    context = draw(st.dictionaries(st.sampled_from(FACTS), st.sampled_from([True, False, None])))
    age = draw(st.one_of(st.none(), st.integers(0, 90)))
    return {
        "age": age,
        "set": chosen.key,
        "indicators": present,
        "unknown": unknown,
        "context": context,
    }


@SETTINGS
@given(people(), st.data())
def test_adding_an_indicator_never_withdraws_a_yes(
    person: dict[str, Any], data: st.DataObject
) -> None:
    """The trafficking, forced-labour and presumed-victim rules are monotone in the evidence."""
    chosen = CATALOGUE.indicator_set(person["set"])
    candidates = [
        i.id
        for i in CATALOGUE.set_indicators(chosen.code)
        if i.id not in person["indicators"] and i.id not in person["unknown"]
    ] + [i for i in ICLS_IDS if i not in person["indicators"]]
    extra = data.draw(st.sampled_from(candidates))
    before = SCREENER.screen(person)
    after = SCREENER.screen({**person, "indicators": [*person["indicators"], extra]})
    for name in MONOTONE:
        if before.verdict(name) == "yes":
            assert after.verdict(name) == "yes", (name, extra)


@SETTINGS
@given(people(), st.booleans())
def test_a_decided_verdict_does_not_depend_on_what_was_not_assessed(
    person: dict[str, Any], resolve_present: bool
) -> None:
    """Whatever the unassessed items turn out to be, a yes or a no stays as it was."""
    before = SCREENER.screen(person)
    if resolve_present:
        resolved = {**person, "indicators": person["indicators"] + person["unknown"], "unknown": []}
    else:
        resolved = {**person, "unknown": []}
    after = SCREENER.screen(resolved)
    for name in before.outcomes:
        if before.verdict(name) != "insufficient":
            assert after.verdict(name) == before.verdict(name), name


@SETTINGS
@given(people())
def test_outcomes_are_consistent_and_explained(person: dict[str, Any]) -> None:
    result = SCREENER.screen(person)
    if result.verdict("trafficking") == "yes":
        assert result.verdict("presumed_victim") == "yes"
    for name, outcome in result.outcomes.items():
        assert outcome.reasons, name
        if outcome.verdict is True:
            assert outcome.missing == [], name
        if outcome.verdict is None:
            assert outcome.missing, f"{name} is insufficient but nothing is said to be missing"
    data = result.to_dict()
    assert set(data["outcomes"]) == {"trafficking", "forced_labour", "smuggling", "presumed_victim"}
    for outcome in data["outcomes"].values():
        assert outcome["verdict"] in ("yes", "no", "insufficient")
        assert all(isinstance(r, str) for r in outcome["reasons"])
    assert all(isinstance(m, str) for m in data["missing"])
    json.dumps(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    ["id", "age", "is_child", "set", "indicators", "unknown", "context", "other"]
)


@settings(max_examples=200, deadline=None)
@given(json_values | st.dictionaries(keys, json_values, max_size=7))
def test_arbitrary_json_is_accepted_or_refused_with_a_reason(value: Any) -> None:
    problems = None
    try:
        person = parse_person(value, CATALOGUE)
    except InputError as exc:
        problems = exc.problems
    else:
        SCREENER.screen(person)
    if problems is not None:
        assert problems
        assert all(p.field and p.message for p in problems)
