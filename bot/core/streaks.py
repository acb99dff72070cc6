"""Daily streak arithmetic on local calendar days."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Streak:
    current: int = 0
    best: int = 0
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class StreakStatus:
    current: int
    best: int
    counts_today: bool


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day at `moment` (aware) in the IANA `timezone`."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def extend(streak: Streak, day: date) -> Streak:
    """The streak after practising on `day`.

    The same day changes nothing; the next day extends; a gap starts over at 1. A day before
    the last one (a learner who moved west across the date line) changes nothing either.
    """
    last = streak.last_day
    if last is not None and day <= last:
        return streak
    current = streak.current + 1 if last is not None and day - last == ONE_DAY else 1
    return replace(streak, current=current, best=max(streak.best, current), last_day=day)


def status(streak: Streak, today: date) -> StreakStatus:
    """What `/streak` shows today: a streak is alive if practised today or yesterday."""
    last = streak.last_day
    alive = last is not None and today - last <= ONE_DAY
    return StreakStatus(
        current=streak.current if alive else 0,
        best=streak.best,
        counts_today=last is not None and last >= today,
    )
