"""Learners: who they are and their time zone; forgetting them entirely."""

from __future__ import annotations

from datetime import datetime

from storage.engine import Database


async def ensure_learner(db: Database, user_id: int, name: str, now: datetime) -> None:
    """Create the learner on first contact; keep the display name fresh. Called on every quiz
    and answer, so the usual case (known, same name) is a read, not a write: writes queue for
    the database's one write lock."""
    row = await db.fetch_one("SELECT name FROM learners WHERE user_id = ?", (user_id,))
    if row is not None and row["name"] == name:
        return
    await db.write(
        "INSERT INTO learners (user_id, name, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT(user_id) DO UPDATE SET name = excluded.name "
        "WHERE learners.name != excluded.name",
        (user_id, name, now.isoformat()),
    )


async def get_timezone(db: Database, user_id: int) -> str:
    """The learner's IANA time zone, UTC until they set one."""
    row = await db.fetch_one("SELECT timezone FROM learners WHERE user_id = ?", (user_id,))
    return row["timezone"] if row else "UTC"


async def set_timezone(db: Database, user_id: int, timezone: str) -> None:
    await db.write("UPDATE learners SET timezone = ? WHERE user_id = ?", (timezone, user_id))


async def forget_learner(db: Database, user_id: int) -> None:
    """Delete every row about the learner, in one transaction."""
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM attempts WHERE user_id = ?", (user_id,))
        await tx.execute("DELETE FROM streaks WHERE user_id = ?", (user_id,))
        await tx.execute("DELETE FROM pending WHERE user_id = ?", (user_id,))
        await tx.execute("DELETE FROM deliveries WHERE chat_id = ?", (user_id,))
        await tx.execute("DELETE FROM notices WHERE chat_id = ?", (user_id,))
        await tx.execute("DELETE FROM nudge_settings WHERE user_id = ?", (user_id,))
        await tx.execute("DELETE FROM asked_messages WHERE chat_id = ?", (user_id,))
        await tx.execute("DELETE FROM subscriptions WHERE user_id = ? AND is_group = 0", (user_id,))
        await tx.execute(
            "UPDATE subscriptions SET user_id = 0 WHERE user_id = ? AND is_group = 1", (user_id,)
        )
        await tx.execute("DELETE FROM learners WHERE user_id = ?", (user_id,))
