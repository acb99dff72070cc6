"""Review cards: one per learner and answered question, with its due time and FSRS state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from storage.db import Database


@dataclass(frozen=True, slots=True)
class CardRow:
    user_id: int
    question_id: str
    due: datetime
    score: int
    reviews: int
    memory: str | None


async def get_cards(db: Database, user_id: int) -> list[CardRow]:
    """Every card of the learner."""
    rows = await db.fetch_all(
        "SELECT * FROM review_cards WHERE user_id = ? ORDER BY question_id", (user_id,)
    )
    return [_card(row) for row in rows]


async def get_card(db: Database, user_id: int, question_id: str) -> CardRow | None:
    row = await db.fetch_one(
        "SELECT * FROM review_cards WHERE user_id = ? AND question_id = ?", (user_id, question_id)
    )
    return _card(row) if row else None


async def write_card(tx: aiosqlite.Connection, card: CardRow) -> None:
    """Create or replace the card, inside the caller's transaction."""
    await tx.execute(
        "INSERT INTO review_cards (user_id, question_id, due, score, reviews, memory) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, question_id) DO UPDATE SET "
        "due = excluded.due, score = excluded.score, reviews = excluded.reviews, "
        "memory = excluded.memory",
        (
            card.user_id,
            card.question_id,
            card.due.astimezone(UTC).isoformat(),
            card.score,
            card.reviews,
            card.memory,
        ),
    )


def _card(row: aiosqlite.Row) -> CardRow:
    due = datetime.fromisoformat(row["due"])
    return CardRow(
        row["user_id"],
        row["question_id"],
        due if due.tzinfo else due.replace(tzinfo=UTC),
        row["score"],
        row["reviews"],
        row["memory"],
    )
