"""Mock interviews: the planned questions, where the learner is, and how each answer went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.core.review import ReviewCard
from bot.core.streaks import Streak
from storage.attempts import Attempt, write_attempt
from storage.engine import Database, Transaction


class InterviewStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class Stage(StrEnum):
    QUESTION = "question"  # the question at `position` waits for its answer
    FOLLOW_UP = "follow-up"  # its follow-up question waits for an answer


@dataclass(frozen=True, slots=True)
class InterviewQuestion:
    position: int
    question_id: str
    score: int | None  # None until answered or passed
    passed: bool
    followed_up: bool


@dataclass(frozen=True, slots=True)
class Interview:
    id: int
    chat_id: int
    user_id: int
    difficulty: str | None  # None: any
    topic: str | None  # None: mixed
    status: InterviewStatus
    position: int
    stage: Stage
    questions: tuple[InterviewQuestion, ...]
    prompt_message_id: int | None = None  # the message that asked the current stage, once sent
    moved_by: int | None = None  # the learner's message that last moved it, when known


@dataclass(frozen=True, slots=True)
class Step:
    """Where a message moves the interview: to a position and stage, or to its end."""

    position: int
    stage: Stage = Stage.QUESTION
    status: InterviewStatus = InterviewStatus.RUNNING


async def start_interview(
    db: Database,
    chat_id: int,
    user_id: int,
    difficulty: str | None,
    topic: str | None,
    question_ids: Sequence[str],
    now: datetime,
) -> int:
    """Create a running interview with its questions in order; its id."""
    async with db.transaction() as tx:
        inserted = await tx.fetch_one(
            "INSERT INTO interviews (chat_id, user_id, difficulty, topic, status, position, "
            "stage, started_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
            (
                chat_id,
                user_id,
                difficulty,
                topic,
                InterviewStatus.RUNNING,
                Stage.QUESTION,
                now.isoformat(),
            ),
        )
        interview_id = inserted["id"]
        await tx.executemany(
            "INSERT INTO interview_questions (interview_id, position, question_id) "
            "VALUES (?, ?, ?)",
            [(interview_id, n, qid) for n, qid in enumerate(question_ids)],
        )
    return interview_id


async def running_interview(db: Database, chat_id: int, user_id: int) -> Interview | None:
    """The learner's running interview in this chat, with its questions."""
    row = await db.fetch_one(
        "SELECT id FROM interviews WHERE chat_id = ? AND user_id = ? AND status = ?",
        (chat_id, user_id, InterviewStatus.RUNNING),
    )
    return await get_interview(db, row["id"]) if row else None


async def get_interview(db: Database, interview_id: int) -> Interview | None:
    row = await db.fetch_one("SELECT * FROM interviews WHERE id = ?", (interview_id,))
    if row is None:
        return None
    rows = await db.fetch_all(
        "SELECT * FROM interview_questions WHERE interview_id = ? ORDER BY position",
        (interview_id,),
    )
    questions = tuple(
        InterviewQuestion(
            q["position"],
            q["question_id"],
            q["score"],
            bool(q["passed"]),
            q["follow_up_answer"] is not None,
        )
        for q in rows
    )
    return Interview(
        row["id"],
        row["chat_id"],
        row["user_id"],
        row["difficulty"],
        row["topic"],
        InterviewStatus(row["status"]),
        row["position"],
        Stage(row["stage"]),
        questions,
        row["prompt_message_id"],
        row["moved_by"],
    )


async def save_answer(
    db: Database,
    interview: Interview,
    step: Step,
    attempt: Attempt,
    streak: Streak,
    card: ReviewCard,
) -> int:
    """The graded answer to the current question, with its attempt, streak and card, and
    the interview's next step, in one transaction; the attempt's id."""
    async with db.transaction() as tx:
        attempt_id = await write_attempt(tx, attempt, streak, card, interview.prompt_message_id)
        await tx.execute(
            "UPDATE interview_questions SET answer = ?, score = ?, answered_at = ? "
            "WHERE interview_id = ? AND position = ?",
            (
                attempt.answer,
                attempt.score,
                attempt.answered_at.isoformat(),
                interview.id,
                interview.position,
            ),
        )
        await _move(tx, interview.id, step, attempt.answered_at, attempt.message_id)
        return attempt_id


async def save_pass(
    db: Database, interview: Interview, step: Step, now: datetime, message_id: int | None = None
) -> None:
    """The learner passes the current question (it scores 0); then the next step."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE interview_questions SET score = 0, passed = 1, answered_at = ? "
            "WHERE interview_id = ? AND position = ?",
            (now.isoformat(), interview.id, interview.position),
        )
        await _move(tx, interview.id, step, now, message_id)


async def save_follow_up(
    db: Database,
    interview: Interview,
    answer: str,
    step: Step,
    now: datetime,
    message_id: int | None = None,
) -> None:
    """The answer to the current question's follow-up (kept, not graded); then the next step."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE interview_questions SET follow_up_answer = ? "
            "WHERE interview_id = ? AND position = ?",
            (answer, interview.id, interview.position),
        )
        await _move(tx, interview.id, step, now, message_id)


async def move_interview(db: Database, interview: Interview, step: Step, now: datetime) -> None:
    """Move the interview on without recording an answer (a skipped follow-up, a cancel)."""
    async with db.transaction() as tx:
        await _move(tx, interview.id, step, now)


async def interview_prompt_sent(db: Database, interview_id: int, message_id: int) -> None:
    """The running interview's current stage was asked in message `message_id` (the first
    time it is shown counts)."""
    await db.write(
        "UPDATE interviews SET prompt_message_id = ? "
        "WHERE id = ? AND status = ? AND prompt_message_id IS NULL",
        (message_id, interview_id, InterviewStatus.RUNNING),
    )


async def _move(
    tx: Transaction,
    interview_id: int,
    step: Step,
    now: datetime,
    moved_by: int | None = None,
) -> None:
    """Move to `step`, by the learner's message `moved_by` if known; the new stage's prompt
    is unknown until the message asking it is sent."""
    ended = now.isoformat() if step.status is not InterviewStatus.RUNNING else None
    await tx.execute(
        "UPDATE interviews SET position = ?, stage = ?, status = ?, ended_at = ?, "
        "prompt_message_id = NULL, moved_by = COALESCE(?, moved_by) "
        "WHERE id = ? AND status = ?",
        (
            step.position,
            step.stage,
            step.status,
            ended,
            moved_by,
            interview_id,
            InterviewStatus.RUNNING,
        ),
    )
