"""`tiphub screen` and `tiphub forms xlsform`: the CLI contract of issue 7."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import tiphub.cli  # noqa: F401 - registers every stage's commands
from tiphub.cli.app import app

runner = CliRunner()

CHILD = {
    "age": 16,
    "is_child": None,
    "set": "children_labour",
    "indicators": ["CL-EX-01", "CL-EX-02"],
    "context": {"act": True},
}
ADULT = {"age": 34, "set": "adults_labour", "indicators": ["AL-DR-10", "AL-EX-09"], "context": {}}


def write(tmp_path: Path, data: Any, name: str = "people.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_screen_json_for_one_object(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(write(tmp_path, CHILD)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["outcomes"]) == {"trafficking", "forced_labour", "smuggling", "presumed_victim"}
    for outcome in data["outcomes"].values():
        assert outcome["verdict"] in {"yes", "no", "insufficient"}
        assert outcome["reasons"]
    assert data["outcomes"]["trafficking"]["verdict"] == "yes"
    assert isinstance(data["missing"], list)


def test_screen_json_for_a_list(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(write(tmp_path, [CHILD, ADULT])), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["outcomes"]["trafficking"]["verdict"] for p in data] == ["yes", "no"]
    assert data[1]["outcomes"]["presumed_victim"]["verdict"] == "no"


def test_unknown_indicator_ids_exit_1_listing_them(tmp_path: Path) -> None:
    people = [{**ADULT, "indicators": ["AL-DR-01", "AL-ZZ-01"]}, {**CHILD, "indicators": ["NOPE"]}]
    result = runner.invoke(app, ["screen", str(write(tmp_path, people)), "--json"])
    assert result.exit_code == 1
    assert "unknown indicator ids: AL-ZZ-01, NOPE" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON at line 1"),
        ('{"age": 200}', "field 'age'"),
        ("[]", "no screening"),
    ],
)
def test_invalid_input_exits_1_with_the_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["screen", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(tmp_path / "absent.json")])
    assert result.exit_code == 2
    assert "cannot open" in result.stderr


def test_rich_rendering_explains_and_shows_verification(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(write(tmp_path, [CHILD, ADULT]))])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Person 1" in out
    assert "Person 2" in out
    assert "Trafficking - yes" in out
    assert "Rule TIP-CHILD" in out
    assert "Missing information that could change a verdict" in out
    assert "Verification status" in out
    assert "reconstructed" in out


def test_screen_with_a_policy_and_the_narrow_recruitment_reading(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("policy: p\ncriteria:\n  - {id: P1, when: trafficking}\n", encoding="utf-8")
    person = {"age": 40, "set": "adults_labour", "indicators": ["AL-CD-01"]}
    args = ["screen", str(write(tmp_path, person)), "--json"]
    default = json.loads(runner.invoke(app, args).stdout)
    assert default["outcomes"]["presumed_victim"]["verdict"] == "yes"
    custom = json.loads(runner.invoke(app, [*args, "--policy", str(policy)]).stdout)
    assert custom["outcomes"]["presumed_victim"]["verdict"] == "no"
    narrow = runner.invoke(app, [*args, "--recruitment-dimensions", "DR,CR"])
    assert json.loads(narrow.stdout)["verification"]["recruitment_dimensions"] == ["DR", "CR"]
    bad = runner.invoke(app, [*args, "--recruitment-dimensions", "XX"])
    assert bad.exit_code == 1


def test_forms_xlsform_writes_a_form_pyxform_converts(tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    xform = tmp_path / "form.xml"
    result = runner.invoke(
        app,
        [
            "forms",
            "xlsform",
            "--set",
            "adults_labour",
            "--lang",
            "en,fr,es",
            "--out",
            str(out),
            "--xform",
            str(xform),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert "converts with pyxform" in result.stderr
    text = xform.read_text(encoding="utf-8")
    for lang in ("English (en)", "Français (fr)", "Español (es)"):
        assert f'lang="{lang}"' in text


@pytest.mark.parametrize(
    "args",
    [
        ["--set", "unknown_set", "--out", "x.xlsx"],
        ["--set", "AL", "--lang", "en,de", "--out", "x.xlsx"],
        ["--set", "AL", "--out", "x.csv"],
    ],
)
def test_forms_xlsform_usage_errors(tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = runner.invoke(app, ["forms", "xlsform", *args])
    assert result.exit_code == 2
    assert "error:" in result.stderr
