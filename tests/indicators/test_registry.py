"""The indicator registry, the GPA and the plan file load, validate and say what is wrong."""

from pathlib import Path

import pytest
import yaml

from tiphub.indicators.registry import RegistryError, load_gpa, load_plan, load_registry


def test_built_in_registry_has_the_sdg_series_and_glotip_tables() -> None:
    reg = load_registry()
    series = {i.sdg_series for i in reg.agreed() if i.sdg_series}
    assert series == {
        "VC_HTF_DETV",
        "VC_HTF_DETVSX",
        "VC_HTF_DETVFL",
        "VC_HTF_DETVOG",
        "VC_HTF_DETVOP",
    }
    assert reg.get("VC_HTF_DETVFL").computation.filter == {"form": "labour"}
    assert reg.get("DETV_RATE").computation.factor == 100000
    assert ("form", "sex", "age_group") in reg.get("GLOTIP_FORM").disaggregations
    assert reg.dimensions["form"].additive is False
    assert reg.dimensions["sex"].additive is True


def test_gpa_marks_unverified_paragraphs() -> None:
    gpa = load_gpa()
    assert set(gpa.pillars) == {"prevention", "protection", "prosecution", "partnership"}
    assert gpa.action_points
    assert all(p.paragraph is None and not p.verified for p in gpa.action_points.values())


def test_shipped_gpa_cites_a_paragraph_and_a_source_for_every_verified_point() -> None:
    gpa = load_gpa()
    for point in gpa.action_points.values():
        if point.verified:
            assert point.paragraph
            assert point.verified_against.startswith("http")
        else:
            assert point.paragraph is None
    for pillar in gpa.pillars.values():
        assert not pillar.verified or pillar.verified_against.startswith("http")


def _gpa_doc(**point: object) -> dict[str, object]:
    ap: dict[str, object] = {"id": "P-1", "pillar": "prevention", "summary": "s"}
    ap.update(point)
    return {
        "pillars": [{"id": "prevention", "name": "Prevention", "annex_section": "I"}],
        "action_points": [ap],
    }


def test_verified_gpa_point_needs_a_paragraph_and_a_source(tmp_path: Path) -> None:
    url = "https://example.org/a-res-64-293"
    ok = load_gpa(_write(tmp_path, _gpa_doc(verified=True, paragraph=7, verified_against=url)))
    assert ok.action_points["P-1"].paragraph == "7"
    assert ok.action_points["P-1"].verified_against == url
    with pytest.raises(RegistryError, match="paragraph number"):
        load_gpa(_write(tmp_path, _gpa_doc(verified=True, verified_against=url)))
    with pytest.raises(RegistryError, match="verified_against"):
        load_gpa(_write(tmp_path, _gpa_doc(verified=True, paragraph=7)))
    with pytest.raises(RegistryError, match="not verified"):
        load_gpa(_write(tmp_path, _gpa_doc(verified=False, paragraph=7)))


def test_gpa_summary_cut_by_an_unquoted_comma_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gpa.yaml"
    path.write_text(
        "pillars: [{id: prevention, name: P, annex_section: I}]\n"
        "action_points:\n"
        "  - {id: P-1, pillar: prevention, summary: Train police, prosecutors and judges.}\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="unknown keys"):
        load_gpa(path)


def test_shipped_gpa_summaries_are_whole_sentences() -> None:
    gpa = load_gpa()
    assert all(p.summary.endswith(".") for p in gpa.action_points.values())
    assert "health care and legal aid" in gpa.action_points["PROT-2"].summary


def test_verified_gpa_pillar_needs_a_source(tmp_path: Path) -> None:
    doc = _gpa_doc()
    doc["pillars"][0]["verified"] = True  # type: ignore[index]
    with pytest.raises(RegistryError, match="verified_against"):
        load_gpa(_write(tmp_path, doc))


def test_example_plan_links_measures_to_gpa_and_indicators() -> None:
    reg, gpa = load_registry(), load_gpa()
    plan = load_plan(registry=reg, gpa=gpa)
    assert plan.action_plan is not None
    assert {m.gpa_pillar for m in plan.action_plan.measures} <= set(gpa.pillars)
    levels = {n.level for p in plan.programmes for n in p.results}
    assert {"activity", "output", "outcome"} <= levels
    target = plan.targets[0]
    assert target.progress(target.baseline_value) == 0
    assert target.progress(target.target_value) == 1


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _minimal(**indicator: object) -> dict[str, object]:
    ind = {
        "id": "X",
        "version": 1,
        "status": "agreed",
        "name": "x",
        "definition": "x",
        "kind": "count",
        "computation": {"numerator": "victims"},
        "unit": "NUMBER",
        "source": "test",
        "disaggregations": [[]],
    }
    ind.update(indicator)
    return {
        "registry_version": "t",
        "dimensions": {"sex": {"name": "Sex", "additive": True}},
        "indicators": [ind],
    }


def test_unknown_dimension_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        RegistryError, match=r"indicator X: disaggregations use unknown dimension 'age'"
    ):
        load_registry(_write(tmp_path, _minimal(disaggregations=[["age"]])))


def test_more_than_three_dimensions_is_refused(tmp_path: Path) -> None:
    doc = _minimal(disaggregations=[["a", "b", "c", "d"]])
    doc["dimensions"] = {d: {"name": d, "additive": True} for d in "abcd"}
    with pytest.raises(RegistryError, match="at most 3"):
        load_registry(_write(tmp_path, doc))


def test_two_live_versions_are_refused_and_retired_ones_kept(tmp_path: Path) -> None:
    doc = _minimal()
    old = dict(doc["indicators"][0])  # type: ignore[index]
    new = {**old, "version": 2}
    doc["indicators"] = [old, new]
    with pytest.raises(RegistryError, match="two non-retired versions"):
        load_registry(_write(tmp_path, doc))
    old["status"] = "retired"
    reg = load_registry(_write(tmp_path, doc))
    assert reg.get("X").version == 2
    assert [i.version for i in reg.history] == [1, 2]


def test_bad_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("indicators: [", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"bad\.yaml: not valid YAML"):
        load_registry(path)


def test_plan_with_unknown_status_is_refused(tmp_path: Path) -> None:
    doc = {
        "country": {"name": "C", "iso3": "XTP", "m49": "900"},
        "action_plan": {
            "id": "P",
            "title": "T",
            "measures": [
                {
                    "id": "1",
                    "text": "t",
                    "lead_agency": "a",
                    "status": "done",
                    "gpa_pillar": "prevention",
                }
            ],
        },
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(RegistryError, match=r"measure 1: status must be one of"):
        load_plan(path)
