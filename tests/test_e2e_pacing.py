"""Sending under Telegram's limits, end to end: the real bot against a fake Bot API server
that enforces them (1 message a second into a private chat with bursts of 3, 30 a second
overall) and answers 429 with retry_after beyond them. Group pacing (20 a minute) is
measured in tests/test_pacing.py on a clock the test moves."""

import pytest

from bot.telegram.handlers import SORRY
from testing.bot_runner import running_bot
from testing.fake_telegram import FakeTelegram, FloodLimits

ADA, BOB = 7001, 7002
GROUP = -100700


@pytest.fixture
async def fake():
    async with FakeTelegram(flood=FloodLimits()) as server:
        server.add_private_chat(ADA, "Ada")
        server.add_private_chat(BOB, "Bob")
        server.add_group(GROUP, admins=[ADA], members=[BOB])
        yield server


async def test_ten_replies_to_one_chat_are_paced_not_retried(fake, database_url):
    async with running_bot(fake, database_url):
        for _ in range(10):
            fake.user_sends(ADA, "/streak")
        fake.user_sends(BOB, "/streak")
        [bob] = await fake.wait_for_messages(BOB, 1, timeout=3)
        replies = await fake.wait_for_messages(ADA, 10, timeout=15)
    assert fake.stats.too_many_requests == 0
    assert all("streak" in reply.plain_text.casefold() for reply in replies)
    assert all(reply.plain_text != SORRY for reply in replies)
    assert bob.time - replies[0].time < 1.0, "another chat does not wait for Ada's queue"
    spread = replies[-1].time - replies[0].time
    assert spread >= 10 - 3 - 0.5, "about one a second after a burst of three"


async def test_a_429_is_waited_out_and_never_becomes_an_apology(fake, database_url):
    async with running_bot(fake, database_url):
        fake.fail_next(5, chat_id=ADA, method="sendMessage", status=429, retry_after=1)
        fake.user_sends(ADA, "/streak")
        [reply] = await fake.wait_for_messages(ADA, 1, timeout=15)
        assert "streak" in reply.plain_text.casefold()
        fake.user_sends(ADA, "/streak")
        await fake.wait_for_messages(ADA, 1, since=1, timeout=5)
    assert all(call.plain_text != SORRY for call in fake.messages_to(ADA))
    assert len(fake.messages_to(ADA)) == 2
