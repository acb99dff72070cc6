"""Graded attempts and the streak they extend, written together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Database


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


@dataclass(frozen=True, slots=True)
class StreakRow:
    current: int
    best: int
    last_day: date | None


async def record_attempt(db: Database, attempt: Attempt, streak: StreakRow) -> None:
    """Store the attempt, save the new streak and clear the chat's pending question."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO attempts (user_id, chat_id, question_id, answer, score, hints, "
            "answered_at, local_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                attempt.user_id,
                attempt.chat_id,
                attempt.question_id,
                attempt.answer,
                attempt.score,
                attempt.hints,
                attempt.answered_at.isoformat(),
                attempt.local_day.isoformat(),
            ),
        )
        await tx.execute(
            "INSERT INTO streaks (user_id, current, best, last_day) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET current = excluded.current, "
            "best = excluded.best, last_day = excluded.last_day",
            (attempt.user_id, streak.current, streak.best, _day(streak.last_day)),
        )
        await tx.execute(
            "DELETE FROM pending WHERE chat_id = ? AND user_id = ? AND question_id = ?",
            (attempt.chat_id, attempt.user_id, attempt.question_id),
        )


async def get_streak(db: Database, user_id: int) -> StreakRow:
    row = await db.fetch_one(
        "SELECT current, best, last_day FROM streaks WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return StreakRow(0, 0, None)
    last = date.fromisoformat(row["last_day"]) if row["last_day"] else None
    return StreakRow(row["current"], row["best"], last)


async def scores_by_question(db: Database, user_id: int) -> dict[str, list[int]]:
    """Every score the learner got, per question, oldest first."""
    rows = await db.fetch_all(
        "SELECT question_id, score FROM attempts WHERE user_id = ? ORDER BY id", (user_id,)
    )
    scores: dict[str, list[int]] = {}
    for row in rows:
        scores.setdefault(row["question_id"], []).append(row["score"])
    return scores


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None
