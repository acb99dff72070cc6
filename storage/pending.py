"""The question each learner is answering, kept so a restart loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.engine import Database


@dataclass(frozen=True, slots=True)
class Pending:
    chat_id: int
    user_id: int
    question_id: str
    hints: int
    prompt_id: int | None = None  # the first message that asked it, once sent


@dataclass(frozen=True, slots=True)
class Asked:
    """What a message the bot sent asks: the question, and the prompt (the asking) it is
    part of, named by the id of that asking's first message."""

    question_id: str
    prompt_id: int


async def set_pending(
    db: Database,
    chat_id: int,
    user_id: int,
    question_id: str,
    now: datetime,
    prompt_id: int | None = None,
) -> None:
    """Make `question_id` the one this learner answers next in this chat (hints reset);
    `prompt_id` is the message that asks it, when it is already sent."""
    await db.write(
        "INSERT INTO pending (chat_id, user_id, question_id, message_id, hints, asked_at) "
        "VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT(chat_id, user_id) DO UPDATE SET "
        "question_id = excluded.question_id, message_id = excluded.message_id, hints = 0, "
        "asked_at = excluded.asked_at",
        (chat_id, user_id, question_id, prompt_id, now.isoformat()),
    )


async def pending_sent(
    db: Database, chat_id: int, user_id: int, question_id: str, prompt_id: int
) -> None:
    """The pending question went out as message `prompt_id` (kept if already known)."""
    await db.write(
        "UPDATE pending SET message_id = ? WHERE chat_id = ? AND user_id = ? "
        "AND question_id = ? AND message_id IS NULL",
        (prompt_id, chat_id, user_id, question_id),
    )


async def get_pending(db: Database, chat_id: int, user_id: int) -> Pending | None:
    row = await db.fetch_one(
        "SELECT question_id, hints, message_id FROM pending WHERE chat_id = ? AND user_id = ?",
        (chat_id, user_id),
    )
    if row is None:
        return None
    return Pending(chat_id, user_id, row["question_id"], row["hints"], row["message_id"])


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


async def remember_question_messages(
    db: Database, chat_id: int, message_ids: list[int], question_id: str, now: datetime
) -> None:
    """Record which question the sent messages of one asking ask, so replies to them can be
    graded; the first of them names the prompt."""
    if not message_ids:
        return
    await db.write(
        "INSERT INTO asked_messages (chat_id, message_id, question_id, asked_at, prompt_id) "
        f"VALUES {', '.join(['(?, ?, ?, ?, ?)'] * len(message_ids))} "
        "ON CONFLICT (chat_id, message_id) DO UPDATE SET question_id = excluded.question_id, "
        "asked_at = excluded.asked_at, prompt_id = excluded.prompt_id",
        [
            value
            for message_id in message_ids
            for value in (chat_id, message_id, question_id, now.isoformat(), message_ids[0])
        ],
    )


async def question_of_message(db: Database, chat_id: int, message_id: int) -> Asked | None:
    row = await db.fetch_one(
        "SELECT question_id, prompt_id FROM asked_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return Asked(row["question_id"], row["prompt_id"] or message_id) if row else None


async def was_graded(db: Database, chat_id: int, user_id: int, prompt_id: int) -> bool:
    """Whether the learner's answer to this prompt was graded already."""
    row = await db.fetch_one(
        "SELECT 1 FROM graded_prompts WHERE chat_id = ? AND user_id = ? AND prompt_id = ?",
        (chat_id, user_id, prompt_id),
    )
    return row is not None
