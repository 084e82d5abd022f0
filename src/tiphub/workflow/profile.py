"""The jurisdiction profile: every number the workflow uses, as data (YAML), checked on load.

One file per country sets recovery-period length, decision targets, guardian and BIA/BID timers,
permit reminders, follow-up schedules and the working-day calendar. The loader refuses a profile
that falls below a legal minimum (a recovery period under the 30 days of the Council of Europe
Convention art. 13(1)), so no configuration can quietly make the system unlawful.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tiphub.workflow.calendar import WEEKDAYS, Unit, WorkingCalendar
from tiphub.workflow.roles import Role, parse_roles

#: Council of Europe Convention on Action against Trafficking in Human Beings (CETS 197), art.
#: 13(1):
#: "a recovery and reflection period of at least 30 days".
ECAT_MIN_RECOVERY_DAYS = 30
#: Our floor for a best-interests determination panel: UNHCR BIP asks for a multidisciplinary panel.
MIN_BID_QUORUM = 3

SEVERITIES = ("low", "medium", "high", "urgent")

#: BID-requiring decisions (UNHCR Best Interests Procedure guidelines, 2021).
KNOWN_SOLUTIONS = frozenset(
    {
        "return",
        "cross_border_transfer",
        "cross_border_reunification",
        "local_integration",
        "resettlement",
        "durable_solution",
        "long_term_placement",
        "separation_from_parents",
        "local_reunification",
        "interim_care",
    }
)


class ProfileError(ValueError):
    """A jurisdiction profile is invalid; the message names the file, the field and the reason."""


@dataclass(frozen=True)
class DeadlineRule:
    """A timer (spec section 4): after `trigger`, `offset` `unit`s, until one of `done_when`."""

    id: str
    title: str
    trigger: tuple[str, ...]
    done_when: tuple[str, ...]
    offset: int
    unit: Unit
    roles: frozenset[Role]
    severity: str
    basis: str = ""
    #: raise a warning this many `unit`s after the trigger (e.g. day 3 of a 5-day target).
    warn_at: int | None = None
    #: reminders this many calendar days before the due date (e.g. permit expiry 60 and 14).
    remind_before_days: tuple[int, ...] = ()
    #: only for child cases ("child") or adult cases ("adult"); None for all.
    applies_to: str | None = None


@dataclass(frozen=True)
class JurisdictionProfile:
    id: str
    name: str
    calendar: WorkingCalendar
    recovery_period_days: int
    cg_not_before_recovery_end: bool
    cg_early_on_request: bool
    risk_assessment_validity_days: int
    bid_panel_quorum: int
    bid_required_for: frozenset[str]
    followup_months_adult: tuple[int, ...]
    followup_months_child: tuple[int, ...]
    self_approve: bool
    rules: tuple[DeadlineRule, ...]
    transition_roles: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def followup_months(self, is_child: bool) -> tuple[int, ...]:
        return self.followup_months_child if is_child else self.followup_months_adult

    def rule(self, rule_id: str) -> DeadlineRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


DEFAULT_PROFILE = "default.yaml"


def load_profile(path: str | Path | None = None) -> JurisdictionProfile:
    """Load and check a profile; without `path`, the embedded `workflow/data/default.yaml`."""
    if path is None:
        text = resources.files("tiphub.workflow").joinpath("data", DEFAULT_PROFILE).read_text()
        where = f"tiphub/workflow/data/{DEFAULT_PROFILE}"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"{path}: cannot be read ({exc.strerror})") from None
        where = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{where}: not valid YAML ({exc})") from None
    return profile_from_mapping(data, where=where)


def profile_from_mapping(data: Any, *, where: str = "profile") -> JurisdictionProfile:
    """Build a profile from already-parsed data (the YAML's structure), checking every field."""
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: the profile must be a mapping of fields")
    reader = _Reader(data, where)
    recovery = reader.integer("recovery_period_days")
    if recovery < ECAT_MIN_RECOVERY_DAYS:
        raise ProfileError(
            f"{where}: field 'recovery_period_days' is {recovery}, below the legal minimum of "
            f"{ECAT_MIN_RECOVERY_DAYS} days (Council of Europe Convention on Action against "
            "Trafficking in Human Beings, CETS 197, art. 13(1))"
        )
    quorum = reader.integer("bid_panel_quorum")
    if quorum < MIN_BID_QUORUM:
        raise ProfileError(
            f"{where}: field 'bid_panel_quorum' is {quorum}; a best-interests determination is a "
            f"multidisciplinary panel decision (UNHCR BIP 2021): at least {MIN_BID_QUORUM} members"
        )
    validity = reader.integer("risk_assessment_validity_days")
    if validity < 1:
        raise ProfileError(f"{where}: field 'risk_assessment_validity_days' must be at least 1")
    solutions = frozenset(reader.strings("bid_required_for"))
    if "return" not in solutions:
        raise ProfileError(
            f"{where}: field 'bid_required_for' must include 'return': a child is returned only "
            "if a best-interests determination finds it in the child's best interests (CETS 197 "
            "art. 16(7))"
        )
    unknown = solutions - KNOWN_SOLUTIONS
    if unknown:
        raise ProfileError(
            f"{where}: field 'bid_required_for' has unknown solution(s) {sorted(unknown)}"
            f" (known: {sorted(KNOWN_SOLUTIONS)})"
        )
    followups = reader.mapping("followup_months")
    adult = _months(followups.get("adult"), f"{where}: field 'followup_months.adult'")
    child = _months(followups.get("child"), f"{where}: field 'followup_months.child'")
    rules = tuple(
        _rule(item, f"{where}: rules[{i}]") for i, item in enumerate(reader.list("rules"))
    )
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ProfileError(f"{where}: field 'rules' has duplicate rule ids {duplicates}")
    overrides = {
        str(name): parse_roles(roles, where=f"{where}: transition_roles.{name}")
        for name, roles in (data.get("transition_roles") or {}).items()
    }
    return JurisdictionProfile(
        id=reader.string("id"),
        name=reader.string("name"),
        calendar=_calendar(reader.mapping("calendar"), f"{where}: field 'calendar'"),
        recovery_period_days=recovery,
        cg_not_before_recovery_end=reader.boolean("cg_not_before_recovery_end"),
        cg_early_on_request=reader.boolean("cg_early_on_request"),
        risk_assessment_validity_days=validity,
        bid_panel_quorum=quorum,
        bid_required_for=solutions,
        followup_months_adult=adult,
        followup_months_child=child,
        self_approve=reader.boolean("self_approve"),
        rules=rules,
        transition_roles=overrides,
        sources=tuple(str(s) for s in data.get("sources") or ()),
    )


class _Reader:
    """Typed access to the profile's fields with errors naming the file and the field."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data, self.where = data, where

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise ProfileError(f"{self.where}: field '{key}' is missing")
        return self.data[key]

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProfileError(f"{self.where}: field '{key}' must be a whole number")
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise ProfileError(f"{self.where}: field '{key}' must be true or false")
        return value

    def string(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"{self.where}: field '{key}' must be non-empty text")
        return value

    def strings(self, key: str) -> list[str]:
        return [str(v) for v in self.list(key)]

    def list(self, key: str) -> list[Any]:
        value = self._get(key)
        if not isinstance(value, list):
            raise ProfileError(f"{self.where}: field '{key}' must be a list")
        return value

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self._get(key)
        if not isinstance(value, dict):
            raise ProfileError(f"{self.where}: field '{key}' must be a mapping")
        return value


def _months(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ProfileError(f"{where} must be a non-empty list of months")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value):
        raise ProfileError(f"{where} must hold whole numbers of months >= 1")
    if list(value) != sorted(set(value)):
        raise ProfileError(f"{where} must be increasing without repeats")
    return tuple(value)


def _calendar(data: Mapping[str, Any], where: str) -> WorkingCalendar:
    weekend_names = data.get("weekend", ["saturday", "sunday"])
    weekend = set()
    for name in weekend_names:
        if str(name).lower() not in WEEKDAYS:
            raise ProfileError(f"{where}.weekend: {name!r} is not a weekday name")
        weekend.add(WEEKDAYS.index(str(name).lower()))
    if len(weekend) >= 7:
        raise ProfileError(f"{where}.weekend: at least one working day is needed")
    holidays = set()
    for value in data.get("holidays") or []:
        if isinstance(value, date):
            holidays.add(value)
            continue
        try:
            holidays.add(date.fromisoformat(str(value)))
        except ValueError:
            raise ProfileError(f"{where}.holidays: {value!r} is not an ISO date") from None
    return WorkingCalendar(weekend=frozenset(weekend), holidays=frozenset(holidays))


def _rule(item: Any, where: str) -> DeadlineRule:
    from tiphub.workflow.events import KNOWN_EVENTS

    if not isinstance(item, dict):
        raise ProfileError(f"{where} must be a mapping")
    reader = _Reader(item, where)
    rule_id = reader.string("id")
    where = f"{where} ({rule_id})"
    reader = _Reader(item, where)
    trigger = tuple(reader.strings("trigger"))
    done_when = tuple(str(v) for v in item.get("done_when") or ())
    for name in (*trigger, *done_when):
        if name not in KNOWN_EVENTS:
            raise ProfileError(f"{where}: unknown event {name!r} (known: {sorted(KNOWN_EVENTS)})")
    try:
        unit = Unit(reader.string("unit"))
    except ValueError:
        raise ProfileError(
            f"{where}: field 'unit' must be one of {[u.value for u in Unit]}"
        ) from None
    offset = reader.integer("offset")
    if offset < 0:
        raise ProfileError(f"{where}: field 'offset' must not be negative")
    severity = reader.string("severity")
    if severity not in SEVERITIES:
        raise ProfileError(f"{where}: field 'severity' must be one of {list(SEVERITIES)}")
    warn_at = item.get("warn_at")
    if warn_at is not None and (not isinstance(warn_at, int) or not 0 <= warn_at <= offset):
        raise ProfileError(f"{where}: field 'warn_at' must be between 0 and the offset")
    remind = item.get("remind_before_days") or []
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in remind):
        raise ProfileError(f"{where}: field 'remind_before_days' must hold whole days >= 1")
    applies_to = item.get("applies_to")
    if applies_to not in (None, "child", "adult"):
        raise ProfileError(f"{where}: field 'applies_to' must be 'child' or 'adult' if given")
    try:
        roles = parse_roles(reader.list("roles"), where=f"{where}: field 'roles'")
    except ValueError as exc:
        raise ProfileError(str(exc)) from None
    return DeadlineRule(
        id=rule_id,
        title=reader.string("title"),
        trigger=trigger,
        done_when=done_when,
        offset=offset,
        unit=unit,
        roles=roles,
        severity=severity,
        basis=str(item.get("basis", "")),
        warn_at=warn_at,
        remind_before_days=tuple(sorted(remind, reverse=True)),
        applies_to=applies_to,
    )
