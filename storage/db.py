"""Opening the database: URL parsing, pragmas, migrations, transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

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
    """One aiosqlite connection; writes that touch several rows go through `transaction()`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        await self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            await self.connection.rollback()
            raise
        await self.connection.commit()

    async def close(self) -> None:
        await self.connection.close()


async def open_database(url: str | None) -> Database:
    """Open (creating folders as needed), enable WAL, and apply pending migrations."""
    path = database_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("PRAGMA foreign_keys=ON")
    await connection.execute("PRAGMA busy_timeout=5000")
    await connection.execute("PRAGMA synchronous=NORMAL")
    database = Database(connection)
    await migrate(database)
    return database
