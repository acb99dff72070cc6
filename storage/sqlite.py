"""The embedded engine: one SQLite file through aiosqlite, one connection writing, one reading."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.engine import Database, Row, Transaction

SCHEME = "sqlite:///"
PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000", "synchronous=NORMAL")


def database_path(url: str) -> Path:
    """The file named by `sqlite:///relative.db` or `sqlite:////absolute.db`."""
    if not url.startswith(SCHEME) or len(url) == len(SCHEME):
        raise ValueError(
            "DATABASE_URL must look like sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    return Path(url.removeprefix(SCHEME))


class WriteTurns:
    """The write lock, first come first served, except that urgent writers (one short
    statement each, such as marking an update handled) go before the queued ones."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def turn(self, urgent: bool = False) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        if not self._held and not self._urgent and not self._normal:
            self._held = True
            return
        waiter = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._normal).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # the turn came as it was cancelled: pass it on
            raise

    def _release(self) -> None:
        for queue in (self._urgent, self._normal):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held = False


class SqliteTransaction:
    """Statements inside one BEGIN IMMEDIATE ... COMMIT."""

    engine = "sqlite"

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        cursor = await self._connection.execute(sql, tuple(parameters))
        changed = cursor.rowcount
        await cursor.close()
        return changed

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await (await self._connection.executemany(sql, [tuple(row) for row in rows])).close()

    async def fetch_one(self, sql: str, parameters: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, parameters)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        return list(await self._connection.execute_fetchall(sql, tuple(parameters)))


class ReadClaim:
    """Rows as read; each change is a write of its own (one process per file, and each
    change a claim guards is safe to repeat)."""

    def __init__(self, db: SqliteDatabase, rows: list[Row]) -> None:
        self._db = db
        self.rows = rows

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        return await self._db.write(sql, parameters)

    async def release(self) -> None:
        """Nothing is held."""


class SqliteDatabase(Database):
    """Two aiosqlite connections shared by every handler: one writes, one reads.

    Writes are serialised by a lock, so a single statement never lands inside another
    coroutine's open transaction. Reads use their own connection (each has its own thread),
    so they neither queue behind a writer's statements nor see a transaction half done: WAL
    lets them run beside writes and shows them the last commit.
    """

    engine = "sqlite"
    shared = False  # one process per file: webhook workers need PostgreSQL

    def __init__(self, connection: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self.connection = connection
        self.reader = reader
        self._writes = WriteTurns()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        async with self._writes.turn():
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self.connection)
            except BaseException:
                await self.connection.rollback()
                raise
            await self.connection.commit()

    async def write(self, sql: str, parameters: Iterable[Any] = (), urgent: bool = False) -> int:
        """The cursor is closed after the lock is released: closing is not a statement, and
        each await here is a trip to SQLite's thread that every other writer would wait for."""
        async with self._writes.turn(urgent):
            cursor = await self.connection.execute(sql, tuple(parameters))
        changed = cursor.rowcount
        await cursor.close()
        return changed

    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        """The rows of a query, in one trip to the reading thread."""
        return list(await self.reader.execute_fetchall(sql, tuple(parameters)))

    async def claim(self, sql: str, parameters: Iterable[Any] = ()) -> ReadClaim:
        return ReadClaim(self, await self.fetch_all(sql, parameters))

    async def batches(self, sql: str, size: int) -> AsyncIterator[list[Row]]:
        async with self.reader.execute(sql) as cursor:
            while rows := await cursor.fetchmany(size):
                yield list(rows)

    async def tables(self) -> set[str]:
        rows = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return {row["name"] for row in rows}

    async def after_copy(self, tx: Transaction) -> None:
        """Nothing: a new rowid is always past the largest one stored."""

    async def close(self) -> None:
        await self.reader.close()
        await self.connection.close()


async def open_sqlite(url: str) -> SqliteDatabase:
    """Open the file (creating folders as needed) with WAL and foreign keys on."""
    path = database_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = await connect(path)
    for pragma in PRAGMAS:
        await connection.execute(f"PRAGMA {pragma}")
    reader = await connect(path)
    await reader.execute("PRAGMA busy_timeout=5000")
    return SqliteDatabase(connection, reader)


async def connect(path: Path) -> aiosqlite.Connection:
    """One connection in autocommit mode (transactions are explicit), rows by column name."""
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    return connection
