"""Opening the database the URL names, with every migration applied."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from storage import migrations
from storage.engine import Database
from storage.migrations import Migration
from storage.postgres import is_postgres_url, open_postgres
from storage.sqlite import open_sqlite

DEFAULT_URL = "sqlite:///data/interview-bot.db"


async def open_database(url: str | None) -> Database:
    """SQLite for `sqlite:///...` (the default), PostgreSQL for `postgresql://...` or
    `postgres://...`; pending migrations applied."""
    database = await connect(url or DEFAULT_URL)
    try:
        await migrate(database)
    except BaseException:
        await database.close()
        raise
    return database


async def connect(url: str) -> Database:
    """The database the URL names, as it is (no migrations applied)."""
    return await (open_postgres(url) if is_postgres_url(url) else open_sqlite(url))


async def migrate(database: Database, steps: Sequence[Migration] | None = None) -> list[str]:
    """Apply every step (all of `migrations.MIGRATIONS` unless given) not yet recorded, each
    in its own transaction with its record; return their names."""
    async with database.migrating():
        await database.write(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = {row["name"] for row in await database.fetch_all("SELECT name FROM migrations")}
        applied = []
        for step in migrations.MIGRATIONS if steps is None else steps:
            if step.name in done:
                continue
            async with database.transaction() as tx:
                await step.apply(tx)
                await tx.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                    (step.name, datetime.now(UTC).isoformat(timespec="seconds")),
                )
            applied.append(step.name)
        return applied
