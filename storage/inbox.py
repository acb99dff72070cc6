"""The inbox: updates fetched from Telegram, kept until handled, so none is lost or handled
twice across a crash or a restart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.engine import Database


async def store_updates(db: Database, updates: Sequence[tuple[int, str]], now: datetime) -> int:
    """Keep fetched updates (id, JSON) as waiting, in one transaction; one fetched again
    (Telegram sends it until confirmed) keeps its row, done or not. How many were new."""
    if not updates:
        return 0
    new = 0
    async with db.transaction() as tx:
        for update_id, payload in updates:
            new += await tx.execute(
                "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (update_id, payload, now.isoformat()),
            )
    return new


async def waiting_updates(db: Database, after: int = 0, limit: int = 1000) -> list[tuple[int, str]]:
    """Updates stored but not yet handled, oldest first, with ids above `after`."""
    rows = await db.fetch_all(
        "SELECT update_id, payload FROM inbox WHERE done = 0 AND update_id > ? "
        "ORDER BY update_id LIMIT ?",
        (after, limit),
    )
    return [(row["update_id"], row["payload"]) for row in rows]


async def mark_handled(db: Database, update_id: int) -> None:
    """The update is handled; urgent, so the mark does not wait behind a burst of answers
    (a crash in between would handle it, and send its reply, again)."""
    await db.write("UPDATE inbox SET done = 1 WHERE update_id = ?", (update_id,), urgent=True)


async def forget_confirmed(db: Database, below: int) -> None:
    """Drop handled updates Telegram will not send again (ids under the confirmed offset)."""
    await db.write("DELETE FROM inbox WHERE done = 1 AND update_id < ?", (below,))


async def forget_handled_before(db: Database, when: datetime) -> None:
    """Drop handled updates received before `when` (webhook mode: Telegram resends an update
    only while its request goes unanswered, so a day's record is ample)."""
    await db.write("DELETE FROM inbox WHERE done = 1 AND received_at < ?", (when.isoformat(),))
