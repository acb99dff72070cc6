"""What every engine offers the storage modules: transactions, single writes and reads, with
`?` placeholders and rows read by column name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

Row = Mapping[str, Any]  # aiosqlite.Row and asyncpg.Record both read by name and position


class Transaction(Protocol):
    """Statements that commit together, or not at all."""

    engine: str

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def fetch_one(self, sql: str, parameters: Iterable[Any] = ()) -> Row | None: ...

    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]: ...


class Claim(Protocol):
    """Rows claimed by one SELECT, to be changed through the claim until it is released."""

    rows: list[Row]

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        """Run one statement under the claim; the number of rows it changed."""

    async def release(self) -> None:
        """Keep what was changed and let go of the rows."""


class Database(ABC):
    """One open database; `engine` names its kind ("sqlite" or "postgresql"). `shared`: other
    processes may use it at the same time (then chat turns and the send budget matter)."""

    engine: str
    shared: bool
    lock_rows = ""  # ends a SELECT that claims rows, where the engine locks rows at all

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A transaction, committed when the block ends, rolled back on any error."""

    @abstractmethod
    async def write(self, sql: str, parameters: Iterable[Any] = (), urgent: bool = False) -> int:
        """Run one writing statement on its own; the number of rows it changed. `urgent`
        goes before writers already queued (short bookkeeping that must not lag behind a
        burst), where writers queue at all."""

    @abstractmethod
    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]: ...

    @abstractmethod
    def batches(self, sql: str, size: int) -> AsyncIterator[list[Row]]:
        """The rows of one query, `size` at a time, read as they are needed."""

    @abstractmethod
    async def tables(self) -> set[str]:
        """The names of the schema's tables."""

    @abstractmethod
    async def after_copy(self, tx: Transaction) -> None:
        """Bring the engine's own counters past the ids of rows copied in with their ids."""

    async def fetch_one(self, sql: str, parameters: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, parameters)
        return rows[0] if rows else None

    @abstractmethod
    async def claim(self, sql: str, parameters: Iterable[Any] = ()) -> Claim:
        """Claim the rows a SELECT ending in `lock_rows` finds: on an engine that locks rows,
        other processes skip them until the claim is released, or its process dies."""

    @asynccontextmanager
    async def migrating(self) -> AsyncIterator[None]:
        """Held while migrations run, so processes starting together apply each step once."""
        yield

    @asynccontextmanager
    async def chat_turn(self, turn: int) -> AsyncIterator[None]:
        """Held while one update of the chat (or user) `turn` is applied: one at a time in
        every process sharing the database. Within one process the update processor keeps
        each chat's order already, so by default there is nothing to hold."""
        yield

    @abstractmethod
    async def close(self) -> None: ...
