"""`python -m bot db copy`: a deployment moved from SQLite to PostgreSQL and back, on real
databases, with every row and the bot's reads the same on the copy."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.core.review import ReviewCard
from bot.core.streaks import Streak
from storage import open_database
from storage.attempts import Attempt, PointGrade, record_attempt, scores_by_question
from storage.budget import take_sends
from storage.cards import get_cards
from storage.copy import TABLES, CountMismatch, TargetNotEmpty, copy_database
from storage.disputes import add_dispute
from storage.inbox import Received, store_updates
from storage.interviews import start_interview
from storage.learners import ensure_learner
from storage.notices import NoticeKind, claim_new
from storage.pending import remember_question_messages, set_pending
from storage.sqlite import SqliteDatabase
from storage.streaks import get_streak
from storage.subscriptions import Subscription, claim_delivery, subscribe

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
POINTS = (PointGrade("one thread at a time", "covered", 0.92), PointGrade("I/O", "missed", 0.1))


async def fill(url: str) -> None:
    """A little of everything the bot stores, written as the bot writes it."""
    db = await open_database(url)
    try:
        await ensure_learner(db, 7, "Ada", NOW)
        await ensure_learner(db, 9, "Bob", NOW)
        card = ReviewCard("gil", NOW, 60, 1, None)
        for user, score in ((7, 60), (9, 80), (7, 90)):
            attempt = Attempt(user, user, "gil", "one thread", score, 0, NOW, NOW.date(), POINTS)
            last = await record_attempt(db, attempt, Streak(1, 1, NOW.date()), card, score)
        await add_dispute(db, last, 7, "gil", ["I/O"], NOW)
        await set_pending(db, 9, 9, "event-loop", NOW, prompt_id=40)
        await remember_question_messages(db, 9, [40, 41], "event-loop", NOW)
        daily = Subscription(9, 9, False, "Europe/Berlin", time(8, 30), NOW, True)
        await subscribe(db, daily, NOW)
        await claim_delivery(db, 9, NOW.date(), "gil", NOW)
        await start_interview(db, 7, 7, "middle", None, ["gil", "event-loop"], NOW)
        await claim_new(db, 7, NoticeKind.DISPUTE_UPHELD, "1", "upheld", NOW)
        await store_updates(db, [Received(100, 7, '{"update_id": 100}')], NOW)
        await take_sends(db, 1_777_000_000, 3, limit=30)
    finally:
        await db.close()


async def contents(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, in one order whatever the engine."""
    db = await open_database(url)
    try:
        return {
            table: sorted(
                (tuple(row) for row in await db.fetch_all(f"SELECT * FROM {table}")), key=repr
            )
            for table in TABLES
        }
    finally:
        await db.close()


async def reads(url: str) -> tuple:
    """What the bot would show the learners."""
    db = await open_database(url)
    try:
        return (
            await get_streak(db, 7),
            await scores_by_question(db, 7),
            await scores_by_question(db, 9),
            await get_cards(db, 9),
        )
    finally:
        await db.close()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


async def test_the_table_list_is_every_table_of_the_schema(db):
    assert len(set(TABLES)) == len(TABLES)
    assert set(TABLES) == await db.tables() - {"migrations"}


async def test_sqlite_to_postgresql_and_back_keeps_every_row(tmp_path, postgres_url):
    source = sqlite_url(tmp_path / "bot.db")
    await fill(source)
    before = await contents(source)
    assert all(before.values()), [table for table, rows in before.items() if not rows]

    copied = await copy_database(source, postgres_url)
    assert copied == [(table, len(before[table])) for table in TABLES]
    assert await contents(postgres_url) == before
    assert await reads(postgres_url) == await reads(source)

    back = sqlite_url(tmp_path / "back.db")
    await copy_database(postgres_url, back)
    assert await contents(back) == before
    assert await reads(back) == await reads(source)


async def test_a_new_attempt_on_the_copy_gets_an_id_past_the_copied_ones(tmp_path, database_url):
    source = sqlite_url(tmp_path / "source.db")
    await fill(source)
    await copy_database(source, database_url)
    db = await open_database(database_url)
    try:
        [largest] = await db.fetch_all("SELECT MAX(id) AS id FROM attempts")
        attempt = Attempt(9, 9, "gil", "again", 50, 0, NOW, date(2026, 5, 5))
        assert await record_attempt(db, attempt, Streak(2, 2, date(2026, 5, 5))) > largest["id"]
        notice = await claim_new(db, 9, NoticeKind.DISPUTE_UPHELD, "new", "text", NOW)
        assert notice > 1
    finally:
        await db.close()


async def test_a_target_with_rows_is_refused_and_left_as_it_was(tmp_path, postgres_url):
    source = sqlite_url(tmp_path / "bot.db")
    await fill(source)
    target = await open_database(postgres_url)
    await ensure_learner(target, 5, "Eve", NOW)
    await target.close()
    before = await contents(postgres_url)

    with pytest.raises(TargetNotEmpty, match="learners"):
        await copy_database(source, postgres_url)
    assert await contents(postgres_url) == before


async def test_overwrite_replaces_the_targets_rows(tmp_path, postgres_url):
    source = sqlite_url(tmp_path / "bot.db")
    await fill(source)
    await copy_database(source, postgres_url)
    db = await open_database(source)
    await ensure_learner(db, 11, "Cy", NOW)
    await db.close()

    await copy_database(source, postgres_url, overwrite=True)
    assert await contents(postgres_url) == await contents(source)


async def test_a_source_written_during_the_copy_leaves_the_target_empty(
    tmp_path, postgres_url, monkeypatch
):
    source = sqlite_url(tmp_path / "bot.db")
    await fill(source)
    read = SqliteDatabase.batches

    async def batches_while_the_bot_writes(self, sql, size):
        async for rows in read(self, sql, size):
            yield rows
        if "learners" in sql:
            await ensure_learner(self, 12, "Late", NOW)

    monkeypatch.setattr(SqliteDatabase, "batches", batches_while_the_bot_writes)
    with pytest.raises(CountMismatch, match="learners: 3 in the source, 2 in the target"):
        await copy_database(source, postgres_url)
    assert not any((await contents(postgres_url)).values())


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", "copy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=120,
    )


async def test_the_command_prints_each_tables_count_and_refuses_a_second_copy(
    tmp_path, postgres_url
):
    source = sqlite_url(tmp_path / "bot.db")
    await fill(source)
    before = await contents(source)

    done = cli(source, postgres_url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:-1] == [f"{table} {len(before[table])} rows" for table in TABLES]
    total = sum(len(rows) for rows in before.values())
    assert lines[-1] == f"copied {total} rows in {len(TABLES)} tables; counts match"

    refused = cli(source, postgres_url)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("db copy: the target database already has rows in learners")
    assert len(refused.stderr.splitlines()) == 1

    replaced = cli(source, postgres_url, "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert await contents(postgres_url) == before


def test_the_command_names_a_database_it_cannot_open_in_one_line(tmp_path):
    missing = cli(sqlite_url(tmp_path / "typo.db"), sqlite_url(tmp_path / "copy.db"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("db copy: cannot open the source database: no file")
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "copy.db").exists()
    source = tmp_path / "bot.db"
    source.touch()
    unknown = cli(sqlite_url(source), "mysql://localhost/bot")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("db copy: cannot open the target database:")
    assert len(unknown.stderr.splitlines()) == 1
