"""Names, titles and echoed words that users choose cannot reorder the bot's own text: the
real bot against the fake Bot API server, with first names and arguments carrying bidi
controls (U+202E, the right-to-left override, and friends)."""

import re
from datetime import UTC, datetime

import pytest

from bot.core.daily import question_of_the_day
from content import load_bank
from testing.bot_runner import running_bot
from testing.clock import Clock
from testing.fake_telegram import FakeTelegram

EVE, ADA = 5001, 5002
GROUP = -100500
BANK = load_bank()
RLO, LRI, PDF, PDI, FSI = "\u202e", "\u2066", "\u202c", "\u2069", "\u2068"
CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SPOOF = f"Eve{RLO}"


@pytest.fixture
def clock():
    return Clock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        server.add_private_chat(EVE, SPOOF)
        server.add_private_chat(ADA, f"{LRI}Ada")
        server.add_group(GROUP, f"Study {RLO}group", admins=[ADA], members=[EVE])
        yield server


def isolated_only(text: str, *names: str) -> bool:
    """Every bidi control in `text` belongs to an isolate (around one of `names`, if given)
    with no control inside it."""
    inside = "".join(sorted(CONTROLS))
    isolates = re.findall(f"{FSI}([^{inside}]*){PDI}", text)
    if names and not set(isolates) <= set(names):
        return False
    return not CONTROLS & set(re.sub(f"{FSI}[^{inside}]*{PDI}", "", text))


async def sent(fake, user, text, chat=None, reply_to=None):
    chat = chat or user
    before = len(fake.messages_to(chat))
    fake.user_sends(user, text, chat_id=chat, reply_to_message_id=reply_to)
    [reply] = await fake.wait_for_messages(chat, 1, since=before)
    return reply.plain_text


async def test_names_are_isolated_in_grading_headers_and_on_the_leaderboard(
    fake, database_url, clock
):
    question = BANK.get(question_of_the_day([q.id for q in BANK.questions], clock().date()))
    async with running_bot(fake, database_url, clock):
        before = len(fake.messages_to(GROUP))
        fake.user_sends(ADA, "/top", chat_id=GROUP)
        [empty] = await fake.wait_for_messages(GROUP, 1, since=before)
        fake.user_presses(EVE, empty, "daily")
        [asked] = await fake.wait_for_messages(GROUP, 1, since=before + 1)
        graded = []
        for user in (EVE, ADA):
            graded.append(await sent(fake, user, question.answer, GROUP, asked.message_id))
        top = await sent(fake, ADA, "/top", GROUP)
    assert graded[0].startswith(f"{FSI}Eve{PDI}\n")
    assert graded[1].startswith(f"{FSI}Ada{PDI}\n")
    assert isolated_only(top, "Eve", "Ada")
    assert f"🥇 {FSI}Eve{PDI}: " in top and f"🥈 {FSI}Ada{PDI}: " in top


async def test_echoed_arguments_are_isolated(fake, database_url, clock):
    async with running_bot(fake, database_url, clock):
        topic = await sent(fake, EVE, f"/topic zzqq{RLO}xx")
        zone = await sent(fake, EVE, f"/timezone Nowhere{RLO}land")
        daily = await sent(fake, EVE, f"/daily 25{RLO}:99")
        interview = await sent(fake, EVE, f"/interview senior junior{RLO}")
    assert f"“{FSI}zzqqxx{PDI}”" in topic and isolated_only(topic, "zzqqxx")
    assert f"“{FSI}Nowhereland{PDI}”" in zone and isolated_only(zone, "Nowhereland")
    assert f"“{FSI}25:99{PDI}”" in daily and isolated_only(daily, "25:99")
    assert f"“{FSI}junior{PDI}”" in interview and isolated_only(interview)
