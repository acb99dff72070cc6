"""Reviews and mock interviews end to end: the real bot, the fake Bot API server, a real
SQLite file and a clock the test moves."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.grader import Grader
from content import Question, load_bank
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.fake_telegram import FakeTelegram

ADA = 3001
GROUP = -100900
START = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)  # 14:00 in Berlin
WEAK = "I would explain it with an example from my last project"
BANK = load_bank()
GRADER = Grader(BANK)


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        yield server


@pytest.fixture
async def bot(fake, database_url, clock):
    async with running_bot(fake, database_url, clock) as application:
        yield application


async def say(fake, text, user=ADA, chat=ADA):
    """Ada sends `text`; the bot's one-message reply, as the user sees it."""
    before = len(fake.messages_to(chat))
    fake.user_sends(user, text, chat_id=chat)
    [reply] = await fake.wait_for_messages(chat, 1, since=before)
    return reply.plain_text


def asked(text: str) -> Question:
    """The bank question whose prompt the message shows."""
    [question] = [q for q in BANK.questions if q.prompt in text]
    return question


async def answer(fake, question: Question, text: str) -> tuple[str, bool]:
    """Answer an interview question; check the acknowledgement and, when the answer misses a
    key point and the question has a follow-up, that it is asked and acknowledged. The next
    reply, and whether a follow-up was asked."""
    grade = GRADER.grade(question, text)
    reply = await say(fake, text)
    assert reply.startswith(f"Noted: {grade.score}/100.")
    followed = bool(grade.missed and question.follow_up)
    if followed:
        assert f"Follow-up\n{question.follow_up}" in reply
        reply = await say(fake, "I would reach for a weak reference there")
        assert reply.startswith("Thanks, noted.")
    else:
        assert "Follow-up" not in reply
    return reply, followed


async def test_review_counts_due_cards_and_tells_the_next_time_in_the_learners_zone(
    fake, bot, clock
):
    nothing = await say(fake, "/review")
    assert "No reviews yet" in nothing
    await say(fake, "/timezone Europe/Berlin")
    await say(fake, "/quiz")
    await say(fake, WEAK)
    later = await say(fake, "/review")
    assert "Nothing to review now. The next review is due" in later
    assert "at 14:00 (Europe/Berlin)" in later
    clock.moment += timedelta(days=3)
    due = await say(fake, "/review")
    assert due.startswith("🔁 1 review due now, of 1 question you have answered.")


async def test_quiz_serves_the_due_review_before_new_questions(fake, bot, clock):
    first = asked(await say(fake, "/quiz"))
    assert first.section.number == 1, "a learner without answers starts at the first section"
    assert "/100" in await say(fake, WEAK)
    fresh = asked(await say(fake, "/quiz"))
    assert fresh.id != first.id and fresh.section is first.section
    await say(fake, "/cancel")
    clock.moment += timedelta(days=3)
    again = asked(await say(fake, "/quiz"))
    assert again.id == first.id


async def test_a_full_interview_with_a_follow_up_ends_in_a_report_card(fake, bot):
    intro = await say(fake, "/interview 3")
    assert intro.startswith("🎤 Mock interview: 3 questions, all levels, mixed across sections.")
    assert "Question 1 of 3" in intro
    first = asked(intro)
    second_message, first_followed = await answer(fake, first, first.answer)
    second = asked(second_message)
    third_message, second_followed = await answer(fake, second, WEAK)
    assert second_followed, "a weak answer to a question with a follow-up gets it"
    assert "Question 3 of 3" in third_message
    third = asked(third_message)
    assert len({first.section, second.section, third.section}) == 3
    report = await say(fake, "/skip")
    assert report.startswith("Passed: that one scores 0. That was the last question.")
    assert "📋 Report card:" in report
    assert "3. " in report and "passed ⏭" in report
    assert "Average: " in report and "💪 Strengths:" in report and "🎯 " in report
    assert "/topic " in report and "🧭 " in report
    assert report.count("(+ follow-up)") == first_followed + second_followed
    streak = await say(fake, "/streak")
    assert "Current streak: 1 day" in streak
    review = await say(fake, "/review")
    assert "2 questions in your reviews" in review or "due now, of 2 questions" in review
    after = await say(fake, "any message")
    assert "No question is waiting" in after


async def test_an_interview_survives_a_restart_in_the_middle(fake, database_url, clock):
    async with running_bot(fake, database_url, clock):
        first = asked(await say(fake, "/interview 3 asyncio"))
        assert first.follow_up, "every asyncio question has a follow-up"
        follow_up = await say(fake, WEAK)
        assert follow_up.startswith(f"Noted: {GRADER.grade(first, WEAK).score}/100.")
        assert first.follow_up in follow_up
    async with running_bot(fake, database_url, clock):
        where = await say(fake, "/interview")
        assert "at the follow-up to question 1 of 3" in where and first.follow_up in where
        reply = await say(fake, "I would cancel the task and await it")
        assert reply.startswith("Thanks, noted.") and "Question 2 of 3" in reply
        second = asked(reply)
        third = asked((await answer(fake, second, second.answer))[0])
        report, _ = await answer(fake, third, third.answer)
        assert "📋 Report card:" in report
        assert all(f"{n}. " in report for n in (1, 2, 3))
        assert report.count("(+ follow-up)") >= 1


async def test_interview_with_junk_arguments_gets_a_friendly_reply_and_changes_nothing(fake, bot):
    for junk in ("42", "2", "zzqq xxyy", "5 6", "senior junior", "🐍🐍"):
        reply = await say(fake, f"/interview {junk}")
        assert "/interview 6 senior" in reply, junk
    assert "No question is waiting" in await say(fake, "an answer to nothing")
    fake.add_group(GROUP, members=[ADA])
    group = await say(fake, "/interview", chat=GROUP)
    assert "private chat" in group
    first = await say(fake, "/interview 3")
    assert "Question 1 of 3" in first
    for other in ("/interview zzqq", "/interview 8", "/quiz", "/topic gil"):
        reminder = await say(fake, other)
        assert "You are in a mock interview, at question 1 of 3" in reminder, other
    assert "No hints in a mock interview" in await say(fake, "/hint")
    assert asked(await say(fake, "/interview")) == asked(first)


async def test_cancel_ends_an_interview_with_a_report_of_what_was_answered(fake, bot):
    await say(fake, "/interview")
    empty = await say(fake, "/cancel")
    assert "ended before any answer: nothing to report" in empty
    assert "No question is waiting" in await say(fake, "hello there")
    first = asked(await say(fake, "/interview 4 junior"))
    assert first.difficulty.value == "junior"
    await answer(fake, first, WEAK)
    report = await say(fake, "/cancel")
    assert report.startswith("Interview ended early: 1 of 4 answered.")
    assert "📋 Report card: junior-level mock interview" in report
    assert "1. " in report and "2. " not in report
    assert "Too few answers for a readiness verdict." in report
    assert "No question is waiting" in await say(fake, "hello again")
    assert "no question to drop" in await say(fake, "/cancel")
