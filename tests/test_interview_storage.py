"""Interview storage on a real SQLite file: steps, one running interview, forgetting."""

import sqlite3
from datetime import UTC, datetime

import asyncpg
import pytest

from bot.conversation.answers import answer_records
from storage.cards import get_card
from storage.interviews import (
    InterviewStatus,
    Stage,
    Step,
    get_interview,
    move_interview,
    running_interview,
    save_answer,
    save_follow_up,
    save_pass,
    start_interview,
)
from storage.learners import ensure_learner, forget_learner

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


async def test_each_step_of_an_interview_is_stored_with_the_answer_it_records(db):
    await ensure_learner(db, 7, "Ada", NOW)
    interview_id = await start_interview(db, 7, 7, "middle", None, ["gil", "event-loop"], NOW)
    interview = await running_interview(db, 7, 7)
    assert (interview.id, interview.position, interview.stage) == (interview_id, 0, Stage.QUESTION)
    records = await answer_records(db, 7, 7, "gil", "the gil ...", 55, 0, NOW)
    step = Step(0, Stage.FOLLOW_UP)
    await save_answer(db, interview, step, records.attempt, records.streak, records.card)
    interview = await running_interview(db, 7, 7)
    assert interview.stage is Stage.FOLLOW_UP and interview.questions[0].score == 55
    assert (await get_card(db, 7, "gil")).score == 55
    await save_follow_up(db, interview, "weak references", Step(1), NOW)
    interview = await running_interview(db, 7, 7)
    assert interview.position == 1 and interview.questions[0].followed_up
    await save_pass(db, interview, Step(1, Stage.QUESTION, InterviewStatus.FINISHED), NOW)
    assert await running_interview(db, 7, 7) is None
    finished = await get_interview(db, interview_id)
    assert finished.status is InterviewStatus.FINISHED
    assert [(q.score, q.passed) for q in finished.questions] == [(55, False), (0, True)]


async def test_one_running_interview_per_learner_and_chat_and_forget_removes_them(db):
    await ensure_learner(db, 7, "Ada", NOW)
    await start_interview(db, 7, 7, None, "gil", ["gil"], NOW)
    with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
        await start_interview(db, 7, 7, None, None, ["gil"], NOW)
    running = await running_interview(db, 7, 7)
    await move_interview(db, running, Step(0, Stage.QUESTION, InterviewStatus.CANCELLED), NOW)
    again = await start_interview(db, 7, 7, None, None, ["gil"], NOW)
    assert (await running_interview(db, 7, 7)).id == again
    await forget_learner(db, 7)
    assert await get_interview(db, again) is None
    rows = await db.fetch_all("SELECT * FROM interview_questions")
    assert rows == []
