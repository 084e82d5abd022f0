"""Disclosure control: no small count published, none recoverable, proven by the LP audit.

The property test builds random tables (two additive dimensions and one multi-valued one, with
totals), runs the publish gate, then attacks the output with an *independent* attacker that
only does what a reader can: subtract published figures along the tables' sums, over and over.
"""

import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiphub.disclosure.audit import audit
from tiphub.disclosure.constraints import build_relations
from tiphub.disclosure.release import protect
from tiphub.disclosure.suppression import Policy

DIMS = {"sex": True, "age": True}


def _table(counts: dict[tuple[str, str], int], year: int = 2024) -> pd.DataFrame:
    """sex x age cells with all margins (cells with 0 are absent, as GROUP BY gives them)."""
    rows = []
    sexes = sorted({s for s, _ in counts})
    ages = sorted({a for _, a in counts})
    for s_opt in [*sexes, "_T"]:
        for a_opt in [*ages, "_T"]:
            v = sum(n for (s, a), n in counts.items() if s_opt in (s, "_T") and a_opt in (a, "_T"))
            if v:
                rows.append({"year": year, "sex": s_opt, "age": a_opt, "value": v})
    return pd.DataFrame(rows)


def subtraction_attack(table: pd.DataFrame, dims: list[str]) -> dict[int, float]:
    """Recover hidden cells by repeated subtraction along totals (independent of our audit)."""
    key = ["year", *dims]
    known = {i: float(v) for i, v in enumerate(table["value"]) if pd.notna(v)}
    index = {tuple(r): i for i, r in enumerate(table[key].astype(str).itertuples(index=False))}
    equations = []
    for d in dims:
        groups: dict[int, list[int]] = {}
        for i, r in enumerate(table[key].astype(str).itertuples(index=False)):
            if getattr(r, d) == "_T":
                continue
            parent = tuple("_T" if k == d else getattr(r, k) for k in key)
            if parent in index:
                groups.setdefault(index[parent], []).append(i)
        equations += list(groups.items())
    recovered: dict[int, float] = {}
    changed = True
    while changed:
        changed = False
        for parent, kids in equations:
            members = [parent, *kids]
            unknown = [m for m in members if m not in known]
            if len(unknown) != 1:
                continue
            u = unknown[0]
            kids_sum = sum(known[k] for k in kids if k in known)
            known[u] = kids_sum if u == parent else known[parent] - kids_sum
            recovered[u] = known[u]
            changed = True
    return recovered


counts_strategy = st.dictionaries(
    st.tuples(st.sampled_from(["F", "M", "_U"]), st.sampled_from(["Y0T17", "Y_GE18", "_U"])),
    st.integers(min_value=1, max_value=40),
    min_size=1,
    max_size=9,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=counts_strategy,
    min_cell=st.sampled_from([3, 5, 11]),
    method=st.sampled_from(["optimal", "greedy"]),
)
def test_no_small_count_published_and_none_recoverable(
    counts: dict[tuple[str, str], int], min_cell: int, method: str
) -> None:
    table = _table(counts)
    result = protect(table, DIMS, Policy(min_cell=min_cell, method=method))
    pub = result.published()
    shown = pub["value"].dropna()
    assert not ((shown >= 1) & (shown < min_cell)).any()
    hidden_true = {
        i: int(v)
        for i, (v, s) in enumerate(
            zip(table.sort_values(["year", *DIMS])["value"], result.table["status"], strict=True)
        )
        if s != "published"
    }
    recovered = subtraction_attack(pub.rename(columns={}), list(DIMS))
    # Map back: `pub` has withdrawn rows removed, so compare by key.
    keyed = pub.reset_index(drop=True)
    for i, _value in recovered.items():
        row = keyed.iloc[i]
        truth = table[(table["sex"] == row["sex"]) & (table["age"] == row["age"])]["value"].iloc[0]
        assert not (1 <= truth < min_cell), f"small cell {row['sex']}/{row['age']} recovered"
    assert result.report["audit"]["passed"]
    assert len(hidden_true) == sum(1 for s in result.table["status"] if s != "published")


def test_single_small_cell_gets_a_partner_and_the_audit_proves_it() -> None:
    table = _table(
        {("F", "Y0T17"): 3, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 20, ("M", "Y_GE18"): 30}
    )
    result = protect(table, DIMS, Policy(min_cell=5))
    status = dict(
        zip(
            zip(result.table["sex"], result.table["age"], strict=True),
            result.table["status"],
            strict=True,
        )
    )
    assert status[("F", "Y0T17")] == "primary"
    assert sum(s == "secondary" for s in status.values()) >= 3  # a rectangle is needed
    assert status[("_T", "_T")] == "published"
    intervals = result.report["audit"]["intervals"]
    assert intervals
    assert all(iv["high"] - iv["low"] >= 2 for iv in intervals)
    assert result.table.loc[result.table["status"] == "primary", "display"].tolist() == ["<5"]


def test_structurally_pinned_cells_are_withdrawn() -> None:
    # Total 4 split into 4 ones: with "<5" labels every part is pinned to 1.
    rows = [{"year": 2024, "sex": "_T", "age": "_T", "value": 4}] + [
        {"year": 2024, "sex": s, "age": "_T", "value": 1} for s in ("A", "B", "C", "D")
    ]
    result = protect(pd.DataFrame(rows), DIMS, Policy(min_cell=5))
    assert "withdrawn" in set(result.table["status"])
    assert result.report["audit"]["passed"]


def test_audit_detects_an_unprotected_release() -> None:
    table = _table(
        {("F", "Y0T17"): 3, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 20, ("M", "Y_GE18"): 30}
    )
    table = table.sort_values(["year", *DIMS]).reset_index(drop=True)
    relations = build_relations(table, DIMS)
    status = ["primary" if 0 < v < 5 else "published" for v in table["value"]]
    intervals = audit(list(table["value"]), status, relations, 5)
    assert [iv.width for iv in intervals.values()] == [0.0]  # recoverable by subtraction


def test_multi_valued_dimension_gives_bounds_not_sums() -> None:
    rows = [
        {"year": 2024, "form": "_T", "sex": "_T", "value": 10},
        {"year": 2024, "form": "a", "sex": "_T", "value": 8},
        {"year": 2024, "form": "b", "sex": "_T", "value": 6},
    ]
    relations = build_relations(pd.DataFrame(rows), {"form": False, "sex": True})
    assert len(relations) == 1
    assert not relations[0].equality


def test_unknown_method_and_bad_time_limit_are_refused() -> None:
    with pytest.raises(ValueError, match="method must be one of optimal, greedy"):
        Policy(method="hypercube")
    with pytest.raises(ValueError, match="time_limit must be positive"):
        Policy(time_limit=0)


def test_out_of_time_optimisation_is_completed_by_the_greedy_step() -> None:
    # A time limit too short for any MILP: the pattern must still be safe (greedy completion).
    table = _table({("F", "Y0T17"): 3, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 2, ("M", "Y_GE18"): 30})
    result = protect(table, DIMS, Policy(min_cell=5, time_limit=1e-9))
    assert result.report["audit"]["passed"]
    assert result.report["secondary"]["groups_unfinished"] == 1
    assert not result.report["secondary"]["proven_optimal"]
    assert result.report["secondary"]["greedy_rounds"] >= 1


@pytest.mark.parametrize("bad", [0, 1, 2])
def test_threshold_below_three_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="min_cell must be at least 3"):
        Policy(min_cell=bad)


def test_required_width_grows_with_the_threshold() -> None:
    assert Policy(min_cell=5).required_width == 2
    assert Policy(min_cell=11).required_width == 5
    assert Policy(min_cell=3).required_width == 1


def test_cells_combinations_helper_is_consistent() -> None:
    # every pair of options appears once in the synthetic table helper
    t = _table(dict.fromkeys(itertools.product(["F", "M"], ["A", "B"]), 5))
    assert int(t[(t.sex == "_T") & (t.age == "_T")]["value"].iloc[0]) == 20
