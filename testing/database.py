"""Reading a database the bot under test is using, from a test, on either engine."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from storage.db import connect


def rows(database_url: str, sql: str, parameters: Iterable[Any] = ()) -> list[tuple]:
    """The rows of one query, as tuples, read on a connection and event loop of their own
    (so a test may call it while the bot runs in its loop)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _rows(database_url, sql, tuple(parameters))).result()


async def _rows(database_url: str, sql: str, parameters: tuple) -> list[tuple]:
    database = await connect(database_url)
    try:
        return [tuple(row) for row in await database.fetch_all(sql, parameters)]
    finally:
        await database.close()
