"""One graded answer per learner per asked question, end to end: the real bot against the
fake Bot API server over a real SQLite file. Replies sent twice, replies to the pushed
question of the day, an interview answer sent twice before the follow-up existed, and the
group leaderboard that counts each member's first answer."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.config import Settings
from bot.conversation.tutor import Tutor
from bot.core.daily import first_due, question_of_the_day
from bot.grader import Grader
from bot.render.markup import HTML
from bot.telegram.app import build_application, daily_push
from content import load_bank
from storage import open_database
from storage.subscriptions import Subscription, subscribe
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.database import rows
from testing.fake_telegram import FakeTelegram

ADA, BOB = 4001, 4002
GROUP = -100400
BANK = load_bank()
GRADER = Grader(BANK)
WEAK = "I would explain it with an example from my last project"
ALREADY = "Already graded"


@pytest.fixture
def clock():
    return Clock(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        server.add_private_chat(BOB, "Bob")
        server.add_group(GROUP, admins=[ADA], members=[BOB])
        yield server


def attempts(database_url: str, user_id: int) -> list[tuple[str, int]]:
    """The learner's stored attempts (question, score), oldest first."""
    return rows(
        database_url,
        "SELECT question_id, score FROM attempts WHERE user_id = ? ORDER BY id",
        (user_id,),
    )


async def replies(fake, chat, count, before, timeout=5.0):
    return [m.plain_text for m in await fake.wait_for_messages(chat, count, since=before)]


async def test_a_group_reply_sent_twice_is_graded_once(fake, database_url, clock):
    async with running_bot(fake, database_url, clock):
        fake.user_sends(ADA, "/topic gil", chat_id=GROUP)
        [asked] = await fake.wait_for_messages(GROUP, 1)
        before = len(fake.messages_to(GROUP))
        for _ in range(2):
            fake.user_sends(BOB, WEAK, chat_id=GROUP, reply_to_message_id=asked.message_id)
        sent = await fake.wait_for_messages(GROUP, 2, since=before)
        grade, note = sent[0].plain_text, sent[-1].plain_text
        while ALREADY not in note:
            sent = await fake.wait_for_messages(GROUP, len(sent) + 1, since=before)
            note = sent[-1].plain_text
        assert "/100" in grade and "Bob" in grade
        assert note.startswith(ALREADY)
        assert sent[-1].reply_to_message_id is not None
    assert len(attempts(database_url, BOB)) == 1


async def test_replies_to_the_pushed_question_of_the_day_grade_once(fake, database_url, clock):
    settings = Settings(token=fake.token, api_url=fake.root, database_url=database_url)
    async with build_application(settings, clock) as application:
        db = await open_database(database_url)
        try:
            due = first_due(clock(), time(9), "UTC")
            await subscribe(db, Subscription(ADA, ADA, False, "UTC", time(9), due, True), clock())
            push = daily_push(settings, db, Tutor(db, BANK, HTML), application.bot, clock)
            assert (await push.run()).sent == 1
        finally:
            await db.close()
    [pushed] = fake.messages_to(ADA)
    question = BANK.get(question_of_the_day([q.id for q in BANK.questions], date(2026, 5, 4)))
    async with running_bot(fake, database_url, clock):
        for _ in range(3):
            before = len(fake.messages_to(ADA))
            fake.user_sends(ADA, question.answer, reply_to_message_id=pushed.message_id)
            [*_, last] = await fake.wait_for_messages(ADA, 1, since=before)
            while not last.reply_markup and ALREADY not in last.plain_text:
                [*_, last] = await fake.wait_for_messages(
                    ADA, len(fake.messages_to(ADA)) - before + 1, since=before
                )
            clock.moment += timedelta(seconds=30)
        texts = [m.plain_text for m in fake.messages_to(ADA)[1:]]
        assert sum("Strong answer" in t for t in texts) == 1
        assert sum(t.startswith(ALREADY) for t in texts) == 2
        before = len(fake.messages_to(ADA))
        fake.user_sends(ADA, "/streak")
        [streak] = await replies(fake, ADA, 1, before)
        assert "Current streak: 1 day" in streak
    assert attempts(database_url, ADA) == [
        (question.id, GRADER.grade(question, question.answer).score)
    ]


async def test_an_interview_answer_sent_twice_does_not_answer_the_follow_up(
    fake, database_url, clock
):
    async with running_bot(fake, database_url, clock):
        fake.user_sends(ADA, "/interview 3 asyncio")
        [intro] = await fake.wait_for_messages(ADA, 1)
        [first] = [q for q in BANK.questions if q.prompt in intro.plain_text]
        assert first.follow_up and GRADER.grade(first, WEAK).missed
        fake.user_sends(ADA, WEAK)
        fake.user_sends(ADA, WEAK)  # the same answer again, before the follow-up exists
        follow_up, note = await replies(fake, ADA, 2, 1)
        assert follow_up.startswith("Noted:") and first.follow_up in follow_up
        assert note.startswith(ALREADY) and "follow-up" in note
        fake.user_sends(ADA, "I would cancel the task and await it")
        [thanks] = await replies(fake, ADA, 1, 3)
        assert thanks.startswith("Thanks, noted.") and "Question 2 of 3" in thanks
    assert len(attempts(database_url, ADA)) == 1


async def test_a_message_sent_before_a_question_does_not_answer_it(fake, database_url, clock):
    async with running_bot(fake, database_url, clock):
        fake.user_sends(ADA, "/quiz")
        fake.user_sends(ADA, WEAK)  # typed before the question arrived
        question, note = await replies(fake, ADA, 2, 0)
        assert "Write your answer" in question
        assert "before" in note and "/100" not in note
        fake.user_sends(ADA, WEAK)
        [grade, *_] = await replies(fake, ADA, 1, 2)
        assert "/100" in grade
    assert len(attempts(database_url, ADA)) == 1


async def test_the_leaderboard_counts_each_members_first_graded_answer(fake, database_url, clock):
    clock.moment = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    question = BANK.get(question_of_the_day([q.id for q in BANK.questions], clock().date()))
    partial = question.key_points[0].text

    async def in_group(user, text=None, press=None, reply_to=None):
        before = len(fake.messages_to(GROUP))
        if press:
            fake.user_presses(user, press, "daily")
        else:
            fake.user_sends(user, text, chat_id=GROUP, reply_to_message_id=reply_to)
        [sent] = await fake.wait_for_messages(GROUP, 1, since=before)
        clock.moment += timedelta(minutes=1)
        return sent

    async with running_bot(fake, database_url, clock):
        empty = await in_group(BOB, "/top")
        first, second = [await in_group(BOB, press=empty) for _ in range(2)]
        assert question.prompt in first.plain_text and question.prompt in second.plain_text
        await in_group(BOB, WEAK, reply_to=first.message_id)
        await in_group(ADA, partial, reply_to=first.message_id)
        # Bob pastes the model answer the bot just showed, replying to the second asking
        pasted = await in_group(BOB, question.answer, reply_to=second.message_id)
        assert "100/100" in pasted.plain_text
        top = await in_group(ADA, "/top")
    weak, part = GRADER.grade(question, WEAK).score, GRADER.grade(question, partial).score
    assert part > weak
    ranked = top.plain_text.splitlines()[3:]
    assert ranked == [f"🥇 \u2068Ada\u2069: {part}/100", f"🥈 \u2068Bob\u2069: {weak}/100"]
