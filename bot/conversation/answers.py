"""What one graded answer changes: the attempt, the streak it extends, the question's card.

Practice and the mock interview both grade answers; both record them through here,
so an answer counts the same for streaks and reviews wherever it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.review import ReviewCard, review
from bot.core.streaks import Streak, extend, local_day
from storage import Database
from storage.attempts import Attempt
from storage.cards import get_card
from storage.learners import get_timezone
from storage.streaks import get_streak


@dataclass(frozen=True, slots=True)
class AnswerRecords:
    attempt: Attempt
    streak: Streak
    card: ReviewCard


async def answer_records(
    db: Database,
    user_id: int,
    chat_id: int,
    question_id: str,
    text: str,
    score: int,
    hints: int,
    now: datetime,
    message_id: int | None = None,
) -> AnswerRecords:
    """The rows an answer scoring `score` at `now` writes (the caller writes them together);
    `message_id` is the learner's message, when known."""
    timezone = await get_timezone(db, user_id)
    day = local_day(now, timezone)
    streak = extend(await get_streak(db, user_id), day)
    card = review(await get_card(db, user_id, question_id), question_id, score, now)
    return AnswerRecords(
        Attempt(user_id, chat_id, question_id, text, score, hints, now, day, message_id),
        streak,
        card,
    )
