"""The real bot over HTTP against the fake Bot API server, with a real SQLite file."""

import asyncio

import pytest

from testing.bot_runner import running_bot
from testing.fake_telegram import FakeTelegram, say

ADA, BOB = 1001, 1002
GIL_ANSWER = (
    "The GIL lets only one thread execute Python bytecode at a time; it protects reference "
    "counts. It is released during blocking I/O so threads suit I/O-bound work, while "
    "CPU-bound code should use multiprocessing. Python 3.13 has a free-threaded build."
)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        server.add_private_chat(BOB, "Bob")
        yield server


@pytest.fixture
async def bot(fake, database_url):
    async with running_bot(fake, database_url) as application:
        yield application


async def test_start_introduces_the_bot_and_sets_the_command_menu(fake, bot):
    [intro] = await say(fake, ADA, "/start")
    assert "Python interview practice" in intro.plain_text
    assert intro.button_texts == ["Quiz me", "Topics", "Daily question"]
    menu = {command["command"] for command in fake.commands()}
    assert {"quiz", "topic", "hint", "skip", "streak", "daily", "forget", "help"} <= menu


async def test_quiz_then_answer_shows_points_and_folded_model_answer(fake, bot):
    [question] = await say(fake, ADA, "/quiz")
    assert "Write your answer" in question.plain_text
    grade_messages = await say(fake, ADA, "I would explain it with an example from my last project")
    grade = grade_messages[0]
    assert "/100" in grade.plain_text
    assert "❌" in grade.plain_text
    assert "<blockquote expandable>" in "".join(m.text for m in grade_messages)
    assert grade_messages[-1].button_texts == [
        "Next question",
        "Same topic",
        "I think I was right",
    ]


async def test_topic_by_name_alias_case_and_typo(fake, bot):
    for query, expected in [
        ("gil", "What is the GIL"),
        ("GIL", "What is the GIL"),
        ("global interpreter lock", "What is the GIL"),
    ]:
        [question] = await say(fake, ADA, f"/topic {query}")
        assert "Topic: GIL" in question.plain_text
        assert expected in question.plain_text or "GIL" in question.plain_text
    [asyncio_question] = await say(fake, ADA, "/topic asynco")
    assert "Topic: asyncio" in asyncio_question.plain_text


async def test_gil_answer_is_graded_against_the_gil_key_points(fake, bot):
    await say(fake, ADA, "/topic gil")
    while "What is the GIL" not in fake.messages_to(ADA)[-1].plain_text:
        await say(fake, ADA, "/topic gil")
    [grade, *_] = await say(fake, ADA, GIL_ANSWER)
    assert "Strong answer" in grade.plain_text
    assert grade.plain_text.count("✅") == 5


async def test_unknown_topic_suggests_and_the_suggestion_button_works(fake, bot):
    [suggestion] = await say(fake, ADA, "/topic generatorz and iteratorz")
    assert "Did you mean" in suggestion.plain_text
    assert suggestion.callback_data
    before = len(fake.messages_to(ADA))
    fake.user_presses(ADA, suggestion, suggestion.callback_data[0])
    [question] = await fake.wait_for_messages(ADA, 1, since=before)
    assert "Topic:" in question.plain_text
    await fake.wait_for_calls("answerCallbackQuery", 1)


async def test_a_restart_between_question_and_answer_loses_nothing(fake, database_url):
    async with running_bot(fake, database_url):
        await say(fake, ADA, "/topic gil")
    async with running_bot(fake, database_url):
        [grade, *_] = await say(fake, ADA, GIL_ANSWER)
    assert "/100" in grade.plain_text
    assert "No question is waiting" not in grade.plain_text


async def test_two_learners_at_once_are_graded_separately(fake, bot):
    await asyncio.gather(say(fake, ADA, "/topic gil"), say(fake, BOB, "/topic decorators"))
    ada, bob = await asyncio.gather(say(fake, ADA, GIL_ANSWER), say(fake, BOB, GIL_ANSWER))
    assert "Strong answer" in ada[0].plain_text
    assert "Strong answer" not in bob[0].plain_text
    [streak] = await say(fake, BOB, "/streak")
    assert "Current streak: 1 day" in streak.plain_text


async def test_hint_skip_and_cancel(fake, bot):
    await say(fake, ADA, "/topic gil")
    [hint] = await say(fake, ADA, "/hint")
    assert "A good answer says" in hint.plain_text
    [skipped] = await say(fake, ADA, "/skip")
    assert "Model answer" in skipped.plain_text
    [nothing] = await say(fake, ADA, "/cancel")
    assert "no question to drop" in nothing.plain_text
    [again] = await say(fake, ADA, "some answer with no question")
    assert "No question is waiting" in again.plain_text


async def test_streak_stats_and_timezone(fake, bot):
    [before] = await say(fake, ADA, "/streak")
    assert "Current streak: 0" in before.plain_text
    [zone] = await say(fake, ADA, "/timezone Europe/Berlin")
    assert "Europe/Berlin" in zone.plain_text
    await say(fake, ADA, "/topic gil")
    await say(fake, ADA, GIL_ANSWER, count=1)
    [after] = await say(fake, ADA, "/streak")
    assert (
        "Current streak: 1 day" in after.plain_text and "Today already counts" in after.plain_text
    )
    [stats] = await say(fake, ADA, "/stats")
    assert "Answers graded: 1" in stats.plain_text


async def test_forget_asks_first_then_deletes_everything(fake, bot):
    await say(fake, ADA, "/topic gil")
    await say(fake, ADA, GIL_ANSWER)
    [confirm] = await say(fake, ADA, "/forget")
    assert confirm.callback_data == ["forget:yes", "forget:no"]
    before = len(fake.messages_to(ADA))
    fake.user_presses(ADA, confirm, "forget:yes")
    [done] = await fake.wait_for_messages(ADA, 1, since=before)
    assert "deleted" in done.plain_text
    [stats] = await say(fake, ADA, "/stats")
    assert "No answers yet" in stats.plain_text


async def test_group_members_answer_by_replying_and_are_graded_separately(fake, bot):
    group = -100500
    fake.add_group(group, admins=[ADA], members=[BOB])
    [question] = await say(fake, ADA, "/topic gil", chat_id=group)
    assert "Reply to this message" in question.plain_text
    [ada] = await say(fake, ADA, GIL_ANSWER, chat_id=group, reply_to_message_id=question.message_id)
    [bob] = await say(fake, BOB, "no idea", chat_id=group, reply_to_message_id=question.message_id)
    assert ada.plain_text.startswith("\u2068Ada\u2069\n") and "Strong answer" in ada.plain_text
    assert "did not grade" in bob.plain_text
    [bob_streak] = await say(fake, BOB, "/streak")
    assert "Current streak: 0" in bob_streak.plain_text
    [denied] = await say(fake, BOB, "/daily on", chat_id=group)
    assert "only admins" in denied.plain_text
    [allowed] = await say(fake, ADA, "/daily 08:30", chat_id=group)
    assert "on, at 08:30" in allowed.plain_text


async def test_bad_input_gets_a_friendly_reply_and_changes_nothing(fake, bot):
    await say(fake, ADA, "/topic gil")
    for send in (fake.user_sends_sticker, fake.user_sends_photo, fake.user_sends_voice):
        before = len(fake.messages_to(ADA))
        send(ADA)
        [reply] = await fake.wait_for_messages(ADA, 1, since=before)
        assert "text answers only" in reply.plain_text
    [emoji] = await say(fake, ADA, "🤔🤔🐍")
    assert "did not grade" in emoji.plain_text
    [junk] = await say(fake, ADA, "/timezone Mars/Phobos_Base")
    assert "don't know the time zone" in junk.plain_text
    [zone] = await say(fake, ADA, "/timezone")
    assert "UTC" in zone.plain_text
    [unknown] = await say(fake, ADA, "/frobnicate now")
    assert "/help" in unknown.plain_text
    [bad_time] = await say(fake, ADA, "/daily 25:61")
    assert "could not read" in bad_time.plain_text
    before = len(fake.messages_to(ADA))
    fake.user_presses(ADA, 999_999, "topic:no-such-topic", forged=True)
    [stale] = await fake.wait_for_messages(ADA, 1, since=before)
    assert "no longer works" in stale.plain_text
    [hint] = await say(fake, ADA, "/hint")
    assert "A good answer says" in hint.plain_text, "the pending question survived"


async def test_long_rtl_and_edited_answers(fake, bot):
    await say(fake, ADA, "/topic gil")
    long_answer = (GIL_ANSWER + " ") * 20
    [grade, *_] = await say(fake, ADA, long_answer[:4096])
    assert "/100" in grade.plain_text
    await say(fake, ADA, "/topic gil")
    [rtl] = await say(fake, ADA, "מנעול המפרש הגלובלי מאפשר רק לתהליכון אחד לרוץ")
    assert "/100" in rtl.plain_text or "did not grade" in rtl.plain_text
    before = len(fake.messages_to(ADA))
    sent = fake.user_sends(ADA, "first version")
    await fake.wait_for_messages(ADA, 1, since=before)
    before = len(fake.messages_to(ADA))
    fake.user_edits(sent, "edited version")
    [edited] = await fake.wait_for_messages(ADA, 1, since=before)
    assert "first version of an answer" in edited.plain_text


async def test_channel_posts_are_ignored(fake, bot):
    fake.add_channel(-100777)
    fake.channel_post(-100777, "/quiz")
    [_] = await say(fake, ADA, "/help")
    assert fake.messages_to(-100777) == []


async def test_a_failure_while_replying_ends_in_an_apology_not_silence(fake, bot):
    fake.fail_next(1, chat_id=ADA, method="sendMessage", status=500)
    before = len(fake.messages_to(ADA))
    fake.user_sends(ADA, "/help")
    [apology] = await fake.wait_for_messages(ADA, 1, since=before)
    assert "something went wrong" in apology.plain_text


async def test_forget_is_for_private_chats_and_a_late_button_still_works(fake, bot):
    group = -100600
    fake.add_group(group, members=[ADA])
    [refused] = await say(fake, ADA, "/forget", chat_id=group)
    assert "private chat" in refused.plain_text and not refused.callback_data
    [menu] = await say(fake, ADA, "/start")
    fake.fail_next(1, method="answerCallbackQuery", status=400, description="query is too old")
    before = len(fake.messages_to(ADA))
    fake.user_presses(ADA, menu, "quiz")
    [question] = await fake.wait_for_messages(ADA, 1, since=before)
    assert "Write your answer" in question.plain_text


async def test_a_command_followed_by_a_new_line_keeps_its_argument(fake, bot):
    [zone] = await say(fake, ADA, "/timezone\nEurope/Berlin")
    assert "Time zone set to Europe/Berlin" in zone.plain_text
