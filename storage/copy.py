"""Moving a deployment's data to another database (SQLite to PostgreSQL, or back): every table
copied with its ids, in one transaction on the target, the row counts checked before it
commits."""

from __future__ import annotations

from contextlib import aclosing

from storage.db import open_database
from storage.engine import Database, Transaction
from storage.postgres import is_postgres_url
from storage.sqlite import database_path

# Every table but `migrations` (each database records its own), parents before the children
# whose foreign keys name them.
TABLES = (
    "learners",
    "attempts",
    "attempt_points",
    "graded_prompts",
    "streaks",
    "review_cards",
    "nudge_settings",
    "pending",
    "asked_messages",
    "subscriptions",
    "deliveries",
    "interviews",
    "interview_questions",
    "disputes",
    "disputed_points",
    "notices",
    "inbox",
    "send_budget",
)
BATCH = 1000  # rows read and written at a time


class CopyError(Exception):
    """The copy did not happen; the target's rows are as they were."""


class CannotOpen(CopyError):
    """A URL that names no database this bot can open, or an SQLite source that is not there."""


class TargetNotEmpty(CopyError):
    """The target has rows and `overwrite` was not asked for."""

    def __init__(self, tables: list[str]) -> None:
        super().__init__(
            f"the target database already has rows in {', '.join(tables)}; "
            "copy into an empty database, or pass --overwrite to replace them"
        )


class CountMismatch(CopyError):
    """A table's rows in the target do not number those in the source (rolled back)."""

    def __init__(self, differences: list[str]) -> None:
        super().__init__(
            f"row counts differ after copying ({'; '.join(differences)}); is the bot still "
            "writing to the source? Nothing was written to the target"
        )


async def copy_database(
    source_url: str, target_url: str, *, overwrite: bool = False
) -> list[tuple[str, int]]:
    """Copy every table of the source into the target (both migrated first), refusing a target
    with rows unless `overwrite` (then its rows are replaced); each table with its row count."""
    if source_url == target_url:
        raise CopyError("the source and the target are the same database")
    source = await _open(source_url, "source", existing=True)
    try:
        target = await _open(target_url, "target", existing=False)
        try:
            async with target.transaction() as tx:
                return await _copy(source, target, tx, overwrite)
        finally:
            await target.close()
    finally:
        await source.close()


async def _open(url: str, role: str, *, existing: bool) -> Database:
    """The database, migrated; an SQLite source must exist (opening would create it)."""
    try:
        if existing and not is_postgres_url(url) and not database_path(url).is_file():
            raise FileNotFoundError(f"no file {database_path(url)}")
        return await open_database(url)
    except Exception as error:
        raise CannotOpen(f"cannot open the {role} database: {error}") from error


async def _copy(
    source: Database, target: Database, tx: Transaction, overwrite: bool
) -> list[tuple[str, int]]:
    filled = [table for table in TABLES if await _count(tx, table)]
    if filled and not overwrite:
        raise TargetNotEmpty(filled)
    if filled:
        for table in reversed(TABLES):
            await tx.execute(f"DELETE FROM {table}")
    copied = [(table, await _copy_table(source, tx, table)) for table in TABLES]
    await target.after_copy(tx)
    differences = []
    for table in TABLES:
        in_source, in_target = await _count(source, table), await _count(tx, table)
        if in_source != in_target:
            differences.append(f"{table}: {in_source} in the source, {in_target} in the target")
    if differences:
        raise CountMismatch(differences)
    return copied


async def _copy_table(source: Database, tx: Transaction, table: str) -> int:
    """Insert the source's rows into the target's table under the same column names."""
    count = 0
    # Closed at once when an insert fails, so the source's connection is handed back.
    async with aclosing(source.batches(f"SELECT * FROM {table}", BATCH)) as batches:
        async for rows in batches:
            columns = ", ".join(rows[0].keys())
            places = ", ".join("?" * len(rows[0]))
            await tx.executemany(f"INSERT INTO {table} ({columns}) VALUES ({places})", rows)
            count += len(rows)
    return count


async def _count(reader: Database | Transaction, table: str) -> int:
    row = await reader.fetch_one(f"SELECT COUNT(*) AS n FROM {table}")
    return row["n"]
