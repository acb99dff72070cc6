"""Disputed grades: learners who think an answer deserved better, and what it was marked down
for, so the questions' key points can be improved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database


@dataclass(frozen=True, slots=True)
class DisputedQuestion:
    question_id: str
    disputes: int
    sample_answer: str  # the latest disputed answer
    points: tuple[tuple[str, int], ...]  # key points not credited, with how often, most first


async def add_dispute(
    db: Database,
    attempt_id: int,
    user_id: int,
    question_id: str,
    points: Iterable[str],
    now: datetime,
) -> bool:
    """Record a dispute of an attempt with the key points it was not credited for; False if
    that attempt was disputed already (nothing changes then)."""
    async with db.transaction() as tx:
        cursor = await tx.execute(
            "INSERT OR IGNORE INTO disputes (attempt_id, user_id, question_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            (attempt_id, user_id, question_id, now.isoformat()),
        )
        if cursor.rowcount == 0:
            return False
        await tx.executemany(
            "INSERT OR IGNORE INTO disputed_points (attempt_id, point) VALUES (?, ?)",
            [(attempt_id, point) for point in points],
        )
        return True


async def most_disputed(
    db: Database, limit: int, points_per_question: int
) -> list[DisputedQuestion]:
    """The questions with the most disputes (most recent first among equals), each with its
    most often uncredited key points and a sample answer."""
    rows = await db.fetch_all(
        "SELECT disputes.question_id, COUNT(*) AS disputes, MAX(disputes.attempt_id) AS latest "
        "FROM disputes GROUP BY disputes.question_id "
        "ORDER BY disputes DESC, latest DESC LIMIT ?",
        (limit,),
    )
    found = []
    for row in rows:
        sample = await db.fetch_one("SELECT answer FROM attempts WHERE id = ?", (row["latest"],))
        points = await _points(db, row["question_id"], points_per_question)
        found.append(
            DisputedQuestion(row["question_id"], row["disputes"], sample["answer"], points)
        )
    return found


async def _points(db: Database, question_id: str, limit: int) -> tuple[tuple[str, int], ...]:
    rows = await db.fetch_all(
        "SELECT disputed_points.point, COUNT(*) AS times FROM disputed_points "
        "JOIN disputes USING (attempt_id) WHERE disputes.question_id = ? "
        "GROUP BY disputed_points.point ORDER BY times DESC, disputed_points.point LIMIT ?",
        (question_id, limit),
    )
    return tuple((row["point"], row["times"]) for row in rows)


async def dispute_count(db: Database) -> int:
    row = await db.fetch_one("SELECT COUNT(*) AS disputes FROM disputes")
    return row["disputes"]
