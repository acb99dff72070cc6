"""The schema, as an ordered list of named steps; `db.migrate` applies each once and records it.

A step is an async function of the open transaction. Its recorded name is its position and
its function name (`003_daily_subscriptions_and_deliveries`), so new steps go at the end and
existing ones are never renamed, reordered or edited: databases already record them.

Steps are written in SQLite's dialect; the PostgreSQL engine translates their column types
(storage/postgres.py), so both engines build the same schema from the same steps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import NamedTuple

from storage.engine import Transaction

Apply = Callable[[Transaction], Awaitable[None]]


class Migration(NamedTuple):
    name: str
    apply: Apply


MIGRATIONS: list[Migration] = []


def migration(apply: Apply) -> Apply:
    """Append `apply` to MIGRATIONS as the next step."""
    MIGRATIONS.append(Migration(f"{len(MIGRATIONS) + 1:03d}_{apply.__name__}", apply))
    return apply


@migration
async def learners_attempts_streaks(tx: Transaction) -> None:
    await tx.execute(
        """
        CREATE TABLE learners (
            user_id INTEGER PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            timezone TEXT NOT NULL DEFAULT 'UTC',
            created_at TEXT NOT NULL
        )
        """
    )
    await tx.execute(
        """
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
        )
        """
    )
    await tx.execute("CREATE INDEX attempts_by_user ON attempts(user_id, question_id)")
    await tx.execute(
        """
        CREATE TABLE streaks (
            user_id INTEGER PRIMARY KEY REFERENCES learners(user_id) ON DELETE CASCADE,
            current INTEGER NOT NULL,
            best INTEGER NOT NULL,
            last_day TEXT
        )
        """
    )


@migration
async def pending_questions(tx: Transaction) -> None:
    await tx.execute(
        """
        CREATE TABLE pending (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            message_id INTEGER,
            hints INTEGER NOT NULL DEFAULT 0,
            asked_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, user_id)
        )
        """
    )
    await tx.execute(
        """
        CREATE TABLE asked_messages (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        )
        """
    )


@migration
async def daily_subscriptions_and_deliveries(tx: Transaction) -> None:
    await tx.execute(
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
        )
        """
    )
    await tx.execute("CREATE INDEX subscriptions_due ON subscriptions(active, next_due, chat_id)")
    await tx.execute(
        """
        CREATE TABLE deliveries (
            chat_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            question_id TEXT NOT NULL,
            status TEXT NOT NULL,
            message_id INTEGER,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, day)
        )
        """
    )


@migration
async def review_cards(tx: Transaction) -> None:
    """Questions answered before spaced repetition become cards due at their last answer
    (so: due now), with no FSRS state yet; their next answer starts it."""
    await tx.execute(
        """
        CREATE TABLE review_cards (
            user_id INTEGER NOT NULL REFERENCES learners(user_id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            due TEXT NOT NULL,
            score INTEGER NOT NULL,
            reviews INTEGER NOT NULL,
            memory TEXT,
            PRIMARY KEY (user_id, question_id)
        )
        """
    )
    await tx.execute(
        """
        INSERT INTO review_cards (user_id, question_id, due, score, reviews, memory)
        SELECT attempts.user_id, attempts.question_id, attempts.answered_at, attempts.score,
               latest.answers, NULL
        FROM attempts JOIN (
            SELECT MAX(id) AS id, COUNT(*) AS answers FROM attempts GROUP BY user_id, question_id
        ) AS latest ON attempts.id = latest.id
        """
    )


@migration
async def interviews(tx: Transaction) -> None:
    await tx.execute(
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
        )
        """
    )
    await tx.execute(
        """
        CREATE UNIQUE INDEX interviews_running ON interviews(chat_id, user_id)
            WHERE status = 'running'
        """
    )
    await tx.execute(
        """
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
        )
        """
    )


@migration
async def streak_freezes(tx: Transaction) -> None:
    await tx.execute("ALTER TABLE streaks ADD COLUMN freezes INTEGER NOT NULL DEFAULT 0")


@migration
async def disputes(tx: Transaction) -> None:
    await tx.execute(
        """
        CREATE TABLE disputes (
            attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    await tx.execute("CREATE INDEX disputes_by_question ON disputes(question_id)")
    await tx.execute(
        """
        CREATE TABLE disputed_points (
            attempt_id INTEGER NOT NULL REFERENCES disputes(attempt_id) ON DELETE CASCADE,
            point TEXT NOT NULL,
            PRIMARY KEY (attempt_id, point)
        )
        """
    )


@migration
async def attempt_points(tx: Transaction) -> None:
    """Each graded answer's verdict per key point, for the learner's export and disputes."""
    await tx.execute(
        """
        CREATE TABLE attempt_points (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            point TEXT NOT NULL,
            coverage TEXT NOT NULL,
            closeness REAL NOT NULL,
            PRIMARY KEY (attempt_id, position)
        )
        """
    )


@migration
async def dispute_outcomes(tx: Transaction) -> None:
    """An operator may uphold a dispute: when, by whom, and the score it replaced."""
    await tx.execute("ALTER TABLE disputes ADD COLUMN upheld_at TEXT")
    await tx.execute("ALTER TABLE disputes ADD COLUMN upheld_by INTEGER")
    await tx.execute("ALTER TABLE disputes ADD COLUMN original_score INTEGER")


@migration
async def notices(tx: Transaction) -> None:
    """Messages the bot sends on its own initiative (dispute outcomes, streak reminders, weekly
    recaps): one row per chat, kind and key, claimed before sending so none goes out twice."""
    await tx.execute(
        """
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL,
            message_id INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (chat_id, kind, key)
        )
        """
    )
    await tx.execute("CREATE INDEX notices_queued ON notices(status, id)")


@migration
async def nudge_settings(tx: Transaction) -> None:
    """Per learner: the streak reminder's local time (NULL: off) and the weekly recap (on or
    off), with their next due times in UTC (NULL: to be scheduled). Every learner has a row,
    the reminder at 20:00 and the recap on until they turn them off."""
    await tx.execute(
        """
        CREATE TABLE nudge_settings (
            user_id INTEGER PRIMARY KEY REFERENCES learners(user_id) ON DELETE CASCADE,
            remind_at TEXT DEFAULT '20:00',
            remind_due TEXT,
            recap INTEGER NOT NULL DEFAULT 1,
            recap_due TEXT
        )
        """
    )
    await tx.execute("CREATE INDEX nudges_remind_due ON nudge_settings(remind_due)")
    await tx.execute("CREATE INDEX nudges_recap_due ON nudge_settings(recap_due)")
    await tx.execute("INSERT INTO nudge_settings (user_id) SELECT user_id FROM learners")


@migration
async def one_graded_answer_per_prompt(tx: Transaction) -> None:
    """A prompt is one asking of a question, named by the id of its first message in the
    chat: asked messages and pending questions record it, interviews record the message
    that asked their current stage, and each learner's graded answer to a prompt is kept,
    so a second answer to it is refused and a message older than it never answers it."""
    await tx.execute("ALTER TABLE asked_messages ADD COLUMN prompt_id INTEGER")
    await tx.execute("UPDATE asked_messages SET prompt_id = message_id")
    await tx.execute("ALTER TABLE interviews ADD COLUMN prompt_message_id INTEGER")
    await tx.execute(
        """
        CREATE TABLE graded_prompts (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            prompt_id INTEGER NOT NULL,
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            PRIMARY KEY (chat_id, user_id, prompt_id)
        )
        """
    )


@migration
async def time_zones_that_are_places(tx: Transaction) -> None:
    """Zones /timezone no longer accepts (the server's own `localtime`, `Factory`, the POSIX
    template and the alternative trees) become UTC, for learners and daily questions."""
    for table in ("learners", "subscriptions"):
        await tx.execute(
            f"UPDATE {table} SET timezone = 'UTC' "
            "WHERE lower(timezone) IN ('localtime', 'factory', 'posixrules') "
            "OR timezone LIKE 'posix/%' OR timezone LIKE 'right/%'"
        )


@migration
async def inbox(tx: Transaction) -> None:
    """Updates fetched from Telegram, stored before they are confirmed there and marked done
    once handled: a crash or a stop at any instant leaves the rest to resume at start-up."""
    await tx.execute(
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    await tx.execute("CREATE INDEX inbox_waiting ON inbox(done, update_id)")


@migration
async def answers_by_message(tx: Transaction) -> None:
    """The learner's message an attempt grades, and the message that last moved an
    interview: the same message handled again (after a crash) shows its grade again
    instead of counting twice."""
    await tx.execute("ALTER TABLE attempts ADD COLUMN message_id INTEGER")
    await tx.execute(
        "CREATE UNIQUE INDEX attempts_by_message ON attempts(chat_id, user_id, message_id) "
        "WHERE message_id IS NOT NULL"
    )
    await tx.execute("ALTER TABLE interviews ADD COLUMN moved_by INTEGER")


@migration
async def disputed_points_in_order(tx: Transaction) -> None:
    """Uncredited points keep the order they were disputed in, on every engine (SQLite's
    rowid gave it before; databases on PostgreSQL start with this step already applied)."""
    await tx.execute("ALTER TABLE disputed_points ADD COLUMN position INTEGER NOT NULL DEFAULT 0")
    if tx.engine == "sqlite":
        await tx.execute("UPDATE disputed_points SET position = rowid")


@migration
async def inbox_turns(tx: Transaction) -> None:
    """Each stored update names its turn (its chat; the user for updates without one), so
    whichever process holds a chat's turn applies that chat's waiting updates in order."""
    await tx.execute("ALTER TABLE inbox ADD COLUMN turn INTEGER")
    await tx.execute("CREATE INDEX inbox_turn_waiting ON inbox(turn, update_id) WHERE done = 0")


@migration
async def send_budget(tx: Transaction) -> None:
    """Messages started per second of the clock by every process together, so a fleet stays
    under Telegram's overall limit."""
    await tx.execute("CREATE TABLE send_budget (second INTEGER PRIMARY KEY, used INTEGER NOT NULL)")
