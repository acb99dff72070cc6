"""Sharing a question end to end: an inline query offers matching questions, the chosen one
is posted in a group with a deep-link button, and `/start q_<id>` from that button asks the
question in private, where the answer is graded as usual."""

from urllib.parse import parse_qs, urlsplit

import pytest

from testing.bot_runner import running_bot
from testing.fake_telegram import FakeTelegram, say

ADA, BOB = 7001, 7002
GROUP = -7100
GIL_ANSWER = (
    "The GIL lets only one thread execute Python bytecode at a time; it protects reference "
    "counts. It is released during blocking I/O so threads suit I/O-bound work."
)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(ADA, "Ada")
        server.add_private_chat(BOB, "Bob")
        server.add_group(GROUP, members=[ADA, BOB])
        yield server


@pytest.fixture
async def bot(fake, database_url):
    async with running_bot(fake, database_url) as application:
        yield application


async def offered(fake, user, query, chat_type="supergroup"):
    inline = fake.user_inline_query(user, query, chat_type=chat_type)
    return await fake.wait_for_inline_answer(inline["id"]), inline["id"]


def start_link(markup):
    [[button]] = markup["inline_keyboard"]
    url = urlsplit(button["url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "t.me", "/FakeTutorBot")
    return button["text"], parse_qs(url.query)["start"][0]


async def test_inline_query_posts_the_question_and_its_link_opens_it_in_private(fake, bot):
    results, query_id = await offered(fake, ADA, "gil")
    assert results[0]["id"] == "gil"
    assert results[0]["title"] == "Asyncio & concurrency · middle"
    assert "GIL" in results[0]["description"]
    posted = fake.user_chooses_inline_result(ADA, query_id, "gil", chat_id=GROUP)
    assert "What is the GIL in CPython" in posted.plain_text
    assert "answer it in a private chat" in posted.plain_text
    label, parameter = start_link(posted.reply_markup)
    assert (label, parameter) == ("Answer it in private", "q_gil")

    # Bob taps the button: Telegram opens the private chat and sends /start q_gil.
    [asked] = await say(fake, BOB, f"/start {parameter}")
    assert "A question shared with you" in asked.plain_text
    assert "What is the GIL in CPython" in asked.plain_text
    [graded] = await say(fake, BOB, GIL_ANSWER)
    assert "/100" in graded.plain_text and "I think I was right" in graded.button_texts
    assert not [m for m in fake.messages_to(GROUP) if m.method != "inlineResult"]


async def test_inline_matching_is_loose_and_an_unknown_query_offers_nothing(fake, bot):
    loose, _ = await offered(fake, ADA, "global interpreter lock", chat_type="private")
    assert "gil" in [r["id"] for r in loose]
    typo, _ = await offered(fake, ADA, "asynco")
    assert typo and all(r["id"] for r in typo)
    everything, _ = await offered(fake, ADA, "")
    assert len(everything) == 20
    nothing, _ = await offered(fake, ADA, "zqxv wpfk")
    assert nothing == []


async def test_a_deep_link_to_an_unknown_question_just_starts(fake, bot):
    [intro] = await say(fake, ADA, "/start q_no-such-question")
    assert "Python interview practice" in intro.plain_text
