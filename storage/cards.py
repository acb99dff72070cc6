"""Review cards: one per learner and answered question, with its due time and FSRS state."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.review import ReviewCard
from storage.engine import Database, Row, Transaction


async def get_cards(db: Database, user_id: int) -> list[ReviewCard]:
    """Every card of the learner."""
    rows = await db.fetch_all(
        "SELECT * FROM review_cards WHERE user_id = ? ORDER BY question_id", (user_id,)
    )
    return [_card(row) for row in rows]


async def get_card(db: Database, user_id: int, question_id: str) -> ReviewCard | None:
    row = await db.fetch_one(
        "SELECT * FROM review_cards WHERE user_id = ? AND question_id = ?", (user_id, question_id)
    )
    return _card(row) if row else None


async def write_card(tx: Transaction, user_id: int, card: ReviewCard) -> None:
    """Create or replace the learner's card, inside the caller's transaction."""
    await tx.execute(
        "INSERT INTO review_cards (user_id, question_id, due, score, reviews, memory) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, question_id) DO UPDATE SET "
        "due = excluded.due, score = excluded.score, reviews = excluded.reviews, "
        "memory = excluded.memory",
        (
            user_id,
            card.question_id,
            card.due.astimezone(UTC).isoformat(),
            card.score,
            card.reviews,
            card.memory,
        ),
    )


def _card(row: Row) -> ReviewCard:
    due = datetime.fromisoformat(row["due"])
    return ReviewCard(
        row["question_id"],
        due if due.tzinfo else due.replace(tzinfo=UTC),
        row["score"],
        row["reviews"],
        row["memory"],
    )
