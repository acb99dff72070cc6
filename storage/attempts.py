"""Graded attempts, written with the streak they extend and the review card they update;
the reads behind /stats, /top and time-zone moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core.leaderboard import Score
from bot.core.review import ReviewCard
from bot.core.streaks import Streak
from storage.cards import write_card
from storage.engine import Database, Row, Transaction
from storage.streaks import write_streak


@dataclass(frozen=True, slots=True)
class PointGrade:
    """How one key point of the question fared in an answer."""

    point: str
    coverage: str  # the grader's Coverage value: covered, partly covered, missed
    closeness: float


@dataclass(frozen=True, slots=True)
class Attempt:
    user_id: int
    chat_id: int
    question_id: str
    answer: str
    score: int
    hints: int
    answered_at: datetime
    local_day: date
    points: tuple[PointGrade, ...] = ()
    message_id: int | None = None  # the learner's message it grades, when known


@dataclass(frozen=True, slots=True)
class StoredAttempt:
    """An attempt as stored, with its id and whether the learner disputed its grade."""

    id: int
    attempt: Attempt
    disputed: bool
    upheld: bool


class AlreadyGraded(Exception):
    """The learner's answer to this prompt was graded before; nothing was written."""


async def record_attempt(
    db: Database,
    attempt: Attempt,
    streak: Streak,
    card: ReviewCard | None = None,
    prompt_id: int | None = None,
) -> int:
    """Store the attempt with its key points, save the new streak and the question's review
    card, and clear the chat's pending question, in one transaction; the attempt's id. With
    `prompt_id`, the attempt is the learner's one graded answer to that prompt: AlreadyGraded
    if there is one."""
    async with db.transaction() as tx:
        return await write_attempt(tx, attempt, streak, card, prompt_id)


async def write_attempt(
    tx: Transaction,
    attempt: Attempt,
    streak: Streak,
    card: ReviewCard | None = None,
    prompt_id: int | None = None,
) -> int:
    """What `record_attempt` writes, inside the caller's transaction (which AlreadyGraded
    rolls back); the attempt's id."""
    inserted = await tx.fetch_one(
        "INSERT INTO attempts (user_id, chat_id, question_id, answer, score, hints, "
        "answered_at, local_day, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            attempt.user_id,
            attempt.chat_id,
            attempt.question_id,
            attempt.answer,
            attempt.score,
            attempt.hints,
            attempt.answered_at.isoformat(),
            attempt.local_day.isoformat(),
            attempt.message_id,
        ),
    )
    attempt_id = inserted["id"]
    if prompt_id is not None:
        claimed = await tx.execute(
            "INSERT INTO graded_prompts (chat_id, user_id, prompt_id, attempt_id) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (attempt.chat_id, attempt.user_id, prompt_id, attempt_id),
        )
        if claimed == 0:
            raise AlreadyGraded(prompt_id)
    await tx.executemany(
        "INSERT INTO attempt_points (attempt_id, position, point, coverage, closeness) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (attempt_id, position, p.point, p.coverage, p.closeness)
            for position, p in enumerate(attempt.points)
        ],
    )
    await write_streak(tx, attempt.user_id, streak)
    # A learner's first answer starts the streak reminder and the weekly recap (defaults).
    await tx.execute(
        "INSERT INTO nudge_settings (user_id) VALUES (?) ON CONFLICT DO NOTHING",
        (attempt.user_id,),
    )
    await tx.execute(
        "DELETE FROM pending WHERE chat_id = ? AND user_id = ? AND question_id = ?",
        (attempt.chat_id, attempt.user_id, attempt.question_id),
    )
    if card is not None:
        await write_card(tx, attempt.user_id, card)
    return attempt_id


async def scores_by_question(db: Database, user_id: int) -> dict[str, list[int]]:
    """Every score the learner got, per question, oldest first."""
    rows = await db.fetch_all(
        "SELECT question_id, score FROM attempts WHERE user_id = ? ORDER BY id", (user_id,)
    )
    scores: dict[str, list[int]] = {}
    for row in rows:
        scores.setdefault(row["question_id"], []).append(row["score"])
    return scores


async def get_attempt(db: Database, attempt_id: int) -> Attempt | None:
    row = await db.fetch_one("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
    if row is None:
        return None
    return _attempt(row, await _points_of(db, [attempt_id]))


async def attempt_of_message(
    db: Database, chat_id: int, user_id: int, message_id: int
) -> tuple[int, Attempt] | None:
    """The attempt that graded this message of the learner, with its id, if any."""
    row = await db.fetch_one(
        "SELECT * FROM attempts WHERE chat_id = ? AND user_id = ? AND message_id = ?",
        (chat_id, user_id, message_id),
    )
    if row is None:
        return None
    return row["id"], _attempt(row, await _points_of(db, [row["id"]]))


async def attempts_of(db: Database, user_id: int) -> list[StoredAttempt]:
    """Every attempt of the learner, oldest first, with its key points and dispute."""
    rows = await db.fetch_all(
        "SELECT attempts.*, disputes.attempt_id IS NOT NULL AS disputed, "
        "CASE WHEN disputes.upheld_at IS NULL THEN 0 ELSE 1 END AS upheld "
        "FROM attempts LEFT JOIN disputes ON disputes.attempt_id = attempts.id "
        "WHERE attempts.user_id = ? ORDER BY attempts.id",
        (user_id,),
    )
    points = await _points_of(db, [row["id"] for row in rows])
    return [
        StoredAttempt(row["id"], _attempt(row, points), bool(row["disputed"]), bool(row["upheld"]))
        for row in rows
    ]


async def _points_of(db: Database, attempt_ids: list[int]) -> dict[int, tuple[PointGrade, ...]]:
    """The key-point grades of the attempts, by attempt id (one query per 500 ids)."""
    found: dict[int, list[PointGrade]] = {}
    for start in range(0, len(attempt_ids), 500):
        chunk = attempt_ids[start : start + 500]
        rows = await db.fetch_all(
            "SELECT * FROM attempt_points WHERE attempt_id IN "
            f"({', '.join('?' * len(chunk))}) ORDER BY attempt_id, position",
            chunk,
        )
        for row in rows:
            found.setdefault(row["attempt_id"], []).append(
                PointGrade(row["point"], row["coverage"], row["closeness"])
            )
    return {key: tuple(value) for key, value in found.items()}


def _attempt(row: Row, points: dict[int, tuple[PointGrade, ...]]) -> Attempt:
    return Attempt(
        row["user_id"],
        row["chat_id"],
        row["question_id"],
        row["answer"],
        row["score"],
        row["hints"],
        datetime.fromisoformat(row["answered_at"]),
        date.fromisoformat(row["local_day"]),
        points.get(row["id"], ()),
        row["message_id"],
    )


async def last_answered_at(db: Database, user_id: int) -> datetime | None:
    """When the learner's latest answer was graded, None before the first."""
    row = await db.fetch_one(
        "SELECT answered_at FROM attempts WHERE user_id = ? ORDER BY id DESC LIMIT 1", (user_id,)
    )
    return datetime.fromisoformat(row["answered_at"]) if row else None


async def answers_per_day(db: Database, user_id: int, since: date) -> dict[date, int]:
    """Answers graded per local day (the learner's day when answering), from `since` on."""
    rows = await db.fetch_all(
        "SELECT local_day, COUNT(*) AS answers FROM attempts WHERE user_id = ? "
        "AND local_day >= ? GROUP BY local_day",
        (user_id, since.isoformat()),
    )
    return {date.fromisoformat(row["local_day"]): row["answers"] for row in rows}


async def answers_in_chat(db: Database, chat_id: int, question_id: str) -> list[Score]:
    """Every graded answer to a question in a chat, with the answerer's name, oldest first."""
    rows = await db.fetch_all(
        "SELECT attempts.user_id, learners.name, attempts.score, attempts.answered_at "
        "FROM attempts JOIN learners USING (user_id) "
        "WHERE attempts.chat_id = ? AND attempts.question_id = ? ORDER BY attempts.id",
        (chat_id, question_id),
    )
    return [
        Score(row["user_id"], row["name"], row["score"], datetime.fromisoformat(row["answered_at"]))
        for row in rows
    ]
