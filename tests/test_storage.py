"""Storage on each engine: migrations, round trips, forgetting, atomic writes."""

from datetime import UTC, date, datetime

import pytest

from bot.core.streaks import Streak
from storage import open_database
from storage.attempts import Attempt, record_attempt, scores_by_question
from storage.db import migrate
from storage.learners import ensure_learner, forget_learner, get_timezone, set_timezone
from storage.migrations import MIGRATIONS
from storage.pending import (
    Asked,
    add_hint,
    clear_pending,
    get_pending,
    question_of_message,
    remember_question_messages,
    set_pending,
)
from storage.streaks import get_streak

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def attempt(question_id="gil", score=70, user_id=7, chat_id=7):
    return Attempt(user_id, chat_id, question_id, "an answer", score, 0, NOW, NOW.date())


async def test_blank_database_gets_every_migration_once(database_url):
    db = await open_database(database_url)
    rows = await db.fetch_all("SELECT name FROM migrations ORDER BY name")
    assert [row["name"] for row in rows] == [name for name, _ in MIGRATIONS]
    assert await migrate(db) == []
    await db.close()
    reopened = await open_database(database_url)
    assert await migrate(reopened) == []
    await reopened.close()


async def test_sqlite_runs_in_wal_mode(tmp_path):
    db = await open_database(f"sqlite:///{tmp_path / 'bot.db'}")
    journal = await db.fetch_one("PRAGMA journal_mode")
    assert journal[0] == "wal"
    await db.close()


async def test_learner_timezone_defaults_to_utc_and_round_trips(db):
    assert await get_timezone(db, 7) == "UTC"
    await ensure_learner(db, 7, "Ada", NOW)
    await set_timezone(db, 7, "Asia/Tokyo")
    assert await get_timezone(db, 7) == "Asia/Tokyo"


async def test_attempt_streak_and_pending_are_written_together(db):
    await ensure_learner(db, 7, "Ada", NOW)
    await set_pending(db, 7, 7, "gil", NOW)
    await record_attempt(db, attempt(), Streak(1, 1, date(2026, 5, 4)))
    assert await scores_by_question(db, 7) == {"gil": [70]}
    assert await get_streak(db, 7) == Streak(1, 1, date(2026, 5, 4))
    assert await get_pending(db, 7, 7) is None


async def test_failed_transaction_leaves_nothing_behind(db):
    await ensure_learner(db, 7, "Ada", NOW)
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO streaks (user_id, current, best) VALUES (7, 5, 5)")
            raise RuntimeError("crash between two writes")
    assert await get_streak(db, 7) == Streak(0, 0, None)
    await record_attempt(db, attempt(), Streak(1, 1, date(2026, 5, 4)))
    assert await get_streak(db, 7) == Streak(1, 1, date(2026, 5, 4))


async def test_pending_question_hints_and_clear(db):
    await set_pending(db, 1, 7, "gil", NOW)
    await add_hint(db, 1, 7)
    pending = await get_pending(db, 1, 7)
    assert (pending.question_id, pending.hints) == ("gil", 1)
    await set_pending(db, 1, 7, "event-loop", NOW)
    assert (await get_pending(db, 1, 7)).hints == 0
    assert await clear_pending(db, 1, 7) is True
    assert await clear_pending(db, 1, 7) is False


async def test_group_question_messages_are_remembered(db):
    await remember_question_messages(db, -100, [55, 56], "gil", NOW)
    assert await question_of_message(db, -100, 55) == Asked("gil", 55)
    assert await question_of_message(db, -100, 56) == Asked("gil", 55)
    assert await question_of_message(db, -100, 57) is None


async def test_forget_deletes_every_row_about_the_learner(db):
    await ensure_learner(db, 7, "Ada", NOW)
    await ensure_learner(db, 9, "Bob", NOW)
    await set_pending(db, 7, 7, "gil", NOW)
    for user in (7, 9):
        await record_attempt(db, attempt(user_id=user), Streak(1, 1, date(2026, 5, 4)))
    await forget_learner(db, 7)
    assert await scores_by_question(db, 7) == {}
    assert await get_streak(db, 7) == Streak(0, 0, None)
    assert await get_pending(db, 7, 7) is None
    assert await db.fetch_one("SELECT 1 FROM learners WHERE user_id = 7") is None
    assert await scores_by_question(db, 9) == {"gil": [70]}
