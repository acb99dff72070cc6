"""What one graded answer changes: the attempt, the streak it extends, the question's card.

Practice and the mock interview both grade answers; both record them through here,
so an answer counts the same for streaks and reviews wherever it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.review import ReviewCard, review
from bot.core.streaks import Streak, extend, local_day
from bot.grader import Grade
from storage import Database
from storage.attempts import Attempt, PointGrade
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
    points: tuple[PointGrade, ...] = (),
    message_id: int | None = None,
) -> AnswerRecords:
    """The rows an answer scoring `score` at `now` writes, with its key points' verdicts
    (the caller writes them together); `message_id` is the learner's message, when known."""
    timezone = await get_timezone(db, user_id)
    day = local_day(now, timezone)
    streak = extend(await get_streak(db, user_id), day)
    card = review(await get_card(db, user_id, question_id), question_id, score, now)
    return AnswerRecords(
        Attempt(user_id, chat_id, question_id, text, score, hints, now, day, points, message_id),
        streak,
        card,
    )


def point_grades(grade: Grade) -> tuple[PointGrade, ...]:
    """The grade's verdict on each key point, as stored with the attempt."""
    return tuple(
        PointGrade(r.point.text, r.coverage.value, round(r.closeness, 3)) for r in grade.points
    )
