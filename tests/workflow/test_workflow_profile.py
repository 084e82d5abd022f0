"""The jurisdiction profile: data, checked against legal minimums on load."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from tiphub.workflow import ProfileError, load_profile
from tiphub.workflow.calendar import Unit, WorkingCalendar, add_months, add_offset
from tiphub.workflow.profile import profile_from_mapping

DEFAULT = Path(__file__).parents[2] / "src/tiphub/workflow/data/default.yaml"


def _default_data() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


def test_default_profile_loads_with_legal_minimums() -> None:
    profile = load_profile()
    assert profile.recovery_period_days >= 30
    assert profile.followup_months(is_child=False) == (1, 3, 6, 12)
    assert profile.followup_months(is_child=True) == (1, 3, 6, 12, 18, 24)
    assert profile.rule("T1").unit == Unit.WORKING_DAYS
    assert "return" in profile.bid_required_for


def test_recovery_period_below_thirty_days_is_refused(tmp_path: Path) -> None:
    data = _default_data()
    data["recovery_period_days"] = 29
    path = tmp_path / "country.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    message = str(error.value)
    assert str(path) in message
    assert "recovery_period_days" in message
    assert "art. 13" in message


def test_longer_recovery_period_is_accepted() -> None:
    data = _default_data()
    data["recovery_period_days"] = 90  # e.g. Scotland
    assert profile_from_mapping(data).recovery_period_days == 90


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("bid_panel_quorum", 2, "quorum"),
        ("bid_required_for", ["local_integration"], "must include 'return'"),
        ("bid_required_for", ["return", "holiday"], "unknown solution"),
        ("followup_months", {"adult": [3, 1], "child": [1]}, "increasing"),
        ("self_approve", "no", "true or false"),
        ("recovery_period_days", "thirty", "whole number"),
    ],
)
def test_invalid_fields_are_named(field: str, value: object, words: str) -> None:
    data = _default_data()
    data[field] = value
    with pytest.raises(ProfileError, match=words) as error:
        profile_from_mapping(data, where="x.yaml")
    assert field in str(error.value)


def test_rule_errors_name_the_rule() -> None:
    data = _default_data()
    data["rules"][0]["trigger"] = ["identification.refered"]
    with pytest.raises(ProfileError, match=r"rules\[0\] \(T1\): unknown event"):
        profile_from_mapping(data, where="x.yaml")
    data = _default_data()
    data["rules"][1]["roles"] = ["judge"]
    with pytest.raises(ProfileError, match="unknown role 'judge'"):
        profile_from_mapping(data, where="x.yaml")


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("recovery_period_days: [")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)


def test_transition_role_overrides_are_data() -> None:
    data = _default_data()
    data["transition_roles"] = {"identification.refer": ["first_responder", "case_worker"]}
    profile = profile_from_mapping(data)
    assert {r.value for r in profile.transition_roles["identification.refer"]} == {
        "first_responder",
        "case_worker",
    }


def test_working_days_skip_weekends_and_holidays() -> None:
    friday = datetime(2027, 3, 5, 16, 0, tzinfo=UTC)
    plain = WorkingCalendar()
    assert plain.add_working_days(friday, 5) == datetime(2027, 3, 12, 16, 0, tzinfo=UTC)
    with_holiday = WorkingCalendar(holidays=frozenset({date(2027, 3, 8)}))
    assert with_holiday.add_working_days(friday, 5) == datetime(2027, 3, 15, 16, 0, tzinfo=UTC)
    friday_weekend = WorkingCalendar(weekend=frozenset({4, 5}))  # Friday-Saturday weekend
    assert friday_weekend.add_working_days(friday, 1).date() == date(2027, 3, 7)
    assert plain.working_days_between(date(2027, 3, 5), date(2027, 3, 12)) == 5


def test_months_clamp_to_month_end() -> None:
    jan31 = datetime(2027, 1, 31, tzinfo=UTC)
    assert add_months(jan31, 1).date() == date(2027, 2, 28)
    assert add_months(datetime(2028, 1, 31, tzinfo=UTC), 1).date() == date(2028, 2, 29)
    assert add_offset(jan31, 1, Unit.YEARS, WorkingCalendar()).date() == date(2028, 1, 31)
    assert add_months(datetime(2027, 11, 15, tzinfo=UTC), 3).date() == date(2028, 2, 15)


def test_profile_holidays_are_parsed() -> None:
    data = _default_data()
    data["calendar"] = {"weekend": ["friday", "saturday"], "holidays": ["2027-12-25"]}
    profile = profile_from_mapping(data)
    assert profile.calendar.weekend == frozenset({4, 5})
    assert date(2027, 12, 25) in profile.calendar.holidays
    data["calendar"] = {"holidays": ["25/12/2027"]}
    with pytest.raises(ProfileError, match="not an ISO date"):
        profile_from_mapping(data)


def test_workflow_is_a_core_package_without_django() -> None:
    """docs/development.md: core packages never import Django, tiphub.web or other stages."""
    import subprocess
    import sys

    code = (
        "import sys, tiphub.workflow, tiphub.workflow.engine, tiphub.workflow.deadlines;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django' "
        "or m.startswith('tiphub.web') or m.startswith('tiphub.linkage'));"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
