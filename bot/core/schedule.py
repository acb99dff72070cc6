"""When a daily question is due: local send times turned into UTC instants, DST included."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_SEND_AT = time(9, 0)
CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


def parse_clock(text: str) -> time | None:
    """`08:30`, `8:30`, `8.30` or `8h30` as a time of day; None for anything else."""
    match = CLOCK.match(text)
    return time(int(match[1]), int(match[2])) if match else None


def at_local(day, send_at: time, timezone: str) -> datetime:
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
