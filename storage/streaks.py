"""Streaks: one row per learner, written with each graded answer (see attempts.py)."""

from __future__ import annotations

from datetime import date

from bot.core.streaks import Streak
from storage.engine import Database, Transaction


async def get_streak(db: Database, user_id: int) -> Streak:
    """The learner's streak; an empty one before the first answer."""
    row = await db.fetch_one(
        "SELECT current, best, last_day, freezes FROM streaks WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return Streak()
    last = date.fromisoformat(row["last_day"]) if row["last_day"] else None
    return Streak(row["current"], row["best"], last, row["freezes"])


async def save_streak(db: Database, user_id: int, streak: Streak) -> None:
    async with db.transaction() as tx:
        await write_streak(tx, user_id, streak)


async def write_streak(tx: Transaction, user_id: int, streak: Streak) -> None:
    """Create or replace the learner's streak, inside the caller's transaction."""
    last_day = streak.last_day.isoformat() if streak.last_day else None
    await tx.execute(
        "INSERT INTO streaks (user_id, current, best, last_day, freezes) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(user_id) DO UPDATE SET current = excluded.current, best = excluded.best, "
        "last_day = excluded.last_day, freezes = excluded.freezes",
        (user_id, streak.current, streak.best, last_day, streak.freezes),
    )
