"""Storage behind freezes, /stats, /top and time-zone moves, on a real SQLite file; and the
console's picture, saved next to the database."""

import io
from datetime import UTC, date, datetime, timedelta

from bot.config import Settings
from bot.console import PICTURE_FILE, converse
from bot.conversation.learner import Learner
from bot.conversation.tutor import Tutor
from bot.core.streaks import Streak
from bot.render.markup import PLAIN
from content import load_bank
from storage.attempts import (
    Attempt,
    answers_in_chat,
    answers_per_day,
    last_answered_at,
    record_attempt,
)
from storage.db import migrate
from storage.learners import ensure_learner
from storage.migrations import MIGRATIONS
from storage.sqlite import open_sqlite
from storage.streaks import get_streak

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
BANK = load_bank()


def attempt(user_id, day, chat_id=None, question_id="gil", score=70, at=NOW):
    return Attempt(user_id, chat_id or user_id, question_id, "an answer", score, 0, at, day)


async def test_freezes_round_trip_with_the_streak(db):
    await ensure_learner(db, 7, "Ada", NOW)
    attempt_id = await record_attempt(
        db, attempt(7, date(2026, 5, 4)), Streak(7, 9, date(2026, 5, 4), 1)
    )
    assert attempt_id > 0
    assert await get_streak(db, 7) == Streak(7, 9, date(2026, 5, 4), 1)


async def test_the_freeze_migration_keeps_existing_streaks_with_no_freezes(tmp_path):
    db = await open_sqlite(f"sqlite:///{tmp_path / 'old.db'}")
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if m[0] == "006_streak_freezes"))
    await migrate(db, MIGRATIONS[:before])
    await db.write("INSERT INTO learners (user_id, created_at) VALUES (7, 'then')")
    await db.write(
        "INSERT INTO streaks (user_id, current, best, last_day) VALUES (7, 4, 6, '2026-05-03')"
    )
    assert "006_streak_freezes" in await migrate(db)
    assert await get_streak(db, 7) == Streak(4, 6, date(2026, 5, 3), 0)
    await db.close()


async def test_answers_per_local_day_from_a_day_on(db):
    await ensure_learner(db, 7, "Ada", NOW)
    for day in (date(2026, 5, 1), date(2026, 5, 3), date(2026, 5, 3), date(2026, 4, 1)):
        await record_attempt(db, attempt(7, day), Streak(1, 1, day))
    assert await answers_per_day(db, 7, date(2026, 4, 2)) == {
        date(2026, 5, 1): 1,
        date(2026, 5, 3): 2,
    }
    assert await answers_per_day(db, 8, date(2026, 4, 2)) == {}


async def test_answers_in_a_chat_carry_names_and_instants(db):
    for user, name in ((7, "Ada"), (8, "<Bob>")):
        await ensure_learner(db, user, name, NOW)
    day = date(2026, 5, 4)
    await record_attempt(db, attempt(7, day, chat_id=-100, score=80), Streak(1, 1, day))
    later = NOW + timedelta(hours=1)
    await record_attempt(db, attempt(8, day, chat_id=-100, at=later), Streak(1, 1, day))
    await record_attempt(db, attempt(8, day, chat_id=8), Streak(1, 1, day))
    answers = await answers_in_chat(db, -100, "gil")
    assert sorted((a.name, a.score, a.answered_at) for a in answers) == [
        ("<Bob>", 70, later),
        ("Ada", 80, NOW),
    ]
    assert await last_answered_at(db, 8) == NOW
    assert await last_answered_at(db, 9) is None


async def test_changing_time_zone_moves_the_streaks_last_day_to_the_new_zone(db):
    tutor = Tutor(db, BANK, PLAIN)
    ada = Learner(7, 7, "Ada")
    await tutor.account.set_timezone(ada, "America/New_York", NOW)
    evening = datetime(2026, 5, 5, 0, 30, tzinfo=UTC)  # 20:30 on 4 May in New York
    day = date(2026, 5, 4)
    await record_attempt(db, attempt(7, day, at=evening), Streak(3, 3, day, 1))
    await tutor.account.set_timezone(ada, "Asia/Tokyo", evening)
    assert await get_streak(db, 7) == Streak(3, 3, date(2026, 5, 5), 1)
    reply = await tutor.streaks.show(ada.user_id, evening + timedelta(hours=1))
    assert "Current streak: 3 day(s)" in reply.parts[0]
    assert "Today already counts" in reply.parts[0]


async def test_console_stats_saves_the_chart_next_to_the_database_and_prints_the_text(
    tmp_path, database_url, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # on PostgreSQL, files go to data/ in the working folder
    lines = "/topic gil\nonly one thread runs python bytecode at a time\n/stats\n"
    out = io.StringIO()
    await converse(
        Settings(token="", database_url=database_url), io.StringIO(lines), out, lambda: NOW
    )
    folder = tmp_path / "data" if database_url.startswith("postgresql") else tmp_path
    picture = folder / PICTURE_FILE
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    printed = out.getvalue()
    assert f"Chart saved to {picture}" in printed
    assert "Mastery by section" in printed and "Answers graded: 1" in printed
