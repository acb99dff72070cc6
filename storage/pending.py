"""The question each learner is answering, kept so a restart loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database


@dataclass(frozen=True, slots=True)
class Pending:
    chat_id: int
    user_id: int
    question_id: str
    hints: int


async def set_pending(
    db: Database, chat_id: int, user_id: int, question_id: str, now: datetime
) -> None:
    """Make `question_id` the one this learner answers next in this chat (hints reset)."""
    await db.write(
        "INSERT INTO pending (chat_id, user_id, question_id, hints, asked_at) "
        "VALUES (?, ?, ?, 0, ?) ON CONFLICT(chat_id, user_id) DO UPDATE SET "
        "question_id = excluded.question_id, hints = 0, asked_at = excluded.asked_at",
        (chat_id, user_id, question_id, now.isoformat()),
    )


async def get_pending(db: Database, chat_id: int, user_id: int) -> Pending | None:
    row = await db.fetch_one(
        "SELECT question_id, hints FROM pending WHERE chat_id = ? AND user_id = ?",
        (chat_id, user_id),
    )
    return Pending(chat_id, user_id, row["question_id"], row["hints"]) if row else None


async def add_hint(db: Database, chat_id: int, user_id: int) -> None:
    await db.write(
        "UPDATE pending SET hints = hints + 1 WHERE chat_id = ? AND user_id = ?",
        (chat_id, user_id),
    )


async def clear_pending(db: Database, chat_id: int, user_id: int) -> bool:
    """Drop the pending question; True if there was one."""
    changed = await db.write(
        "DELETE FROM pending WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
    )
    return changed > 0


async def remember_question_message(
    db: Database, chat_id: int, message_id: int, question_id: str, now: datetime
) -> None:
    """Record which question a sent message asks, so replies to it can be graded."""
    await db.write(
        "INSERT OR REPLACE INTO asked_messages (chat_id, message_id, question_id, asked_at) "
        "VALUES (?, ?, ?, ?)",
        (chat_id, message_id, question_id, now.isoformat()),
    )


async def question_of_message(db: Database, chat_id: int, message_id: int) -> str | None:
    row = await db.fetch_one(
        "SELECT question_id FROM asked_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return row["question_id"] if row else None
