"""The deadline engine: tasks and alerts from a case's timeline, the profile's rules and a clock.

Pure and repeatable: the same events, profile and "now" always give the same tasks, so the nightly
sweep, a page view and a test on a frozen clock agree. A rule's timer starts at its latest trigger
event (per key: one timer per referral, per permit, per follow-up visit) and stops at a matching
`done_when` event; a stop event without a key stops every timer of the rule on that case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tiphub.workflow.calendar import add_offset
from tiphub.workflow.events import DATED_EVENTS, Event
from tiphub.workflow.profile import DeadlineRule, JurisdictionProfile
from tiphub.workflow.roles import Role


class TaskStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"  # a reminder before the due date has been reached
    WARNING = "warning"  # the rule's warning point has passed (e.g. day 3 of 5)
    OVERDUE = "overdue"  # the deadline is breached


ALERT_STATUSES = frozenset({TaskStatus.DUE_SOON, TaskStatus.WARNING, TaskStatus.OVERDUE})
_RANK = {
    TaskStatus.OVERDUE: 0,
    TaskStatus.WARNING: 1,
    TaskStatus.DUE_SOON: 2,
    TaskStatus.UPCOMING: 3,
}


@dataclass(frozen=True)
class Task:
    rule_id: str
    title: str
    case_id: str
    key: str
    trigger_at: datetime
    due_at: datetime
    status: TaskStatus
    roles: frozenset[Role]
    severity: str
    basis: str

    @property
    def is_alert(self) -> bool:
        return self.status in ALERT_STATUSES

    def for_roles(self, roles: Iterable[Role]) -> bool:
        return bool(self.roles & set(roles))


def evaluate(
    events: Iterable[Event],
    profile: JurisdictionProfile,
    now: datetime,
    *,
    case_id: str = "",
    is_child: bool = False,
) -> list[Task]:
    """Open tasks of one case at `now`, most urgent first (overdue, warning, due soon, upcoming)."""
    timeline = sorted(events, key=lambda e: e.at)
    tasks = []
    for rule in profile.rules:
        if rule.applies_to == "child" and not is_child:
            continue
        if rule.applies_to == "adult" and is_child:
            continue
        for trigger in _open_triggers(rule, timeline):
            task = _task(rule, trigger, profile, now, case_id)
            if task is not None:
                tasks.append(task)
    return sorted(tasks, key=lambda t: (_RANK[t.status], t.due_at, t.rule_id, t.key))


def alerts(tasks: Iterable[Task]) -> list[Task]:
    return [t for t in tasks if t.is_alert]


def _open_triggers(rule: DeadlineRule, timeline: list[Event]) -> list[Event]:
    latest: dict[str, Event] = {}
    for event in timeline:
        if event.name in rule.trigger:
            latest[event.key] = event
    open_ = []
    for key, trigger in latest.items():
        stopped = any(
            event.name in rule.done_when
            and (event.key == key or event.key == "")
            and _after(event, trigger, rule)
            for event in timeline
        )
        if not stopped:
            open_.append(trigger)
    return open_


def _after(stop: Event, trigger: Event, rule: DeadlineRule) -> bool:
    """Does `stop` come late enough to stop the timer that `trigger` started?"""
    if trigger.name in DATED_EVENTS:
        return True
    if stop.name in rule.trigger:  # a recurring timer: the same event starts the next round
        return stop.at > trigger.at
    return stop.at >= trigger.at


def _task(
    rule: DeadlineRule, trigger: Event, profile: JurisdictionProfile, now: datetime, case_id: str
) -> Task | None:
    due = add_offset(trigger.at, rule.offset, rule.unit, profile.calendar)
    if now >= due:
        status = TaskStatus.OVERDUE
    elif rule.warn_at is not None and now >= add_offset(
        trigger.at, rule.warn_at, rule.unit, profile.calendar
    ):
        status = TaskStatus.WARNING
    elif any(now >= due - timedelta(days=days) for days in rule.remind_before_days):
        status = TaskStatus.DUE_SOON
    elif trigger.at > now:
        return None  # a timer that starts in the future (a follow-up next year) is not a task yet
    else:
        status = TaskStatus.UPCOMING
    return Task(
        rule_id=rule.id,
        title=rule.title,
        case_id=case_id,
        key=trigger.key,
        trigger_at=trigger.at,
        due_at=due,
        status=status,
        roles=rule.roles,
        severity=rule.severity,
        basis=rule.basis,
    )
