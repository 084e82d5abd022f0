"""Calendar arithmetic for legal deadlines: calendar days, working days, months, years.

A working-day deadline skips the jurisdiction's weekend and its public holidays, both listed in the
jurisdiction profile (data, not code), so a country corrects its own holidays without a release.
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum


class Unit(StrEnum):
    """Units a rule offset may be expressed in."""

    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count as working days: not a weekend day and not a listed public holiday."""

    weekend: frozenset[int] = frozenset({5, 6})  # Monday == 0, as datetime.weekday()
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """`days` working days after `start`, keeping the time of day.

        Day 0 is the start itself; a referral on a Friday with a 5-working-day target is due the
        next Friday (or later when holidays intervene). Negative offsets count backwards.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        current = start
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current.date()):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days have elapsed since `start`."""
        if end <= start:
            return 0
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def add_months(start: datetime, months: int) -> datetime:
    """Calendar months later, the day clamped to the month (31 Jan + 1 month = 28 or 29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, _stdcal.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def add_offset(start: datetime, amount: int, unit: Unit, working: WorkingCalendar) -> datetime:
    """`start` moved by `amount` `unit`s on the jurisdiction's calendar."""
    match unit:
        case Unit.HOURS:
            return start + timedelta(hours=amount)
        case Unit.DAYS:
            return start + timedelta(days=amount)
        case Unit.WORKING_DAYS:
            return working.add_working_days(start, amount)
        case Unit.MONTHS:
            return add_months(start, amount)
        case Unit.YEARS:
            return add_months(start, 12 * amount)
    raise ValueError(f"unknown unit {unit!r}")  # pragma: no cover - StrEnum is exhaustive
