"""The shipped catalogues load, cross-reference and carry their verification status."""

import shutil
from pathlib import Path

import pytest

from tiphub.screening.catalogue import (
    LANGUAGES,
    STATUSES,
    CatalogueError,
    data_dir,
    default_catalogue,
    load_catalogue,
)
from tiphub.screening.dimensions import first_met

CATALOGUE = default_catalogue()


def test_sets_have_the_published_counts() -> None:
    counts = {s.key: len(CATALOGUE.set_indicators(s.code)) for s in CATALOGUE.sets}
    assert counts == {
        "adults_labour": 67,
        "adults_sexual": 67,
        "children_labour": 65,
        "children_sexual": 65,
    }


def test_every_item_has_three_languages_and_a_known_status() -> None:
    for indicator in CATALOGUE.indicators.values():
        assert all(indicator.label[lang] for lang in LANGUAGES), indicator.id
        assert indicator.status in STATUSES
    for element in CATALOGUE.icls_elements.values():
        assert all(element.label[lang] for lang in LANGUAGES), element.id
    for fact in CATALOGUE.facts.values():
        assert all(fact.label[lang] for lang in LANGUAGES), fact.key


def test_verification_status_is_kept_per_item() -> None:
    indicators = CATALOGUE.indicators
    # The labour sets are corroborated by the crosswalk; the sexual sets stay recalled...
    assert {i.status for i in indicators.values() if i.set_code in ("AL", "CL")} == {"corroborated"}
    assert indicators["AS-DR-01"].status == "recalled_unverified"
    assert indicators["AS-DR-11"].note
    assert "conditions of work" in indicators["AS-DR-11"].note
    # ...except the facts the research notes and the crosswalk corroborate.
    for item in ("AS-CD-07", "CS-CD-07", "CS-EX-06"):
        assert indicators[item].status == "corroborated"
        assert indicators[item].strength == "strong"
    assert not [i for i in CATALOGUE.set_indicators("AS", "EX") if i.strength == "strong"]
    # ICLS elements checked against a quotation of the guidelines were upgraded from "recalled".
    assert CATALOGUE.icls_elements["ICLS-IV-a"].status == "corroborated"
    assert CATALOGUE.icls_elements["ICLS-IV-a"].checked_against == ("icls_2018_quotation",)
    assert CATALOGUE.icls_elements["ICLS-CH-a"].status == "verified"
    for form in CATALOGUE.other_forms:
        assert form.status == "reconstructed_low_confidence"


def test_children_sets_have_no_weak_tier() -> None:
    for code in ("CL", "CS"):
        assert not [i for i in CATALOGUE.set_indicators(code) if i.strength == "weak"]


def test_checked_against_names_documented_sources() -> None:
    for indicator in CATALOGUE.indicators.values():
        assert set(indicator.checked_against) <= set(CATALOGUE.sources)


def test_every_dimension_of_every_set_can_become_positive() -> None:
    for indicator_set in CATALOGUE.sets:
        for dim in CATALOGUE.dimensions:
            items = CATALOGUE.set_indicators(indicator_set.code, dim.code)
            assert first_met(CATALOGUE, items) is not None, (indicator_set.key, dim.code)


def test_decision_table_puts_specific_rows_first() -> None:
    """The research notes' order made ST-3 and ST-4 unreachable; the shipped table fixes it."""
    order = [row.id for row in CATALOGUE.decision_table]
    assert order.index("ST-3") < order.index("ST-1")
    assert order.index("ST-4") < order.index("ST-2")
    assert CATALOGUE.decision_table[-1].then == "neither"


def test_ids_share_the_concept_number_across_sets() -> None:
    by_number: dict[str, set[str]] = {}
    for indicator in CATALOGUE.indicators.values():
        by_number.setdefault(indicator.id[3:], set()).add(indicator.concept)
    assert all(len(concepts) == 1 for concepts in by_number.values())


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_indicator_in_the_wrong_dimension_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "ilo_ec_operational_indicators.yaml",
        "{id: AL-DR-02, concept: dr_wages",
        "{id: AL-DR-02, concept: ex_low_no_salary",
    )
    with pytest.raises(CatalogueError, match=r"ilo_ec_operational_indicators.yaml: AL-DR-02"):
        load_catalogue(data_copy)


def test_an_unknown_status_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "forced_labour_icls2018.yaml",
        "group: IV\n    status: corroborated",
        "group: IV\n    status: probably",
    )
    with pytest.raises(CatalogueError, match="status 'probably'"):
        load_catalogue(data_copy)


def test_a_rule_with_an_unknown_name_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "smuggling_vs_trafficking.yaml",
        "when: smuggling AND trafficking",
        "when: smugling",
    )
    with pytest.raises(CatalogueError, match=r"ST-3: condition uses unknown names \['smugling'\]"):
        load_catalogue(data_copy)


def test_a_malformed_condition_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "rules.yaml", "when: CD OR VD", "when: CD OR (VD")
    with pytest.raises(CatalogueError, match="destination_means"):
        load_catalogue(data_copy)


def test_a_missing_translation_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "context_facts.yaml", 'es: "¿Alguien reclutó', 'de: "¿Alguien reclutó')
    with pytest.raises(CatalogueError, match=r"context_facts.yaml: act: label needs"):
        load_catalogue(data_copy)


def test_wrong_set_count_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "ilo_ec_operational_indicators.yaml",
        "indicator_count: 67",
        "indicator_count: 66",
    )
    with pytest.raises(CatalogueError, match="adults_labour: has 67 indicators"):
        load_catalogue(data_copy)
