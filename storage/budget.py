"""The fleet's send budget: messages started per second of the clock, by every process."""

from __future__ import annotations

from storage.engine import Database


async def take_sends(db: Database, second: int, count: int, limit: int) -> bool:
    """Take `count` sends from second `second`'s budget of `limit`; False (nothing taken) if
    fewer are left."""
    async with db.transaction() as tx:
        row = await tx.fetch_one(
            "INSERT INTO send_budget (second, used) VALUES (?, ?) ON CONFLICT (second) DO UPDATE "
            "SET used = send_budget.used + excluded.used "
            "WHERE send_budget.used + excluded.used <= ? RETURNING used",
            (second, count, limit),
        )
    return row is not None


async def forget_seconds_before(db: Database, second: int) -> None:
    await db.write("DELETE FROM send_budget WHERE second < ?", (second,))
