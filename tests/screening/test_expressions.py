"""The condition language: grammar, three-valued logic, explanations."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiphub.screening.expressions import (
    And,
    Const,
    ExpressionError,
    Name,
    Not,
    Or,
    decisive_names,
    evaluate,
    names,
    parse,
    render,
)

NAMES = ["a", "b", "c"]


def values(**kw: bool | None):
    return lambda name: kw[name]


def test_precedence_and_binds_tighter_than_or() -> None:
    assert parse("a OR b AND c") == Or((Name("a"), And((Name("b"), Name("c")))))
    assert parse("NOT a AND (b OR c)") == And((Not(Name("a")), Or((Name("b"), Name("c")))))
    assert parse("TRUE") == Const(True)


@pytest.mark.parametrize("text", ["", "a AND", "(a OR b", "a b", "AND a", "a OR )", "a & b", "NOT"])
def test_malformed_conditions_are_refused(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text)


def test_kleene_truth_tables() -> None:
    conj, disj = parse("a AND b"), parse("a OR b")
    assert evaluate(conj, values(a=False, b=None)) is False
    assert evaluate(conj, values(a=True, b=None)) is None
    assert evaluate(disj, values(a=True, b=None)) is True
    assert evaluate(disj, values(a=False, b=None)) is None
    assert evaluate(parse("NOT a"), values(a=None)) is None


def test_decisive_names_explain_the_value() -> None:
    expr = parse("a AND (b OR c)")
    assert decisive_names(expr, values(a=True, b=False, c=True)) == ["a", "c"]
    assert decisive_names(expr, values(a=False, b=True, c=True)) == ["a"]
    assert decisive_names(expr, values(a=True, b=None, c=False)) == ["b"]
    assert decisive_names(parse("a OR b"), values(a=False, b=False)) == ["a", "b"]


exprs = st.recursive(
    st.sampled_from(NAMES).map(Name) | st.booleans().map(Const),
    lambda inner: (
        inner.map(Not)
        | st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs)))
        | st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs)))
    ),
    max_leaves=8,
)
tri = st.sampled_from([True, False, None])


@given(exprs)
def test_render_then_parse_gives_the_same_function(expr) -> None:
    again = parse(render(expr))
    for combo in itertools.product([True, False], repeat=len(NAMES)):
        env = dict(zip(NAMES, combo, strict=True))
        assert evaluate(again, env.__getitem__) == evaluate(expr, env.__getitem__)
    assert set(names(again)) == set(names(expr))


@given(exprs, st.tuples(tri, tri, tri))
def test_a_known_result_holds_for_every_completion_of_the_unknowns(expr, partial) -> None:
    """Soundness of the three-valued logic: "yes" or "no" never depends on an unknown."""
    env = dict(zip(NAMES, partial, strict=True))
    result = evaluate(expr, env.__getitem__)
    if result is None:
        return
    unknown = [n for n in NAMES if env[n] is None]
    for combo in itertools.product([True, False], repeat=len(unknown)):
        full = {**env, **dict(zip(unknown, combo, strict=True))}
        assert evaluate(expr, full.__getitem__) is result
