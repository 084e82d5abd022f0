"""Worked cases for every rule, written from the source documents.

Each case cites the rule it exercises: the ILO/EC operational definition (WCMS_105023), the
Palermo Protocol art. 3, the ICLS 2018 guidelines on forced labour, the Smuggling of Migrants
Protocol art. 3(a) and the trafficking-versus-smuggling decision table, and the documented
presumed-victim policy.
"""

from pathlib import Path
from typing import Any

import pytest

from tiphub.screening import (
    CatalogueError,
    InputError,
    RuleOptions,
    Screener,
    load_policy,
    screen,
)

# Adults / labour exploitation (AL): a complete case - deceived about the job, worked excessive
# hours for little pay, documents confiscated and debt bondage at destination.
ADULT_TRAFFICKED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


def verdicts(result: Any) -> dict[str, str]:
    return {name: result.verdict(name) for name in result.outcomes}


def missing_items(result: Any) -> list[str]:
    return [m.key for m in result.missing]


# -- ILO/EC operational definition, adults ------------------------------------------------------


def test_adult_meeting_all_three_elements_is_a_trafficking_victim() -> None:
    """ILO/EC: recruitment means (DR) + exploitation (EX) + coercion at destination (CD)."""
    result = screen({"age": 31, "set": "adults_labour", "indicators": ADULT_TRAFFICKED})
    outcome = result.outcomes["trafficking"]
    assert outcome.verdict is True
    assert outcome.rule == "TIP-ADULT"
    assert outcome.extra["purpose"] == "labour_exploitation"
    text = " ".join(outcome.reasons)
    assert "DR (Deceptive recruitment" in text
    assert "combination (b)" in text
    assert "CD (Coercion at destination) is positive" in text
    assert "combination (a)" in text
    assert "act: not recorded, but inferred from the positive recruitment dimension DR" in text
    assert outcome.missing == []


def test_adult_with_only_weak_indicators_is_not_a_victim() -> None:
    """ILO/EC dimension rule: weak indicators alone never make a dimension positive."""
    weak = ["AL-DR-10", "AL-RV-15", "AL-RV-16", "AL-EX-09", "AL-CD-15", "AL-VD-06", "AL-VD-07"]
    result = screen({"age": 34, "set": "adults_labour", "indicators": weak})
    assert verdicts(result) | {"smuggling": "-"} == {
        "trafficking": "no",
        "forced_labour": "no",
        "smuggling": "-",
        "presumed_victim": "no",
    }
    assert all(result.dimensions[c].status == "negative" for c in result.dimensions)
    # What would change it: each blocking dimension with the indicators it still needs.
    blocking = {m.key for m in result.outcomes["trafficking"].missing}
    assert {"finding.EX", "finding.CD", "finding.DR"} <= blocking
    ex_hint = next(m.text for m in result.missing if m.key == "finding.EX")
    assert "adding 1 strong indicator" in ex_hint


def test_one_strong_indicator_per_dimension_is_not_enough() -> None:
    result = screen(
        {"age": 40, "set": "adults_labour", "indicators": ["AL-DR-01", "AL-EX-01", "AL-CD-01"]}
    )
    assert result.verdict("trafficking") == "no"
    # ...but a strong coercion indicator makes a presumed victim (policy PV-4).
    assert result.verdict("presumed_victim") == "yes"
    assert "PV-4" in result.outcomes["presumed_victim"].extra["criteria_met"]


def test_abuse_of_vulnerability_counts_as_recruitment_means_by_default() -> None:
    """Open question (RV): included by default, configurable to the DR/CR reading."""
    person = {
        "age": 28,
        "set": "adults_labour",
        "indicators": [
            "AL-RV-02",
            "AL-RV-03",
            "AL-RV-04",
            "AL-EX-01",
            "AL-EX-02",
            "AL-CD-03",
            "AL-CD-04",
        ],
    }
    assert screen(person).verdict("trafficking") == "yes"
    narrow = Screener(options=RuleOptions(recruitment_dimensions=("DR", "CR")))
    result = narrow.screen(person)
    assert result.verdict("trafficking") == "no"
    assert result.verification["recruitment_dimensions"] == ["DR", "CR"]


def test_an_act_recorded_as_absent_rules_out_trafficking() -> None:
    result = screen(
        {
            "age": 31,
            "set": "adults_labour",
            "indicators": ADULT_TRAFFICKED,
            "context": {"act": False},
        }
    )
    assert result.verdict("trafficking") == "no"
    assert result.verdict("forced_labour") == "yes"


def test_an_unassessed_dimension_leaves_trafficking_open() -> None:
    result = screen(
        {
            "age": 30,
            "set": "adults_labour",
            "indicators": ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02"],
            "unknown": ["CD", "VD"],
        }
    )
    assert result.verdict("trafficking") == "insufficient"
    assert {"dimension.CD", "dimension.VD"} <= set(missing_items(result))


def test_adult_sexual_exploitation_reports_unverified_items() -> None:
    """Adults / sexual exploitation: the set is recalled, not verified; the output says so."""
    indicators = [
        "AS-DR-01",
        "AS-DR-02",
        "AS-EX-02",
        "AS-EX-03",
        "AS-EX-04",
        "AS-CD-07",
        "AS-CD-01",
    ]
    result = screen({"age": 22, "set": "adults_sexual", "indicators": indicators})
    assert result.verdict("trafficking") == "yes"
    assert result.outcomes["trafficking"].extra["purpose"] == "sexual_exploitation"
    statuses = {item["id"]: item["status"] for item in result.verification["indicators"]}
    assert statuses["AS-DR-01"] == "recalled_unverified"
    assert statuses["AS-CD-07"] == "corroborated"
    assert "(medium, recalled, unverified)" in " ".join(result.outcomes["trafficking"].reasons)


# -- children (Palermo art. 3(c)) ---------------------------------------------------------------


def test_child_without_means_is_a_trafficking_victim() -> None:
    """A child recruited and exploited: no means needed (Palermo art. 3(c))."""
    result = screen(
        {
            "age": 15,
            "set": "children_labour",
            "indicators": ["CL-EX-01", "CL-EX-02"],
            "context": {"act": True},
        }
    )
    assert result.verdict("trafficking") == "yes"
    assert result.outcomes["trafficking"].rule == "TIP-CHILD"
    assert all(result.dimensions[c].status == "negative" for c in ("DR", "CR", "RV", "CD", "VD"))
    # Trafficking of a child is a worst form of child labour: ICLS children's category (d).
    assert result.verdict("forced_labour") == "yes"
    assert "trafficking: yes" in " ".join(result.outcomes["forced_labour"].reasons)
    assert result.verdict("presumed_victim") == "yes"
    assert {"PV-1", "PV-2"} <= set(result.outcomes["presumed_victim"].extra["criteria_met"])


def test_child_exploited_but_act_unknown_is_insufficient() -> None:
    result = screen(
        {"is_child": True, "set": "children_labour", "indicators": ["CL-EX-01", "CL-EX-02"]}
    )
    assert result.verdict("trafficking") == "insufficient"
    assert result.verdict("presumed_victim") == "insufficient"
    assert "context.act" in missing_items(result)


def test_child_moved_for_exploitation_before_it_started() -> None:
    """The purpose of exploitation suffices; it need not have happened yet."""
    result = screen(
        {
            "age": 13,
            "set": "children_sexual",
            "context": {"act": True, "exploitative_purpose": True},
        }
    )
    assert result.verdict("trafficking") == "yes"
    assert result.verdict("presumed_victim") == "yes"


def test_age_unknown_when_the_rules_differ_asks_for_age() -> None:
    result = screen(
        {"set": "adults_labour", "indicators": ["AL-EX-01", "AL-EX-02"], "context": {"act": True}}
    )
    # As a child: act + exploitation = trafficking; as an adult: no means, no trafficking.
    assert result.verdict("trafficking") == "insufficient"
    assert missing_items(result)[0] == "age"
    reasons = result.outcomes["trafficking"].reasons
    assert reasons[0].startswith(
        "The verdict depends on the person's age: yes as a child, no as an adult"
    )


def test_age_unknown_when_the_rules_agree_decides() -> None:
    result = screen(
        {"set": "adults_labour", "indicators": ADULT_TRAFFICKED, "context": {"act": True}}
    )
    assert result.verdict("trafficking") == "yes"
    assert "age" not in missing_items(result)


# -- ICLS 2018 forced labour --------------------------------------------------------------------


def test_forced_labour_without_a_trafficking_act() -> None:
    """Involuntary work (very low wages) under menace of penalty (debt bondage), no act."""
    result = screen(
        {
            "age": 40,
            "indicators": ["ICLS-IV-e", "ICLS-TP-c"],
            "context": {"act": False, "illegal_entry": False},
        }
    )
    assert result.verdict("forced_labour") == "yes"
    assert result.verdict("trafficking") == "no"
    assert (
        result.outcomes["smuggling"].extra["classification"]
        == "labour_exploitation_or_forced_labour"
    )
    assert result.outcomes["smuggling"].extra["decision_rule"] == "ST-5"
    assert result.verdict("presumed_victim") == "yes"
    assert result.outcomes["presumed_victim"].extra["criteria_met"] == ["PV-5"]


@pytest.mark.parametrize(
    ("indicators", "context", "verdict"),
    [
        (["ICLS-IV-b"], {}, "no"),  # involuntary but no penalty
        (["ICLS-TP-a"], {}, "no"),  # a penalty but the work is not involuntary
        (["ICLS-IV-b", "ICLS-TP-a"], {"c29_exception": True}, "no"),  # C29 art. 2(2)
        (["ICLS-IV-h", "ICLS-TP-e"], {}, "yes"),
    ],
)
def test_adult_forced_labour_needs_both_elements(
    indicators: list[str], context: dict[str, bool], verdict: str
) -> None:
    assert (
        screen({"age": 35, "indicators": indicators, "context": context}).verdict("forced_labour")
        == verdict
    )


def test_unassessed_coercion_leaves_forced_labour_open() -> None:
    result = screen({"age": 35, "indicators": ["ICLS-IV-b"], "unknown": ["ICLS-TP"]})
    assert result.verdict("forced_labour") == "insufficient"
    assert "icls.TP" in missing_items(result)


def test_ilo_ec_indicators_count_through_the_documented_mapping() -> None:
    result = screen({"age": 35, "set": "adults_labour", "indicators": ["AL-EX-02", "AL-CD-02"]})
    assert result.verdict("forced_labour") == "yes"
    text = " ".join(result.outcomes["forced_labour"].reasons)
    assert "AL-CD-02" in text
    assert "counts as ICLS-TP-c via the tiphub ILO/EC-to-ICLS mapping" in text
    off = Screener(options=RuleOptions(use_icls_mapping=False)).screen(
        {"age": 35, "set": "adults_labour", "indicators": ["AL-EX-02", "AL-CD-02"]}
    )
    assert off.verdict("forced_labour") == "no"


@pytest.mark.parametrize(
    ("indicators", "context", "verdict"),
    [
        (["ICLS-CH-c"], {}, "yes"),  # parents in forced labour
        (["ICLS-CH-d"], {}, "yes"),  # worst form of child labour
        (["ICLS-TP-a"], {"penalty_by_third_party": True}, "yes"),  # categories (a)/(b)
        (["ICLS-TP-a"], {"penalty_by_third_party": False}, "no"),
        (["ICLS-TP-a"], {}, "insufficient"),
    ],
)
def test_child_forced_labour_categories(
    indicators: list[str], context: dict[str, bool], verdict: str
) -> None:
    result = screen({"age": 12, "indicators": indicators, "context": {"act": False, **context}})
    assert result.verdict("forced_labour") == verdict


def test_child_used_in_illicit_activities_is_in_forced_labour() -> None:
    """C182 art. 3(c) through the mapping: forced into illicit activities (child sets only)."""
    child = screen(
        {"age": 16, "set": "children_labour", "indicators": ["CL-CD-06"], "context": {"act": False}}
    )
    assert child.verdict("forced_labour") == "yes"
    adult = screen(
        {"age": 30, "set": "adults_labour", "indicators": ["AL-CD-06"], "context": {"act": False}}
    )
    assert adult.verdict("forced_labour") == "no"


# -- smuggling and the decision table ------------------------------------------------------------


def test_smuggling_that_turns_into_trafficking() -> None:
    """Smuggled for a fee; at destination the journey debt is enforced by confinement and the
    person is exploited: both offences (decision table ST-3)."""
    result = screen(
        {
            "age": 25,
            "set": "adults_labour",
            "indicators": [
                "AL-RV-02",
                "AL-RV-06",
                "AL-RV-14",
                "AL-EX-01",
                "AL-EX-02",
                "AL-CD-02",
                "AL-CD-03",
            ],
            "context": {"illegal_entry": True, "material_benefit": True},
        }
    )
    assert result.verdict("smuggling") == "yes"
    assert result.verdict("trafficking") == "yes"
    smuggling = result.outcomes["smuggling"]
    assert smuggling.extra["classification"] == "smuggling_then_trafficking"
    assert smuggling.extra["decision_rule"] == "ST-3"
    assert any(r.startswith("Decision table ST-3") for r in smuggling.reasons)


def test_smuggling_without_exploitation() -> None:
    result = screen(
        {
            "age": 25,
            "set": "adults_labour",
            "context": {
                "illegal_entry": True,
                "material_benefit": True,
                "act": True,
                "endangered_or_degrading_treatment": False,
            },
        }
    )
    assert result.verdict("smuggling") == "yes"
    assert result.verdict("trafficking") == "no"
    assert result.outcomes["smuggling"].extra["classification"] == "smuggling"
    assert any("Smuggled migrant" in a for a in result.outcomes["presumed_victim"].extra["advice"])


def test_smuggling_with_unknown_treatment_is_undetermined_between_rows() -> None:
    result = screen(
        {
            "age": 25,
            "set": "adults_labour",
            "context": {"illegal_entry": True, "material_benefit": True},
        }
    )
    assert result.outcomes["smuggling"].extra["classification"] is None
    assert "ST-4 aggravated_smuggling, ST-2 smuggling" in " ".join(
        result.outcomes["smuggling"].reasons
    )


def test_aggravated_smuggling() -> None:
    result = screen(
        {
            "age": 25,
            "set": "adults_labour",
            "context": {
                "illegal_entry": True,
                "material_benefit": True,
                "endangered_or_degrading_treatment": True,
            },
        }
    )
    assert result.outcomes["smuggling"].extra["classification"] == "aggravated_smuggling"


def test_help_without_material_benefit_is_not_smuggling() -> None:
    """Smuggling Protocol art. 3(a): no financial or other material benefit, no smuggling."""
    result = screen({"age": 25, "context": {"illegal_entry": True, "material_benefit": False}})
    assert result.verdict("smuggling") == "no"


def test_unknown_smuggling_facts_leave_the_classification_open() -> None:
    result = screen({"age": 31, "set": "adults_labour", "indicators": ADULT_TRAFFICKED})
    smuggling = result.outcomes["smuggling"]
    assert smuggling.verdict is None
    assert smuggling.extra["classification"] is None
    assert "undetermined between ST-3 smuggling_then_trafficking, ST-1 trafficking" in " ".join(
        smuggling.reasons
    )


# -- presumed-victim policy ----------------------------------------------------------------------


def test_labour_exploitation_alone_is_not_a_presumed_victim() -> None:
    result = screen(
        {
            "age": 30,
            "set": "adults_labour",
            "indicators": ["AL-EX-01", "AL-EX-02"],
            "context": {"act": True},
        }
    )
    presumed = result.outcomes["presumed_victim"]
    assert presumed.verdict is False
    assert any("labour-rights services" in a for a in presumed.extra["advice"])


def test_means_with_any_exploitation_sign_is_a_presumed_victim() -> None:
    result = screen(
        {"age": 30, "set": "adults_labour", "indicators": ["AL-DR-01", "AL-DR-03", "AL-EX-05"]}
    )
    assert result.verdict("trafficking") == "no"
    assert result.outcomes["presumed_victim"].extra["criteria_met"] == ["PV-3"]


def test_other_forms_send_to_manual_review() -> None:
    result = screen({"age": 30, "indicators": ["OR-01", "OR-03"]})
    presumed = result.outcomes["presumed_victim"]
    assert presumed.verdict is True
    assert presumed.extra["manual_review"] is True
    assert "PV-6" in presumed.extra["criteria_met"]


def test_a_country_policy_replaces_the_default(tmp_path: Path) -> None:
    strict = tmp_path / "policy.yaml"
    strict.write_text(
        "policy: strict\nstatus: tiphub_interpretation\ncriteria:\n"
        "  - {id: S-1, when: trafficking, text: meets the trafficking definition}\n",
        encoding="utf-8",
    )
    person = {"age": 40, "set": "adults_labour", "indicators": ["AL-CD-01"]}
    assert screen(person).verdict("presumed_victim") == "yes"
    result = Screener(policy=load_policy(strict)).screen(person)
    assert result.verdict("presumed_victim") == "no"
    assert result.policy == "strict"


def test_a_policy_with_an_unknown_name_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("criteria:\n  - {id: X, when: trafficked}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"X: condition uses unknown names \['trafficked'\]"):
        load_policy(bad)


# -- input validation ----------------------------------------------------------------------------


def test_unknown_ids_are_listed() -> None:
    with pytest.raises(InputError) as caught:
        screen({"indicators": ["AL-DR-01", "AL-XX-99", "FOO"], "context": {"acts": True}})
    assert caught.value.unknown_ids == ["AL-XX-99", "FOO"]
    assert any(p.field == "context.acts" for p in caught.value.problems)


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"age": 16, "is_child": False}, "is_child"),
        ({"age": -1}, "age"),
        ({"age": True}, "age"),
        ({"set": "nope"}, "set"),
        ({"set": "adults_labour", "indicators": ["CL-DR-01"]}, "indicators"),
        ({"indicators": ["AL-DR-01", "CL-DR-01"]}, "set"),
        ({"indicators": ["AL-DR-01"], "unknown": ["AL-DR-01"]}, "unknown"),
        ({"context": {"act": "yes"}}, "context.act"),
        ({"name": "x"}, "name"),
    ],
)
def test_invalid_input_names_the_field(person: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        screen(person)
    assert field in [p.field for p in caught.value.problems]
