"""Injectable clocks: the workflow never reads the wall clock itself.

Every deadline, guard and alert takes "now" from a `Clock`, so tests freeze time and walk a case
through months in microseconds, and a nightly sweep can be re-run "as of" a past date.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything with a `now()` returning an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until told to move (tests, replays, "as of" sweeps)."""

    def __init__(self, at: datetime) -> None:
        self._at = aware(at)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by `delta` or by `timedelta(**kwargs)` and return the new time."""
        self._at = self._at + (delta if delta is not None else timedelta(**kwargs))
        return self._at

    def set(self, at: datetime) -> None:
        self._at = aware(at)


def aware(value: datetime) -> datetime:
    """Refuse naive datetimes: a deadline computed in an unknown time zone is a wrong deadline."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetimes in the workflow must carry a time zone (use UTC)")
    return value.astimezone(UTC)
