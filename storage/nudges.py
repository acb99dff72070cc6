"""Nudge settings: each learner's streak reminder time and weekly recap, with their next due
times (UTC). Notices themselves are in notices.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from storage.engine import Database

REMINDER, RECAP = "remind_due", "recap_due"


@dataclass(frozen=True, slots=True)
class NudgeSettings:
    remind_at: time | None  # None: the reminder is off
    recap: bool


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A learner's nudge to (re)schedule or send: the reminder's time (None for the recap),
    their time zone and the current due time (None: not scheduled yet)."""

    user_id: int
    timezone: str
    remind_at: time | None
    due: datetime | None


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


async def get_nudge_settings(db: Database, user_id: int) -> NudgeSettings:
    row = await db.fetch_one(
        "SELECT remind_at, recap FROM nudge_settings WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return NudgeSettings(time(20, 0), True)
    remind_at = time.fromisoformat(row["remind_at"]) if row["remind_at"] else None
    return NudgeSettings(remind_at, bool(row["recap"]))


async def set_reminder(db: Database, user_id: int, remind_at: time | None) -> None:
    """Set (or, with None, stop) the learner's reminder; it is scheduled anew."""
    value = remind_at.isoformat("minutes") if remind_at else None
    await db.write(
        "INSERT INTO nudge_settings (user_id, remind_at) VALUES (?, ?) ON CONFLICT(user_id) "
        "DO UPDATE SET remind_at = excluded.remind_at, remind_due = NULL",
        (user_id, value),
    )


async def set_recap(db: Database, user_id: int, on: bool) -> None:
    await db.write(
        "INSERT INTO nudge_settings (user_id, recap) VALUES (?, ?) ON CONFLICT(user_id) "
        "DO UPDATE SET recap = excluded.recap, recap_due = NULL",
        (user_id, int(on)),
    )


async def reschedule(db: Database, user_id: int) -> None:
    """After a time-zone change: both nudges are scheduled anew on the new clock."""
    await db.write(
        "UPDATE nudge_settings SET remind_due = NULL, recap_due = NULL WHERE user_id = ?",
        (user_id,),
    )


async def stop_nudges(db: Database, user_id: int) -> None:
    """The learner blocked the bot: no more reminders or recaps."""
    await db.write(
        "UPDATE nudge_settings SET remind_at = NULL, remind_due = NULL, recap = 0, "
        "recap_due = NULL WHERE user_id = ?",
        (user_id,),
    )


_SELECT = (
    "SELECT nudge_settings.user_id, remind_at, {column} AS due, learners.timezone "
    "FROM nudge_settings JOIN learners USING (user_id) "
)
_ON = {REMINDER: "remind_at IS NOT NULL", RECAP: "recap = 1"}


def _scheduled(row, column: str) -> Scheduled:
    return Scheduled(
        row["user_id"],
        row["timezone"],
        time.fromisoformat(row["remind_at"]) if column == REMINDER and row["remind_at"] else None,
        datetime.fromisoformat(row["due"]) if row["due"] else None,
    )


async def unscheduled(db: Database, column: str, limit: int) -> list[Scheduled]:
    """Nudges that are on and have no due time yet (`column`: REMINDER or RECAP)."""
    rows = await db.fetch_all(
        _SELECT.format(column=column) + f"WHERE {_ON[column]} AND {column} IS NULL LIMIT ?",
        (limit,),
    )
    return [_scheduled(row, column) for row in rows]


async def due_nudges(db: Database, column: str, now: datetime, limit: int) -> list[Scheduled]:
    """Nudges that are on and due by `now`, the earliest first."""
    rows = await db.fetch_all(
        _SELECT.format(column=column)
        + f"WHERE {_ON[column]} AND {column} <= ? ORDER BY {column} LIMIT ?",
        (_instant(now), limit),
    )
    return [_scheduled(row, column) for row in rows]


async def set_due(db: Database, column: str, user_id: int, due: datetime) -> None:
    """The nudge's next due time (`column`: REMINDER or RECAP)."""
    if column not in _ON:
        raise ValueError(column)
    await db.write(
        f"UPDATE nudge_settings SET {column} = ? WHERE user_id = ?", (_instant(due), user_id)
    )


async def week_answers(db: Database, user_id: int, since: date) -> list[tuple[date, str, int]]:
    """The learner's answers from local day `since` on: (local day, question id, score)."""
    rows = await db.fetch_all(
        "SELECT local_day, question_id, score FROM attempts WHERE user_id = ? AND local_day >= ?",
        (user_id, since.isoformat()),
    )
    return [(date.fromisoformat(r["local_day"]), r["question_id"], r["score"]) for r in rows]
