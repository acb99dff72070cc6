"""Schema migrations: an ordered list of named steps, each recorded once it has run."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.db import Database

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_learners_attempts_streaks",
        """
        CREATE TABLE learners (
            user_id INTEGER PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            timezone TEXT NOT NULL DEFAULT 'UTC',
            created_at TEXT NOT NULL
        );
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES learners(user_id) ON DELETE CASCADE,
            chat_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            answer TEXT NOT NULL,
            score INTEGER NOT NULL,
            hints INTEGER NOT NULL DEFAULT 0,
            answered_at TEXT NOT NULL,
            local_day TEXT NOT NULL
        );
        CREATE INDEX attempts_by_user ON attempts(user_id, question_id);
        CREATE TABLE streaks (
            user_id INTEGER PRIMARY KEY REFERENCES learners(user_id) ON DELETE CASCADE,
            current INTEGER NOT NULL,
            best INTEGER NOT NULL,
            last_day TEXT
        );
        """,
    ),
    (
        "002_pending_questions",
        """
        CREATE TABLE pending (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            message_id INTEGER,
            hints INTEGER NOT NULL DEFAULT 0,
            asked_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, user_id)
        );
        CREATE TABLE asked_messages (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        """,
    ),
    (
        "003_daily_subscriptions_and_deliveries",
        """
        CREATE TABLE subscriptions (
            chat_id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            is_group INTEGER NOT NULL DEFAULT 0,
            timezone TEXT NOT NULL,
            send_at TEXT NOT NULL,
            next_due TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE INDEX subscriptions_due ON subscriptions(active, next_due, chat_id);
        CREATE TABLE deliveries (
            chat_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            question_id TEXT NOT NULL,
            status TEXT NOT NULL,
            message_id INTEGER,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, day)
        );
        """,
    ),
    (
        # Questions answered before spaced repetition become cards due at their last answer
        # (so: due now), with no FSRS state yet; their next answer starts it.
        "004_review_cards",
        """
        CREATE TABLE review_cards (
            user_id INTEGER NOT NULL REFERENCES learners(user_id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            due TEXT NOT NULL,
            score INTEGER NOT NULL,
            reviews INTEGER NOT NULL,
            memory TEXT,
            PRIMARY KEY (user_id, question_id)
        );
        INSERT INTO review_cards (user_id, question_id, due, score, reviews, memory)
        SELECT attempts.user_id, attempts.question_id, attempts.answered_at, attempts.score,
               latest.answers, NULL
        FROM attempts JOIN (
            SELECT MAX(id) AS id, COUNT(*) AS answers FROM attempts GROUP BY user_id, question_id
        ) AS latest ON attempts.id = latest.id;
        """,
    ),
    (
        "005_interviews",
        """
        CREATE TABLE interviews (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL REFERENCES learners(user_id) ON DELETE CASCADE,
            difficulty TEXT,
            topic TEXT,
            status TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            stage TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE UNIQUE INDEX interviews_running ON interviews(chat_id, user_id)
            WHERE status = 'running';
        CREATE TABLE interview_questions (
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            answer TEXT,
            score INTEGER,
            passed INTEGER NOT NULL DEFAULT 0,
            follow_up_answer TEXT,
            answered_at TEXT,
            PRIMARY KEY (interview_id, position)
        );
        """,
    ),
    (
        "006_streak_freezes",
        """
        ALTER TABLE streaks ADD COLUMN freezes INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        "007_disputes",
        """
        CREATE TABLE disputes (
            attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX disputes_by_question ON disputes(question_id);
        CREATE TABLE disputed_points (
            attempt_id INTEGER NOT NULL REFERENCES disputes(attempt_id) ON DELETE CASCADE,
            point TEXT NOT NULL,
            PRIMARY KEY (attempt_id, point)
        );
        """,
    ),
]


async def migrate(database: Database) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names."""
    connection = database.connection
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    async with connection.execute("SELECT name FROM migrations") as cursor:
        done = {row[0] for row in await cursor.fetchall()}
    applied = []
    for name, script in MIGRATIONS:
        if name in done:
            continue
        async with database.transaction() as tx:
            for statement in _statements(script):
                await tx.execute(statement)
            await tx.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, datetime('now'))", (name,)
            )
        applied.append(name)
    return applied


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
