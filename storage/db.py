"""Opening the database: URL parsing, pragmas, migrations, serialised writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import migrate

DEFAULT_URL = "sqlite:///data/interview-bot.db"


def database_path(url: str | None) -> Path:
    """The file named by `sqlite:///relative.db` or `sqlite:////absolute.db`."""
    url = url or DEFAULT_URL
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ValueError(
            "DATABASE_URL must look like sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    return Path(url.removeprefix(prefix))


class Database:
    """One aiosqlite connection shared by every handler.

    Writes are serialised by a lock, so a single statement never lands inside another
    coroutine's open transaction; reads go straight through (WAL lets them run beside writes).
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        async with self._write_lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                await self.connection.rollback()
                raise
            await self.connection.commit()

    async def write(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        """Run one writing statement on its own; the number of rows it changed. The cursor is
        closed after the lock is released: closing is not a statement, and each await here is a
        trip to SQLite's thread that every other writer would wait for."""
        async with self._write_lock:
            cursor = await self.connection.execute(sql, tuple(parameters))
        changed = cursor.rowcount
        await cursor.close()
        return changed

    async def fetch_one(self, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self.connection.execute(sql, tuple(parameters)) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.connection.execute(sql, tuple(parameters)) as cursor:
            return list(await cursor.fetchall())

    async def close(self) -> None:
        await self.connection.close()


async def open_database(url: str | None) -> Database:
    """Open (creating folders as needed), enable WAL, and apply pending migrations."""
    path = database_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "busy_timeout=5000",
        "synchronous=NORMAL",
    ):
        await connection.execute(f"PRAGMA {pragma}")
    database = Database(connection)
    await migrate(database)
    return database
