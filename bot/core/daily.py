"""The question of the day and its schedule: the same question for everyone on a date, and
local send times turned into UTC instants, DST included."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.streaks import local_day

DEFAULT_SEND_AT = time(9, 0)
CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


def question_of_the_day(question_ids: Sequence[str], day: date) -> str:
    """Walk a shuffled order of the bank, one question a day; each pass of the whole bank
    (a cycle) has its own order, fixed by the cycle number, so every subscriber and every
    restart picks the same question for the same date."""
    ids = sorted(question_ids)
    if not ids:
        raise ValueError("the bank has no questions")
    cycle, position = divmod(day.toordinal(), len(ids))
    random.Random(cycle).shuffle(ids)
    return ids[position]


def parse_clock(text: str) -> time | None:
    """`08:30`, `8:30`, `8.30` or `8h30` as a time of day; None for anything else."""
    match = CLOCK.match(text)
    return time(int(match[1]), int(match[2])) if match else None


def at_local(day: date, send_at: time, timezone: str) -> datetime:
    """The UTC instant of `send_at` on local `day`. A time skipped by a spring-forward jump
    (02:30 when clocks go from 02:00 to 03:00) falls an hour later, at 03:30 local; a time
    that occurs twice on the fall-back day is taken at its first occurrence."""
    local = datetime.combine(day, send_at, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def next_due(after: datetime, send_at: time, timezone: str) -> datetime:
    """The first send time strictly after `after` (aware), in UTC."""
    day = after.astimezone(ZoneInfo(timezone)).date()
    while (due := at_local(day, send_at, timezone)) <= after:
        day += timedelta(days=1)
    return due


def first_due(now: datetime, send_at: time, timezone: str) -> datetime:
    """On subscribing: today's send time if it is still ahead, else tomorrow's."""
    return next_due(now - timedelta(microseconds=1), send_at, timezone)


def caught_up(due: datetime, send_at: time, timezone: str, now: datetime) -> datetime | None:
    """After downtime: a due time from an earlier local day is not sent late; instead it
    becomes today's send time (still ahead, or late but today). None when `due` is from
    today or later."""
    today = local_day(now, timezone)
    if local_day(due, timezone) >= today:
        return None
    return at_local(today, send_at, timezone)


def due_after_delivery(due: datetime, send_at: time, timezone: str, now: datetime) -> datetime:
    """The due time after today's delivery, whether it went out on time or late."""
    return next_due(max(due, now), send_at, timezone)
