"""The inbox: updates received from Telegram, kept until handled, so none is lost or handled
twice across a crash, a restart, or several processes receiving them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from storage.engine import Database


class Received(NamedTuple):
    update_id: int
    turn: int | None  # the chat it belongs to (the user for updates without a chat)
    payload: str  # the update's JSON


async def store_updates(db: Database, updates: Sequence[Received], now: datetime) -> list[Received]:
    """Keep received updates as waiting, in one transaction; one received again (Telegram
    sends it until confirmed, and again when a reply is slow) keeps its row, done or not.
    The ones that were new."""
    new = []
    async with db.transaction() as tx:
        for update in updates:
            if await tx.execute(
                "INSERT INTO inbox (update_id, turn, payload, received_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (update.update_id, update.turn, update.payload, now.isoformat()),
            ):
                new.append(update)
    return new


async def waiting_updates(db: Database, after: int = 0, limit: int = 1000) -> list[Received]:
    """Updates stored but not yet handled, oldest first, with ids above `after`."""
    rows = await db.fetch_all(
        "SELECT update_id, turn, payload FROM inbox WHERE done = 0 AND update_id > ? "
        "ORDER BY update_id LIMIT ?",
        (after, limit),
    )
    return [Received(*row) for row in rows]


async def waiting_through(db: Database, update_id: int, turn: int | None) -> list[Received]:
    """The turn's waiting updates up to `update_id`, oldest first: empty when that one is
    handled already, else it comes last, after any earlier ones still waiting."""
    rows = await db.fetch_all(
        "SELECT update_id, turn, payload FROM inbox WHERE done = 0 AND update_id <= ? "
        "AND (update_id = ? OR turn = ?) ORDER BY update_id",
        (update_id, update_id, turn),
    )
    found = [Received(*row) for row in rows]
    return found if found and found[-1].update_id == update_id else []


async def stale_updates(db: Database, received_before: datetime, limit: int) -> list[Received]:
    """Updates still waiting that were received before `received_before`, oldest first
    (a process that stored them died before handling them)."""
    rows = await db.fetch_all(
        "SELECT update_id, turn, payload FROM inbox WHERE done = 0 AND received_at < ? "
        "ORDER BY update_id LIMIT ?",
        (received_before.isoformat(), limit),
    )
    return [Received(*row) for row in rows]


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
