"""Progress features end to end, against the fake Bot API server with a real SQLite file:
the /stats picture, disputed grades, /disputes, streak freezes and the group leaderboard."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.daily import question_of_the_day
from content import load_bank
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.fake_telegram import FakeTelegram, say

ADA, BOB, CY = 3001, 3002, 3003
GROUP = -100300
BANK = load_bank()
GIL_ANSWER = (
    "The GIL lets only one thread execute Python bytecode at a time; it protects reference "
    "counts. It is released during blocking I/O so threads suit I/O-bound work."
)
ONE_MB = 1_000_000


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        server.add_private_chat(BOB, "Bob")
        server.add_private_chat(CY, "Cy <3 & co")
        yield server


@pytest.fixture
def clock():
    return Clock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))


@pytest.fixture
async def bot(fake, database_url, clock):
    async with running_bot(fake, database_url, clock, admin_ids=frozenset({ADA})) as app:
        yield app


async def press(fake, user, message, data, chat=None, **options):
    before = len(fake.messages_to(chat or user))
    fake.user_presses(user, message, data, **options)
    [reply] = await fake.wait_for_messages(chat or user, 1, since=before)
    return reply


async def graded(fake, user, text, **where):
    """The user answers; the bot's messages up to the one with the grade's buttons."""
    chat = where.get("chat_id", user)
    before = len(fake.messages_to(chat))
    fake.user_sends(user, text, **where)
    count = 1
    while not (sent := await fake.wait_for_messages(chat, count, since=before))[-1].reply_markup:
        count += 1
    return sent


async def answer_gil(fake, user):
    """Ask the GIL topic and answer it; the grade's messages."""
    await say(fake, user, "/topic gil")
    return await graded(fake, user, GIL_ANSWER)


async def test_stats_sends_a_chart_with_its_facts_as_the_caption(fake, bot):
    [nothing] = await say(fake, ADA, "/stats")
    assert nothing.method == "sendMessage" and "No answers yet" in nothing.plain_text
    await answer_gil(fake, ADA)
    [chart] = await say(fake, ADA, "/stats")
    assert chart.method == "sendPhoto"
    assert 10_000 < chart.photo_bytes < ONE_MB
    assert chart.parse_mode == "HTML"
    caption = chart.plain_text
    assert "Answers graded: 1" in caption
    assert "Mastery by section" in caption and "1. Core language & data structures:" in caption
    assert "1 answer(s) on 1 day(s); most on Mon 04 May (1)." in caption
    assert "days in your time zone, UTC" in caption


async def test_the_dispute_button_thanks_once_and_refuses_forged_data_kindly(fake, bot):
    grade = (await answer_gil(fake, ADA))[-1]
    [dispute] = [data for data in grade.callback_data if data.startswith("dispute:")]
    thanks = await press(fake, ADA, grade, dispute)
    assert "Thank you! I noted that you think this grade is wrong" in thanks.plain_text
    again = await press(fake, ADA, grade, dispute)
    assert "You already told me about this grade" in again.plain_text
    forged = await press(fake, ADA, 987_654, "dispute:424242", forged=True)
    assert "could not find that grade" in forged.plain_text
    await fake.wait_for_calls("answerCallbackQuery", 3)
    [report] = await say(fake, ADA, "/disputes")
    assert "(1 dispute(s) in all)" in report.plain_text


async def test_disputes_lists_the_most_disputed_for_admins_and_refuses_others(fake, bot, clock):
    question = BANK.get(question_of_the_day([q.id for q in BANK.questions], clock().date()))
    partial = question.key_points[0].text
    for user in (ADA, BOB):
        [intro] = await say(fake, user, "/start")
        await press(fake, user, intro, "daily")
        grade = (await graded(fake, user, partial))[-1]
        [dispute] = [data for data in grade.callback_data if data.startswith("dispute:")]
        await press(fake, user, grade, dispute)
    [refused] = await say(fake, BOB, "/disputes")
    assert "for the bot's operators" in refused.plain_text
    [report] = await say(fake, ADA, "/disputes")
    text = report.plain_text
    assert "Most disputed questions (2 dispute(s) in all)" in text
    assert f"1. {question.id}: 2 dispute(s)." in text
    listed = [line[2:].removesuffix(" (2×)") for line in text.splitlines() if line[:2] == "• "]
    others = {point.text for point in question.key_points[1:]}
    assert listed and set(listed) <= others, "the points the disputed answers missed"
    assert f"Latest disputed answer: “\u2068{partial}\u2069”" in text
    menu = {command["command"] for command in fake.commands()}
    assert "top" in menu and "disputes" not in menu


async def test_streak_shows_a_freeze_earned_on_day_seven_and_spent_on_a_missed_day(
    fake, bot, clock
):
    for _ in range(7):
        await answer_gil(fake, ADA)
        clock.moment += timedelta(days=1)
    clock.moment -= timedelta(days=1)
    [seventh] = await say(fake, ADA, "/streak")
    assert "Current streak: 7 day(s)" in seventh.plain_text
    assert "Streak freezes: 1 of 2" in seventh.plain_text
    assert "Today already counts" in seventh.plain_text
    clock.moment += timedelta(days=2)  # a day missed
    [covered] = await say(fake, ADA, "/streak")
    assert "Current streak: 7 day(s)" in covered.plain_text
    assert "Streak freezes: 0 of 2" in covered.plain_text
    assert "A freeze covers the day you missed" in covered.plain_text
    assert "Answer one question today to keep it going" in covered.plain_text
    await answer_gil(fake, ADA)
    [extended] = await say(fake, ADA, "/streak")
    assert "Current streak: 8 day(s)" in extended.plain_text
    assert "Today already counts" in extended.plain_text
    clock.moment += timedelta(days=2)
    [lapsed] = await say(fake, ADA, "/streak")
    assert "Current streak: 0 day(s)" in lapsed.plain_text and "Best: 8" in lapsed.plain_text


async def test_top_ranks_todays_question_of_the_day_in_the_group(fake, bot, clock):
    fake.add_group(GROUP, admins=[ADA], members=[BOB, CY])
    question = BANK.get(question_of_the_day([q.id for q in BANK.questions], clock().date()))
    [empty] = await say(fake, BOB, "/top", chat_id=GROUP)
    assert "Nobody here has answered it yet today" in empty.plain_text
    asked = await press(fake, BOB, empty, "daily", chat=GROUP)
    assert question.prompt.split()[0] in asked.plain_text
    partial = question.key_points[0].text
    for user, text in ((BOB, partial), (ADA, question.answer), (CY, question.answer)):
        await graded(fake, user, text, chat_id=GROUP, reply_to_message_id=asked.message_id)
        clock.moment += timedelta(minutes=5)
    [intro] = await say(fake, BOB, "/start")
    await press(fake, BOB, intro, "daily")
    await graded(fake, BOB, question.answer)  # in private: not on the group's board
    [top] = await say(fake, ADA, "/top", chat_id=GROUP)
    lines = top.plain_text.splitlines()
    assert lines[0] == "Leaderboard, Monday 04 May"
    assert lines[1].startswith("Question of the day: ")
    ranked = lines[3:]
    names = [line.split(":")[0] for line in ranked]
    assert names == ["🥇 \u2068Ada\u2069", "🥈 \u2068Cy <3 & co\u2069", "🥉 \u2068Bob\u2069"]
    assert "<b>\u2068Cy &lt;3 &amp; co\u2069</b>" in top.text
    [private] = await say(fake, ADA, "/top")
    assert "group leaderboard" in private.plain_text
