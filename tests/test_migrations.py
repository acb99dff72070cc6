"""Schema migrations: each step runs on a blank database and on one stopped after any earlier
step, ending in the same schema, with what was stored before kept."""

import pytest

from storage import Database
from storage.db import migrate
from storage.migrations import MIGRATIONS
from storage.sqlite import open_sqlite

# Databases in use record these names: a step is never renamed, reordered or removed.
RECORDED = [
    "001_learners_attempts_streaks",
    "002_pending_questions",
    "003_daily_subscriptions_and_deliveries",
    "004_review_cards",
    "005_interviews",
    "006_streak_freezes",
    "007_disputes",
    "008_attempt_points",
    "009_dispute_outcomes",
    "010_notices",
    "011_nudge_settings",
    "012_one_graded_answer_per_prompt",
    "013_time_zones_that_are_places",
    "014_inbox",
    "015_answers_by_message",
    "016_disputed_points_in_order",
    "017_inbox_turns",
    "018_send_budget",
]


async def unmigrated(path) -> Database:
    return await open_sqlite(f"sqlite:///{path}")


async def schema(db: Database) -> list[tuple]:
    rows = await db.fetch_all(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name != 'migrations' "
        "ORDER BY type, name"
    )
    return [tuple(row) for row in rows]


def test_steps_keep_the_names_databases_recorded():
    assert [step.name for step in MIGRATIONS][: len(RECORDED)] == RECORDED


async def test_a_blank_database_gets_every_step_in_order(tmp_path):
    db = await unmigrated(tmp_path / "blank.db")
    try:
        assert await migrate(db) == [step.name for step in MIGRATIONS]
        assert await migrate(db) == []
        tables = {row[1] for row in await schema(db) if row[0] == "table"}
        assert {"learners", "attempts", "streaks", "review_cards", "disputes"} <= tables
    finally:
        await db.close()


@pytest.mark.parametrize("stopped_after", range(1, len(MIGRATIONS)))
async def test_a_database_stopped_after_any_step_catches_up(tmp_path, stopped_after):
    blank = await unmigrated(tmp_path / "blank.db")
    old = await unmigrated(tmp_path / "old.db")
    try:
        await migrate(blank)
        names = [step.name for step in MIGRATIONS]
        assert await migrate(old, MIGRATIONS[:stopped_after]) == names[:stopped_after]
        await old.write(
            "INSERT INTO learners (user_id, name, created_at) VALUES (7, 'Ada', 'then')"
        )
        assert await migrate(old) == names[stopped_after:]
        assert await schema(old) == await schema(blank)
        learner = await old.fetch_one("SELECT name FROM learners WHERE user_id = 7")
        assert learner["name"] == "Ada"
    finally:
        await blank.close()
        await old.close()
