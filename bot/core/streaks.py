"""Daily streak arithmetic on local calendar days, with streak freezes.

A day counts when the learner answers at least one question in their local day. Every 7th
day of a streak earns a freeze (at most 2 are held). A missed day spends one freeze, which
keeps the streak without extending it; a gap longer than the freezes held spends them all
and the streak starts over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

FREEZE_EVERY = 7  # a freeze is earned on every 7th day of a streak
MAX_FREEZES = 2


@dataclass(frozen=True, slots=True)
class Streak:
    current: int = 0
    best: int = 0
    last_day: date | None = None
    freezes: int = 0


@dataclass(frozen=True, slots=True)
class StreakStatus:
    current: int
    best: int
    counts_today: bool
    freezes: int = 0  # held today, after covering the days missed since the last practice
    frozen_days: int = 0  # days missed since the last practice that freezes cover
    next_freeze_in: int | None = None  # more days of streak to earn one; None at the cap


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day at `moment` (aware) in the IANA `timezone`."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def missed_days(last_day: date, day: date) -> int:
    """Days strictly between `last_day` and `day` with no practice."""
    return max((day - last_day).days - 1, 0)


def extend(streak: Streak, day: date) -> Streak:
    """The streak after practising on `day`.

    The same day changes nothing; the next day extends; missed days in between are covered
    by freezes (one each) when enough are held, else the streak starts over at 1 with none.
    A day before the last one (a learner who moved west across the date line) changes
    nothing either.
    """
    last = streak.last_day
    if last is not None and day <= last:
        return streak
    missed = missed_days(last, day) if last is not None else 0
    if last is not None and missed <= streak.freezes:
        current, freezes = streak.current + 1, streak.freezes - missed
    else:
        current, freezes = 1, 0
    if current % FREEZE_EVERY == 0:
        freezes = min(freezes + 1, MAX_FREEZES)
    return Streak(current, max(streak.best, current), day, freezes)


def status(streak: Streak, today: date) -> StreakStatus:
    """What `/streak` shows today: the streak is alive while the days missed since the last
    practice (today not included: it can still be practised) are covered by freezes."""
    last = streak.last_day
    if last is None:
        return StreakStatus(0, streak.best, False, next_freeze_in=FREEZE_EVERY)
    missed = missed_days(last, today)
    if missed > streak.freezes:
        return StreakStatus(0, streak.best, False, next_freeze_in=FREEZE_EVERY)
    freezes = streak.freezes - missed
    to_next = FREEZE_EVERY - streak.current % FREEZE_EVERY
    return StreakStatus(
        current=streak.current,
        best=streak.best,
        counts_today=last >= today,
        freezes=freezes,
        frozen_days=missed,
        next_freeze_in=to_next if freezes < MAX_FREEZES else None,
    )


def moved(streak: Streak, last_practice_day: date) -> Streak:
    """The streak after the learner changes time zone: its last day becomes the day of the
    last practice as the new zone sees it (`last_practice_day`). Counts and freezes stay.

    All days are then days of the new zone: moving east, the last practice may already fall
    on the next day there, so the day between is not taken for missed; moving west, it may
    fall a day earlier, so the next day there extends the streak instead of counting for
    nothing. Without a practice there is nothing to move.
    """
    if streak.last_day is None:
        return streak
    return Streak(streak.current, streak.best, last_practice_day, streak.freezes)
