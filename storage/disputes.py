"""Disputed grades: learners who think an answer deserved better, and what it was marked down
for, so the questions' key points can be improved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.core.review import ReviewCard
from storage.cards import write_card
from storage.engine import Database
from storage.notices import NoticeKind, queue_notice


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
        changed = await tx.execute(
            "INSERT INTO disputes (attempt_id, user_id, question_id, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (attempt_id, user_id, question_id, now.isoformat()),
        )
        if changed == 0:
            return False
        await tx.executemany(
            "INSERT INTO disputed_points (attempt_id, point, position) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(attempt_id, point, position) for position, point in enumerate(dict.fromkeys(points))],
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


@dataclass(frozen=True, slots=True)
class DisputedAnswer:
    """One disputed answer, with the key points it was not credited for."""

    attempt_id: int
    user_id: int
    name: str
    question_id: str
    answer: str
    score: int
    answered_at: datetime
    disputed_at: datetime
    points: tuple[str, ...]
    upheld_at: datetime | None = None
    original_score: int | None = None


_ANSWER_QUERY = (
    "SELECT disputes.*, attempts.answer, attempts.score, attempts.answered_at, "
    "COALESCE(learners.name, '') AS name FROM disputes "
    "JOIN attempts ON attempts.id = disputes.attempt_id "
    "LEFT JOIN learners ON learners.user_id = disputes.user_id "
)


async def open_disputes(db: Database, limit: int) -> list[DisputedAnswer]:
    """Disputes no operator has upheld yet, oldest first."""
    rows = await db.fetch_all(
        _ANSWER_QUERY + "WHERE disputes.upheld_at IS NULL ORDER BY disputes.attempt_id LIMIT ?",
        (limit,),
    )
    return [await _disputed_answer(db, row) for row in rows]


async def upheld_disputes(db: Database) -> list[DisputedAnswer]:
    """Every upheld dispute, oldest first."""
    rows = await db.fetch_all(
        _ANSWER_QUERY + "WHERE disputes.upheld_at IS NOT NULL ORDER BY disputes.attempt_id"
    )
    return [await _disputed_answer(db, row) for row in rows]


async def get_disputed_answer(db: Database, attempt_id: int) -> DisputedAnswer | None:
    row = await db.fetch_one(_ANSWER_QUERY + "WHERE disputes.attempt_id = ?", (attempt_id,))
    return await _disputed_answer(db, row) if row else None


async def _disputed_answer(db: Database, row) -> DisputedAnswer:
    points = await db.fetch_all(
        "SELECT point FROM disputed_points WHERE attempt_id = ? ORDER BY position",
        (row["attempt_id"],),
    )
    upheld = row["upheld_at"]
    return DisputedAnswer(
        row["attempt_id"],
        row["user_id"],
        row["name"],
        row["question_id"],
        row["answer"],
        row["score"],
        datetime.fromisoformat(row["answered_at"]),
        datetime.fromisoformat(row["created_at"]),
        tuple(p["point"] for p in points),
        datetime.fromisoformat(upheld) if upheld else None,
        row["original_score"],
    )


async def uphold_dispute(
    db: Database,
    disputed: DisputedAnswer,
    operator_id: int,
    score: int,
    card: ReviewCard,
    notice: str,
    now: datetime,
) -> bool:
    """Uphold a dispute in one transaction: the attempt's new score (and its interview
    answer's, if it was one), its uncredited key points now credited, the question's review
    card, and the notice to the learner queued. False if it was upheld already."""
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE disputes SET upheld_at = ?, upheld_by = ?, original_score = ? "
            "WHERE attempt_id = ? AND upheld_at IS NULL",
            (now.isoformat(), operator_id, disputed.score, disputed.attempt_id),
        )
        if changed == 0:
            return False
        await tx.execute("UPDATE attempts SET score = ? WHERE id = ?", (score, disputed.attempt_id))
        await tx.execute(
            "UPDATE attempt_points SET coverage = 'covered' WHERE attempt_id = ?",
            (disputed.attempt_id,),
        )
        await tx.execute(
            "UPDATE interview_questions SET score = ? WHERE answered_at = ? AND answer = ? "
            "AND interview_id IN (SELECT id FROM interviews WHERE user_id = ?)",
            (score, disputed.answered_at.isoformat(), disputed.answer, disputed.user_id),
        )
        await write_card(tx, disputed.user_id, card)
        await queue_notice(
            tx,
            disputed.user_id,
            NoticeKind.DISPUTE_UPHELD,
            str(disputed.attempt_id),
            notice,
            now,
        )
        return True


async def question_answers(db: Database, user_id: int, question_id: str):
    """The learner's answers to a question, oldest first: (attempt id, time, score)."""
    rows = await db.fetch_all(
        "SELECT id, answered_at, score FROM attempts WHERE user_id = ? AND question_id = ? "
        "ORDER BY id",
        (user_id, question_id),
    )
    return [(row["id"], datetime.fromisoformat(row["answered_at"]), row["score"]) for row in rows]
